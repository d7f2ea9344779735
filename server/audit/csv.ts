import type { AuditEvent } from '../../shared/index.js';

/** CSV columns of an audit export, in order. */
export const CSV_COLUMNS = [
  'id', 'time', 'type', 'actor_id', 'actor_name', 'subject_id', 'subject_name', 'reason', 'ticket', 'session_id',
  'method', 'path', 'status', 'code', 'cause', 'read_only', 'ip', 'user_agent', 'action_id',
] as const;

/**
 * One CSV cell: a cell a spreadsheet would read as a formula (= + - @ tab CR first) gets a
 * leading `'` (OWASP CSV injection), then RFC 4180 quoting.
 */
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const row = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

export const csvHeader = () => row([...CSV_COLUMNS]);

export const csvRow = (e: AuditEvent) =>
  row([
    e.id, e.time, e.type, e.actor?.id, e.actor?.name, e.subject?.id, e.subject?.name, e.reason, e.ticket, e.sessionId,
    e.method, e.path, e.status, e.code, e.cause, e.readOnly, e.ip, e.userAgent, e.actionId,
  ]);
