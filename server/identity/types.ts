import type { Request } from 'express';

type MaybePromise<T> = T | Promise<T>;

/** A user id as the host has it: a string or a number (SQL integer keys), kept as it is end to end. */
export type UserId = string | number;

/** A user as the host's directory describes them. */
export interface DirectoryUser {
  id: UserId;
  name: string;
  email?: string;
  /** Inactive (deactivated, suspended) users can't be worked on behalf of (W3) and can't act. */
  active: boolean;
  /** Permission names, e.g. `['impersonate', 'audit:read']`. */
  permissions?: string[];
  /**
   * Privilege rank: higher is more powerful (e.g. member 0, team owner 10, org owner 20,
   * tenant administrator 100). Targets of equal or higher rank than the actor are refused (W5).
   */
  privilege?: number;
}

/** The host's user directory: where onbehalf looks users up. Both methods may be async. */
export interface UserDirectory {
  get(id: UserId): MaybePromise<DirectoryUser | undefined>;
  /** Users matching `query` (name or email), at most `limit`. */
  search(query: string, limit: number): MaybePromise<DirectoryUser[]>;
}

/** How the host's own sign-in changed while acting: ends the impersonation first (audited with it). */
export type HostIdentityWrite = 'relogin' | 'logout';

/** What an adapter gets while it presents the subject: a way to report that the host wrote its own identity. */
export interface PresentContext {
  /**
   * The host wrote its own identity during this request (signed someone in, signed out): the
   * impersonation ends first, audited with this cause, and the rest of the request is not acting.
   */
  hostWrote(cause: HostIdentityWrite): void;
}

/**
 * How onbehalf reads the host's signed-in user, and how it makes the subject *be* that user while
 * acting, so route handlers need no change. Built in: `passportIdentity(passport)` and
 * `sessionKeyIdentity('userId')`; any other sign-in is one object of this shape (docs/recipes.md).
 */
export interface IdentityAdapter {
  /** Named in warnings and errors. */
  readonly name: string;
  /**
   * The id of the user signed in by the host's own sign-in: the actor while acting. Called
   * before `present`, and on a request whose session holds only the keys onbehalf carries into
   * the acting session (the check that a start keeps the actor signed in). May be async.
   */
  read(req: Request): MaybePromise<UserId | null | undefined>;
  /**
   * While acting, on each host request (never onbehalf's own API): make what the host reads as
   * its signed-in user the subject, for the rest of this request only. Call `ctx.hostWrote` when
   * the host then writes its own identity. Omitted: the host reads `req.onBehalf.userId`.
   */
  present?(req: Request, subject: DirectoryUser, ctx: PresentContext): MaybePromise<void>;
  /** Session keys that hold the sign-in: carried into the acting session, bound to the actor. */
  readonly sessionKeys?: readonly string[];
  /** A misconfiguration this request reveals (e.g. passport mounted after onbehalf), in one line naming the fix. */
  misconfigured?(req: Request): string | undefined;
}
