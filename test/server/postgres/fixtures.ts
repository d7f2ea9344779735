import pg from 'pg';
import { pgAudit, type PgAudit, type PgAuditOptions } from '../../../server/postgres/index.js';
import { keys } from '../audit/fixtures.js';

let tables = 0;
/** A fresh chain name per test, so the tests of a file share one server without sharing a chain. */
export const newTable = () => `audit_t${++tables}_${process.pid}`;

/** Sinks and pools a test opened, closed after it. */
export function opened() {
  const sinks: PgAudit[] = [];
  const pools: pg.Pool[] = [];
  return {
    sink(options: Partial<PgAuditOptions> & ({ connectionString: string } | { pool: pg.Pool })): PgAudit {
      const s = pgAudit({ checkpoint: { privateKey: keys.privateKey, everyEvents: 10 }, warn: () => {}, ...options });
      sinks.push(s);
      return s;
    },
    pool(connectionString: string) {
      const p = new pg.Pool({ connectionString, max: 2 });
      p.on('error', () => {});
      pools.push(p);
      return p;
    },
    async close() {
      await Promise.all(sinks.splice(0).map((s) => s.close().catch(() => {})));
      await Promise.all(pools.splice(0).map((p) => p.end()));
    },
  };
}
