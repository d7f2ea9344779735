import type { NextFunction, Request, Response } from 'express';
import { wantsPage } from '../../http/index.js';

/** Answer a success: JSON for API clients, a 303 redirect for a no-JS form post. */
export function done(req: Request, res: Response, redirect: string, body: Record<string, unknown>) {
  if (wantsPage(req)) return res.redirect(303, redirect);
  res.json({ ...body, redirect });
}

/** An async handler whose refusal (a thrown OnBehalfError) goes to the router's error handler. */
export const handle = (fn: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) =>
  fn(req, res).catch(next);
