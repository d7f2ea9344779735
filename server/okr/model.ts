import { makeCan, type Can } from './can.js';
import { okrCtx, userOf, type Env } from './context.js';
import { cloneDestination } from './clone.js';
import type { OkrDirectory } from './directory.js';
import { makeExplain, type Explain } from './explain.js';
import { hasPrivateObjectives } from './privacy.js';
import { DEFAULT_SETTINGS, OkrError, type CloneDestination, type CloneOptions, type Okr, type OkrSettings } from './types.js';

/** What `okrModel()` returns: everything a host needs to check OKR permissions. */
export interface OkrModel {
  /** The boolean decision (fast; no explanation built). Throws `OkrError` for unknown ids. */
  can: Can;
  /** The decision with its deciding rule and every path tried. Throws `OkrError` for unknown ids. */
  explain: Explain;
  /**
   * W4: whether the user is named (owner, delegate, check-in owner, listed) on any private OKR.
   * Wire it as `onBehalf({ canBeImpersonated: privateObjectivesRule(model) })`.
   */
  hasPrivateObjectives(userId: string): boolean;
  /**
   * P9: where a clone of the OKR (id or stored record) made by the user would go: into the team
   * they picked (`{ teamId }`) if they may create OKRs there, else individual; with no team, the
   * automatic choice. Does not check view.
   */
  cloneDestination(userId: string, okr: string | Okr, into?: CloneOptions): CloneDestination;
  readonly directory: OkrDirectory;
  readonly settings: Required<OkrSettings>;
}

/**
 * The OKR permission model over a directory (`memoryDirectory()` or the host's own).
 *
 * ```ts
 * const okr = okrModel(memoryDirectory(data), { managerScope: 'chain' });
 * okr.can('ashley', 'check-in', 'kr-7');         // false
 * okr.explain('ashley', 'check-in', 'kr-7');     // { allowed: false, decidedBy: 'NO_ACCESS', paths: [...] }
 * ```
 */
export function okrModel(directory: OkrDirectory, settings: OkrSettings = {}): OkrModel {
  const resolved: Required<OkrSettings> = {
    orgCreate: settings.orgCreate ?? DEFAULT_SETTINGS.orgCreate,
    teamCreate: settings.teamCreate ?? DEFAULT_SETTINGS.teamCreate,
    managerScope: settings.managerScope ?? DEFAULT_SETTINGS.managerScope,
  };
  // Fail closed: a misspelt scope must not silently widen to the whole chain.
  if (resolved.managerScope !== 'direct' && resolved.managerScope !== 'chain') {
    throw new OkrError('INVALID_DATA', `managerScope must be 'direct' or 'chain'`);
  }
  const env: Env = { dir: directory, settings: resolved };
  // hasPrivateObjectives scans the user's OKRs and runs on every acting request: its answers
  // are kept until the directory's version changes (directories without one are asked afresh).
  const scan = (userId: string) => {
    userOf(env, userId);
    return hasPrivateObjectives(directory, userId);
  };
  const privateAnswers = new Map<string, boolean>();
  let answersOf: number | undefined;
  return {
    can: makeCan(env),
    explain: makeExplain(env),
    hasPrivateObjectives(userId) {
      const version = directory.version;
      if (version === undefined) return scan(userId);
      if (version !== answersOf) {
        privateAnswers.clear();
        answersOf = version;
      }
      let has = privateAnswers.get(userId);
      if (has === undefined) privateAnswers.set(userId, (has = scan(userId)));
      return has;
    },
    cloneDestination: (userId, okr, into) => cloneDestination(okrCtx(env, userId, 'clone', okr), into),
    directory,
    settings: env.settings,
  };
}
