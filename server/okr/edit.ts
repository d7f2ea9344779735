import type { OkrCtx } from './context.js';
import type { Policy } from './engine.js';
import { closed, defaultEditors, delegate, editGrant, inactive, notClosed, notOrgMember, otherwise } from './paths.js';

const editors = [...defaultEditors, editGrant, delegate];

/** P6 + P7 + P12: edit, delete, close and change weights — not on a closed OKR. */
export const editPolicy: Policy<OkrCtx> = {
  gates: [inactive, notOrgMember, closed],
  paths: editors,
  otherwise: otherwise('NO_ACCESS'),
};

/** P7: delegates may do everything edit allows except change the owner. */
export const changeOwnerPolicy: Policy<OkrCtx> = {
  ...editPolicy,
  paths: editors.filter((p) => p !== delegate),
};

/** P12: reopen needs edit access, and a closed OKR. */
export const reopenPolicy: Policy<OkrCtx> = {
  ...editPolicy,
  gates: [inactive, notOrgMember, notClosed],
};
