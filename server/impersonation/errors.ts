import type { Response } from 'express';
import { ERROR_STATUS, type ErrorCode } from '../../shared/index.js';

/** An error with a typed code; the HTTP layer turns it into `{ error: { code, message } }`. */
export class OnBehalfError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'OnBehalfError';
    this.code = code;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Answer with the JSON error body every onbehalf error uses. */
export function sendError(res: Response, code: ErrorCode, message: string, extra?: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.status(ERROR_STATUS[code]).type('application/json').send(JSON.stringify({ error: { code, message, ...extra } }));
}
