/** The shared, hash-chained audit in PostgreSQL (entry "onbehalf/postgres"; needs the `pg` driver). */
export { pgAudit, type PgAudit, type PgAuditOptions } from './audit.js';
export { verifyPgAudit, exportPgChain, type PgChainSource } from './verify.js';
export { chainSchemaSql, writerGrantsSql, chainTables, type ChainTables } from './schema.js';
