/**
 * Child process of the fault tests: one app instance writing to the PostgreSQL chain from 32
 * concurrent writers until killed, printing each event id once its write resolved
 * (acknowledged), and `!` for each rejected write. argv: <connection string> <table> <run id>.
 * The signing key comes in ONBEHALF_AUDIT_KEY (PEM).
 */
import { pgAudit } from '../../../server/postgres/index.js';

const [connectionString, table, run] = process.argv.slice(2);
const sink = pgAudit({
  connectionString,
  table,
  timeoutMs: 1000,
  checkpoint: { privateKey: process.env.ONBEHALF_AUDIT_KEY!, everyEvents: 50 },
  warn: () => {},
});
let n = 0;
async function writer() {
  for (;;) {
    const id = `${run}-${n++}`;
    try {
      await sink.write({ id, time: new Date().toISOString(), type: 'action', actor: { id: 'avery', name: 'Avery' }, subject: { id: 'ashley', name: 'Ashley' }, method: 'POST', path: '/okrs' });
      process.stdout.write(`${id}\n`);
    } catch {
      process.stdout.write('!\n');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
for (let i = 0; i < 32; i++) void writer();
