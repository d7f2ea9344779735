// extension/screenshots.ts (npm run screenshots) writes real pictures: each PNG is there, has a
// size, and is not one flat colour.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, expect, test } from 'vitest';

const out = await mkdtemp(join(tmpdir(), 'onbehalf-shots-'));
afterAll(() => rm(out, { recursive: true, force: true }));

test('the screenshot script writes the picker, the banner and the banner over a modal dialog', async () => {
  await promisify(execFile)('node_modules/.bin/tsx', ['extension/screenshots.ts'], { env: { ...process.env, OUT: out }, timeout: 150_000 });
  for (const name of ['extension-picker.png', 'extension-banner.png', 'extension-dialog.png']) {
    const image = sharp(join(out, name));
    const { format, width, height } = await image.metadata();
    expect(format).toBe('png');
    expect(width! * height!).toBeGreaterThan(100 * 100);
    const { channels } = await image.stats();
    expect(channels.some((c) => c.max - c.min > 64), `${name} is one flat colour`).toBe(true);
  }
}, 180_000);
