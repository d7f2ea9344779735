import type { OkrCtx } from './context.js';
import type { Policy } from './engine.js';
import { checkInGrant, closed, defaultEditors, delegate, editGrant, inactive, notOrgMember, otherwise } from './paths.js';

/**
 * P5: the default set, plus delegates and edit grantees (edit access includes checking in),
 * plus check-in owners granted by an owner — who keep check-in (only) on a private OKR (P10).
 * A closed OKR takes no check-ins (P12).
 */
export const checkInPolicy: Policy<OkrCtx> = {
  gates: [inactive, notOrgMember, closed],
  paths: [...defaultEditors, delegate, editGrant, checkInGrant],
  otherwise: otherwise('NO_ACCESS'),
};
