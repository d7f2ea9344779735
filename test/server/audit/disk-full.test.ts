import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAudit, verifyAuditFiles } from '../../../server/audit/index.js';
import { startHost } from '../../helpers/host.js';
import { event, filesIn, keys, publicKeyPem, tempDir } from './fixtures.js';

/**
 * A real, small, full filesystem: a 256 KiB tmpfs (the test runs as root, so a read-only
 * directory would not stop it). Mounting needs root / CAP_SYS_ADMIN: the test fails, loudly, without.
 */
let mnt: string;
beforeAll(() => {
  mnt = tempDir('onbehalf-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`this test mounts a small tmpfs and needs root (CAP_SYS_ADMIN): ${(e as Error).message}`);
  }
});
afterAll(() => {
  execFileSync('umount', ['--lazy', mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

/** Fill the filesystem with a file until the kernel says ENOSPC. */
function fill(path: string) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

describe('fileAudit on a full disk', () => {
  it('rejects the write with AUDIT_UNAVAILABLE, leaves no part of it in the log, and recovers once space is freed', async () => {
    const dir = join(mnt, 'sink');
    const sink = fileAudit({ dir, checkpoint: { privateKey: keys.privateKey }, warn: () => {} });
    try {
      await sink.write(event({ id: 'before' }));
      fill(join(mnt, 'filler'));
      // Bigger than a page, so it can't slip into the log file's last, half-used page.
      await expect(sink.write(event({ id: 'lost', path: `/${'x'.repeat(8000)}` }))).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
      rmSync(join(mnt, 'filler'));
      await sink.write(event({ id: 'after' }));
    } finally {
      await sink.close();
      rmSync(join(mnt, 'filler'), { force: true });
    }
    const r = await verifyAuditFiles(filesIn(dir), { publicKey: publicKeyPem });
    expect(r).toMatchObject({ ok: true, events: 2 });
    const ids = (await sink.query({})).events.map((e) => e.id);
    expect(ids).toEqual(['before', 'after']);
  });

  it('start answers 503 AUDIT_UNAVAILABLE and no session begins (real express + express-session)', async () => {
    fill(join(mnt, 'filler'));
    const audit = fileAudit({ dir: join(mnt, 'host'), checkpoint: { privateKey: keys.privateKey }, warn: () => {} });
    const host = await startHost({ audit });
    try {
      const avery = await host.signIn('avery');
      const r = await avery.start('ashley');
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
      const status = await avery.status();
      expect(status.active).toBe(false);
      const who = await avery.get('/whoami');
      expect(who.json.onBehalf).toMatchObject({ active: false, userId: 'avery' });
      // Once the disk has room again, the same host starts normally: the sink recovered by itself.
      rmSync(join(mnt, 'filler'));
      const ok = await avery.start('ashley');
      expect(ok.status).toBe(200);
      expect((await avery.get('/whoami')).json.onBehalf).toMatchObject({ active: true, userId: 'ashley' });
    } finally {
      await host.close();
      await audit.close();
      rmSync(join(mnt, 'filler'), { force: true });
    }
  });
});
