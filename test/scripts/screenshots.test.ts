// npm run screenshots (extension/screenshots.ts, then the demo's scripts/screenshots.ts) writes
// real pictures: each PNG is there, has a size, and is not one flat colour.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, expect, test } from 'vitest';

const out = await mkdtemp(join(tmpdir(), 'onbehalf-shots-'));
afterAll(() => rm(out, { recursive: true, force: true }));

async function expectPictures(names: string[]) {
  for (const name of names) {
    const image = sharp(join(out, name));
    const { format, width, height } = await image.metadata();
    expect(format).toBe('png');
    expect(width! * height!).toBeGreaterThan(100 * 100);
    const { channels } = await image.stats();
    expect(channels.some((c) => c.max - c.min > 64), `${name} is one flat colour`).toBe(true);
  }
}

const run = (script: string) => promisify(execFile)('node_modules/.bin/tsx', [script], { env: { ...process.env, OUT: out }, timeout: 150_000 });

test("the extension's screenshot script writes the picker, the banner and the banner over a modal dialog", async () => {
  await run('extension/screenshots.ts');
  await expectPictures(['extension-picker.png', 'extension-banner.png', 'extension-dialog.png']);
}, 180_000);

test("the demo's screenshot script writes its pages, the subject's notice and their access history", async () => {
  await run('scripts/screenshots.ts');
  await expectPictures(['sign-in.png', 'acting-my-okrs.png', 'admin-audit.png', 'subject-notice.png', 'subject-access.png']);
}, 180_000);
