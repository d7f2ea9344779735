import type { Request } from 'express';
import { ELIGIBILITY_MESSAGES } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import { numericAlternative } from '../../identity/ids.js';
import type { DirectoryUser, UserId } from '../../identity/types.js';
import type { ApiDeps } from './deps.js';

/** Who is calling, as the directory has them: the checks every route that needs a caller shares. */
export function actorChecks({ users, eligibility, auditPermission }: Pick<ApiDeps, 'users' | 'eligibility' | 'auditPermission'>) {
  return {
    /** The signed-in actor as the directory has them, refused unless they may work on behalf of users. */
    async allowedActor(req: Request): Promise<DirectoryUser> {
      const id = req.onBehalf?.active ? req.onBehalf.actor.id : req.onBehalf?.userId;
      if (id === undefined || id === '') throw new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.');
      const actor = await users.get(id);
      if (await eligibility.actorRefusal(actor, req)) throw new OnBehalfError('NOT_ALLOWED', ELIGIBILITY_MESSAGES.NOT_ALLOWED);
      return actor!;
    },

    async holdsAuditPermission(req: Request): Promise<DirectoryUser> {
      const id = req.onBehalf?.userId;
      if (id === undefined || id === '') throw new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.');
      const user = await users.get(id);
      if (!user?.active || !user.permissions?.includes(auditPermission)) throw new OnBehalfError('NOT_ALLOWED', 'This needs the audit permission.');
      return user;
    },

    /** A user by the id a client sent: a form's "42" finds the directory's user 42. */
    async lookUp(id: UserId): Promise<DirectoryUser | undefined> {
      const found = await users.get(id);
      const n = found ? undefined : numericAlternative(id);
      return n === undefined ? found : users.get(n);
    },
  };
}
export type ActorChecks = ReturnType<typeof actorChecks>;
