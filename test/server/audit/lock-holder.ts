/**
 * Child process of the lock test: opens a file sink on <dir> (lock staleMs from argv), writes
 * one event, prints "held", then stays alive until killed.
 */
import { fileAudit } from '../../../server/audit/index.js';

const [dir, staleMs] = process.argv.slice(2);
const sink = fileAudit({ dir, lock: { staleMs: Number(staleMs) }, warn: () => {} });
await sink.write({ id: `held-by-${process.pid}`, time: new Date().toISOString(), type: 'action' });
process.stdout.write('held\n');
setInterval(() => {}, 1000);
