import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { errorHandler, OnBehalfError, sendError, type Acting, type AuditSink } from 'onbehalf';
import { verifyActingTokens, type LiveSessions } from 'onbehalf/tokens';

export interface NotesApiOptions {
  /** The app that issues the tokens: its origin is the tokens' `iss` and the only origin allowed by CORS. */
  appOrigin: string;
  /** This service's audience. */
  audience: string;
  /** The app's impersonation store (shared through Redis), for revocation; false: tokens live until exp. */
  sessions: LiveSessions | false;
  audit: AuditSink;
  /** Where the app publishes its keys. Default `${appOrigin}/onbehalf/jwks.json`. */
  jwksUrl?: string;
}

export interface Note {
  id: number;
  text: string;
  /** Whose note it is: the subject when written on someone's behalf. */
  owner: string;
  /** Who really wrote it: the admin acting (Dataverse's createdonbehalfby). */
  writtenBy: string;
}

/** CORS for the one app origin that may call this API from a browser, with a bearer token and no cookies. */
function cors(origin: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('origin') !== origin) return next();
    res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    if (req.method !== 'OPTIONS') return next();
    res.set({ 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' });
    res.status(204).end();
  };
}

/**
 * A notes API on its own port: no session, no user directory. Every request carries an acting
 * token from the app; `req.onBehalf` says whose notes these are and who is really asking.
 */
export function createNotesApi(o: NotesApiOptions): { app: Express; notes: Note[] } {
  const notes: Note[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(cors(o.appOrigin));
  app.use(verifyActingTokens({ issuer: o.appOrigin, audience: o.audience, jwks: o.jwksUrl ?? `${o.appOrigin}/onbehalf/jwks.json`, sessions: o.sessions, audit: o.audit }));
  // verifyActingTokens lets through only requests it served as a token's subject.
  const acting = (req: Request) => req.onBehalf as Acting;
  app.get('/notes', (req, res) => {
    const { userId } = acting(req);
    res.json({ as: userId, notes: notes.filter((n) => n.owner === userId) });
  });
  app.post('/notes', express.json({ limit: '4kb' }), (req, res) => {
    const ctx = acting(req);
    const text = typeof req.body?.text === 'string' ? req.body.text.trim().slice(0, 500) : '';
    if (!text) return sendError(req, res, new OnBehalfError('BAD_REQUEST', 'A note needs text.'));
    const note: Note = { id: notes.length + 1, text, owner: ctx.userId, writtenBy: String(ctx.actor.id) };
    notes.push(note);
    res.status(201).json(note);
  });
  // A malformed body is a typed 4xx like every other refusal, not Express's HTML page.
  app.use(errorHandler((m) => console.warn(`[notes-api] ${m}`)));
  return { app, notes };
}
