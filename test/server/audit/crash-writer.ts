/**
 * Child process of the crash test: writes events to a file sink from 32 concurrent writers
 * until killed, printing each event id to stdout once its write resolved (acknowledged).
 * argv: <dir> <run id>. The signing key comes in ONBEHALF_AUDIT_KEY (PEM).
 */
import { fileAudit } from '../../../server/audit/index.js';

const [dir, run] = process.argv.slice(2);
const sink = fileAudit({
  dir,
  checkpoint: { privateKey: process.env.ONBEHALF_AUDIT_KEY!, everyEvents: 50 },
  rotate: { maxBytes: 64 * 1024, daily: false },
  // The killed writer's lock goes stale in 2 s (the least), so each restart waits that long at most.
  lock: { staleMs: 2_000 },
  warn: (m) => process.stderr.write(`${m}\n`),
});
let n = 0;
async function writer() {
  for (;;) {
    const id = `${run}-${n++}`;
    await sink.write({ id, time: new Date().toISOString(), type: 'action', actor: { id: 'avery', name: 'Avery' }, subject: { id: 'ashley', name: 'Ashley' }, method: 'POST', path: '/okrs' });
    process.stdout.write(`${id}\n`);
  }
}
for (let i = 0; i < 32; i++) void writer();
