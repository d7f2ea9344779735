import { privateRootOf, type OkrCtx } from './context.js';
import type { Path, Policy } from './engine.js';
import { delegate, inactive, notOrgMember, okrOwner, otherwise, privateOk } from './paths.js';

/**
 * P1 + P10: every org member sees every public OKR; a private one only its listed users,
 * owners and delegates. P11: comment, share, like and follow follow view. P9: clone needs view
 * (where the clone goes is `cloneDestination`).
 */
export const viewPolicy: Policy<OkrCtx> = {
  gates: [inactive, notOrgMember],
  paths: [
    {
      rule: 'ORG_MEMBER',
      test: (c) => privateRootOf(c) === null,
      lacks: () => 'the OKR is private',
    },
    okrOwner,
    delegate,
    {
      rule: 'PRIVATE_LISTED',
      test: (c) => privateRootOf(c) !== null && privateOk(c),
      lacks: () => 'not listed on the private OKR, nor an owner or delegate of it',
    },
  ],
  otherwise: otherwise('NO_ACCESS'),
};

const alignOpen: Path<OkrCtx> = {
  rule: 'ORG_MEMBER',
  test: (c) => c.okr.alignRestricted !== true,
  lacks: () => 'an owner restricted alignment to granted users',
};

/** P8: any member may align to an OKR they can view, unless an owner restricted it to grantees. */
export const alignPolicy: Policy<OkrCtx> = {
  requires: viewPolicy,
  gates: [],
  paths: [
    alignOpen,
    okrOwner,
    {
      rule: 'ALIGN_GRANT',
      test: (c) => c.okr.alignGrants?.includes(c.user.id) === true,
      lacks: () => 'not granted alignment access',
    },
  ],
  otherwise: () => 'ALIGN_RESTRICTED',
};
