import type { Request, Response } from 'express';
import { ELIGIBILITY_MESSAGES, usersQuerySchema, type Candidate } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { ActorChecks } from './actors.js';
import type { ApiDeps } from './deps.js';
import { person } from '../../identity/index.js';

/** `GET /users`: the picker's search, each user with whether they may be worked on behalf of and why not. */
export function usersHandler({ actors, users, eligibility, subject }: Pick<ApiDeps, 'users' | 'eligibility' | 'subject'> & { actors: ActorChecks }) {
  return async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const actor = await actors.allowedActor(req);
    const q = usersQuerySchema.safeParse(req.query);
    if (!q.success) throw new OnBehalfError('BAD_REQUEST', q.error.issues[0].message);
    const found = await users.search(q.data.q, q.data.limit);
    const approvalOf = subject.approvalStates(req, actor);
    const candidates: Candidate[] = await Promise.all(
      found.map(async (u) => {
        const code = await eligibility.targetRefusal(actor, u, req);
        if (code) return { ...person(u), eligible: false, code, message: ELIGIBILITY_MESSAGES[code] };
        const approval = await approvalOf(u);
        return { ...person(u), eligible: true, ...(approval && { approval }) };
      }),
    );
    res.json({ users: candidates });
  };
}
