import { once } from 'node:events';
import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AUDIT_TYPES } from '../../shared/index.js';
import { csvHeader, csvRow } from '../audit/csv.js';
import { matches } from '../audit/memory.js';
import { verifyAuditFiles } from '../audit/verify.js';
import { decodeLine } from '../audit/format.js';
import { readLines } from '../audit/lines.js';
import { readEvents, totalSize } from '../audit/read.js';
import { progressBar } from './progress.js';

/** Exit codes: 0 ok, 1 the log failed verification, 2 bad usage or unreadable input. */
export class UsageError extends Error {}

async function out(s: string) {
  if (!process.stdout.write(s)) await once(process.stdout, 'drain');
}

/** The PostgreSQL module, loaded only for `--pg` so that the file commands need no `pg` driver. */
async function postgres() {
  try {
    return await import('../postgres/index.js');
  } catch (e) {
    throw new UsageError(`--pg needs the pg driver (npm install pg): ${(e as Error).message}`);
  }
}

const PG_OPTIONS = { pg: { type: 'string' }, table: { type: 'string' } } as const;

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'public-key': { type: 'string' }, ...PG_OPTIONS } });
  if (!positionals.length && !values.pg) throw new UsageError('verify needs log files (and the .checkpoints.jsonl file), or --pg <url>');
  if (positionals.length && values.pg) throw new UsageError('verify takes log files or --pg <url>, not both');
  const publicKey = values['public-key'] === undefined ? undefined : readFileSync(values['public-key']);
  const bar = progressBar('verifying');
  const result = values.pg
    ? await (await postgres()).verifyPgAudit({ connectionString: values.pg, table: values.table }, { publicKey })
    : await verifyAuditFiles(positionals, { publicKey, onProgress: bar.update });
  bar.done();
  if (!result.ok) {
    const p = result.problem!;
    process.stdout.write(`BAD ${p.file}:${p.line}: ${p.message}\n`);
    return 1;
  }
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  const where = values.pg ? `${values.table ?? 'onbehalf_audit'} in PostgreSQL` : `${result.files} file(s)`;
  process.stdout.write(`OK ${where}, ${result.events} events, ${result.checkpoints} signed checkpoints, chain intact through record #${result.lastSeq}\n`);
  return 0;
}

async function exportCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'jsonl' },
      actor: { type: 'string' },
      subject: { type: 'string' },
      type: { type: 'string' },
      session: { type: 'string' },
      out: { type: 'string' },
      ...PG_OPTIONS,
    },
  });
  if (values.pg) {
    if (values.format !== 'chain' || !values.out) throw new UsageError('export --pg <url> takes --format chain --out <dir>');
    const files = await (await postgres()).exportPgChain({ connectionString: values.pg, table: values.table }, values.out);
    process.stdout.write(`${files.join('\n')}\n`);
    return 0;
  }
  if (values.format !== 'jsonl' && values.format !== 'csv') throw new UsageError('--format must be jsonl or csv');
  if (values.type !== undefined && !(AUDIT_TYPES as readonly string[]).includes(values.type)) throw new UsageError(`--type must be one of ${AUDIT_TYPES.join(', ')}`);
  if (!positionals.length) throw new UsageError('export needs log files');
  const filter = { actor: values.actor, subject: values.subject, type: values.type as (typeof AUDIT_TYPES)[number] | undefined, sessionId: values.session };
  const total = await totalSize(positionals);
  const bar = progressBar('exporting');
  let done = 0;
  if (values.format === 'csv') await out(csvHeader());
  for await (const e of readEvents(positionals, (n) => bar.update((done += n), total))) {
    if (matches(e, filter)) await out(values.format === 'csv' ? csvRow(e) : `${JSON.stringify(e)}\n`);
  }
  bar.done();
  return 0;
}

/** Print the last events of one log file, and with -f every event appended after. */
async function tail(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n', default: '10' } },
  });
  const n = Number(values.lines);
  if (positionals.length !== 1 || !Number.isInteger(n) || n < 0) throw new UsageError('usage: tail [-f] [-n N] <file>');
  const file = positionals[0];
  const show = (text: string) => {
    const line = decodeLine(text);
    return line.kind === 'event' ? `${JSON.stringify(line.event)}\n` : '';
  };
  const last: string[] = [];
  let offset = 0;
  for await (const raw of readLines(file)) {
    if (!raw.complete) break;
    const s = show(raw.text);
    if (s) { last.push(s); if (last.length > n) last.shift(); }
    offset = raw.offset + Buffer.byteLength(raw.text) + 1;
  }
  await out(last.join(''));
  if (!values.follow) return 0;
  // Poll rather than fs.watch: it works the same on every filesystem, and 250 ms is plenty for a human.
  let partial = '';
  let reading = false;
  let again = false;
  const readMore = async (): Promise<void> => {
    if (reading) { again = true; return; }
    reading = true;
    again = false;
    try {
      const fh = await open(file, 'r');
      try {
        const { size } = await fh.stat();
        if (size < offset) { offset = 0; partial = ''; } // truncated (recovery): start over
        const buf = Buffer.alloc(size - offset);
        await fh.read(buf, 0, buf.length, offset);
        offset = size;
        const lines = (partial + buf.toString('utf8')).split('\n');
        partial = lines.pop()!;
        await out(lines.map(show).join(''));
      } finally {
        await fh.close();
      }
    } finally {
      reading = false;
    }
    if (again) return readMore();
  };
  const onChange = () => void readMore().catch((e) => process.stderr.write(`${e.message}\n`));
  watchFile(file, { interval: 250 }, onChange);
  onChange(); // what was appended before the watch began
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  unwatchFile(file);
  return 0;
}

export const USAGE = `usage:
  onbehalf audit verify <files…> [--public-key key.pem]
      Check the hash chain, the signed checkpoints, and (given <prefix>.checkpoints.jsonl)
      that nothing was cut off the end. Exit 0 when intact, 1 with the first bad line.
  onbehalf audit verify --pg <url> [--table onbehalf_audit] [--public-key key.pem]
      The same checks on the chain in PostgreSQL, with <table>_checkpoints as the copy, and that
      every row's indexed columns agree with its record.
  onbehalf audit export <files…> [--format jsonl|csv] [--actor id] [--subject id] [--type t] [--session id]
  onbehalf audit export --pg <url> [--table onbehalf_audit] --format chain --out <dir>
      Write the chain as log files (audit-000001-….jsonl and audit.checkpoints.jsonl): verify
      gives on them what it gives on the database.
  onbehalf audit tail [-f] [-n 10] <file>
`;

export async function audit(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'verify': return verify(rest);
    case 'export': return exportCmd(rest);
    case 'tail': return tail(rest);
    default: throw new UsageError(cmd ? `unknown audit command: ${cmd}` : 'missing audit command');
  }
}
