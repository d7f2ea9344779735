import type { Request } from 'express';

const ids = new WeakMap<Request, string>();

/** Note the id of the audit `action` record of this write (written before the host's handler runs). */
export function rememberActionId(req: Request, id: string): void {
  ids.set(req, id);
}

/** The id of this request's audit `action` record, when it is a write made while acting. */
export const actionIdOf = (req: Request): string | undefined => ids.get(req);
