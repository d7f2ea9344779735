#!/usr/bin/env node
import { audit, USAGE, UsageError } from './audit.js';

/** `onbehalf <area> <command> …`. Exit codes: 0 ok, 1 verification failed, 2 usage or I/O error. */
async function main(argv: string[]): Promise<number> {
  const [area, ...rest] = argv;
  if (area === 'audit') return audit(rest);
  if (area === undefined || area === '--help' || area === '-h' || area === 'help') { process.stdout.write(USAGE); return area ? 0 : 2; }
  throw new UsageError(`unknown command: ${area}`);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`onbehalf: ${(e as Error)?.message ?? e}\n${usage ? USAGE : ''}`);
    process.exitCode = 2;
  },
);
