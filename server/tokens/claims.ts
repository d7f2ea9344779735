import { z } from 'zod';
import type { Acting, ActClaim } from '../impersonation/types.js';

/** Nested `act` entries a host may pass in; deeper chains are refused, never cut (cutting would hide the first actor). */
export const MAX_ACT_DEPTH = 5;

const seconds = (ms: number) => ms / 1000;
const ms = (s: number) => Math.round(s * 1000);

/**
 * The claims of an acting token (RFC 8693 §4.1 `act`, RFC 9068 access token, OIDC `sid`):
 * `sub` is the subject, `act.sub` the actor who is really acting, and the private claim
 * `onbehalf` carries the rest of what `req.onBehalf` shows.
 */
export interface ActingClaims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** The acting session's id (the OpenID "Session ID" claim). */
  sid: string;
  /** The subject's display name and email (OpenID standard claims). */
  name: string;
  email?: string;
  act: ActClaim;
  onbehalf: {
    reason: string;
    ticket?: string;
    read_only: boolean;
    /** The subject's and the actor's ids when the host's ids are numbers (`sub` and `act.sub` are always strings, RFC 7519 §4.1.2). */
    subject_id?: number;
    actor_id?: number;
    /** NumericDate (seconds): when the session started and when it ends at the latest. */
    started_at: number;
    ends_at: number;
  };
}

/** The `act` claim: the actor first, then the chain the host named, kept whole. */
export function actClaim(actor: Acting['actor'], prior: ActClaim | undefined): ActClaim {
  return { sub: String(actor.id), name: actor.name, ...(actor.email && { email: actor.email }), ...(prior && { act: prior }) };
}

/** Why a chain the host's `priorActors` returned can't go in a token, if it can't (it is refused, never cut). */
export function actorChainProblem(a: unknown, depth = 1): string | undefined {
  if (depth > MAX_ACT_DEPTH) return `it is deeper than ${MAX_ACT_DEPTH}`;
  const entry = a as Partial<ActClaim> | null;
  if (!entry || typeof entry !== 'object' || typeof entry.sub !== 'string' || !entry.sub) return 'an entry has no `sub` string';
  return entry.act === undefined ? undefined : actorChainProblem(entry.act, depth + 1);
}

export function actingClaims(s: Acting, t: { issuer: string; audience: string; id: string; issuedAt: number; expiresAt: number; act: ActClaim }): ActingClaims {
  return {
    iss: t.issuer,
    aud: t.audience,
    sub: String(s.subject.id),
    iat: Math.floor(seconds(t.issuedAt)),
    exp: Math.floor(seconds(t.expiresAt)),
    jti: t.id,
    sid: s.sessionId,
    name: s.subject.name,
    ...(s.subject.email && { email: s.subject.email }),
    act: t.act,
    onbehalf: {
      reason: s.reason,
      ...(s.ticket && { ticket: s.ticket }),
      read_only: s.readOnly,
      ...(typeof s.subject.id === 'number' && { subject_id: s.subject.id }),
      ...(typeof s.actor.id === 'number' && { actor_id: s.actor.id }),
      started_at: seconds(s.startedAt),
      ends_at: seconds(s.expiresAt),
    },
  };
}

const text = z.string().min(1).max(2000);
const actSchema: z.ZodType<ActClaim> = z.lazy(() =>
  z.object({ sub: text, name: z.string().max(2000).optional(), email: z.string().max(2000).optional(), act: actSchema.optional() }),
);

/** What a verifier accepts once the signature, `iss`, `aud`, `typ` and times have checked out. */
const claimsSchema = z.object({
  sub: text,
  jti: text,
  sid: text,
  exp: z.number(),
  aud: z.string(),
  name: z.string().max(2000),
  email: z.string().max(2000).optional(),
  act: actSchema,
  onbehalf: z.object({
    reason: z.string().max(5000),
    ticket: z.string().max(2000).optional(),
    read_only: z.boolean(),
    subject_id: z.number().optional(),
    actor_id: z.number().optional(),
    started_at: z.number(),
    ends_at: z.number(),
  }),
});

const freeze = <T extends object>(o: T): Readonly<T> => Object.freeze(o);

/** `req.onBehalf` of a request served with these claims (frozen: handlers read it, never change it); undefined when they don't fit. */
export function actingFromClaims(payload: unknown): Readonly<Acting> | undefined {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const o = c.onbehalf;
  // A numeric id must say the same as its string claim, or the token is not one of ours.
  if ((o.subject_id !== undefined && String(o.subject_id) !== c.sub) || (o.actor_id !== undefined && String(o.actor_id) !== c.act.sub)) return undefined;
  return freeze({
    active: true,
    userId: c.sub,
    subject: freeze({ id: o.subject_id ?? c.sub, name: c.name, ...(c.email !== undefined && { email: c.email }) }),
    actor: freeze({ id: o.actor_id ?? c.act.sub, name: c.act.name ?? '', ...(c.act.email !== undefined && { email: c.act.email }) }),
    reason: o.reason,
    ...(o.ticket !== undefined && { ticket: o.ticket }),
    sessionId: c.sid,
    startedAt: ms(o.started_at),
    expiresAt: ms(o.ends_at),
    readOnly: o.read_only,
    token: freeze({ id: c.jti, audience: c.aud, expiresAt: ms(c.exp), act: deepFreeze(c.act) }),
  } satisfies Acting);
}

function deepFreeze(a: ActClaim): ActClaim {
  if (a.act) deepFreeze(a.act);
  return freeze(a);
}
