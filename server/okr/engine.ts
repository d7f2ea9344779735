import { RULES, type PathResult, type RuleCode } from './types.js';

/**
 * One way to be allowed. `test` is all `can()` runs; `lacks` only runs for `explain()`, so the
 * rule logic is written once and `can()` never builds explanation objects.
 */
export interface Path<C> {
  rule: RuleCode;
  test(c: C): boolean;
  /** What the user lacks for this path, in words (called only when `test` is false). */
  lacks(c: C): string;
}

/** A reason that denies whatever the paths say (inactive user, closed OKR, ...). */
export interface Gate<C> {
  rule: RuleCode;
  blocks(c: C): boolean;
}

/** How one action is decided: `requires` first, then gates, then the first satisfied path. */
export interface Policy<C> {
  /** Another policy that must allow first (e.g. align and comment need view). */
  requires?: Policy<C>;
  gates: Gate<C>[];
  paths: Path<C>[];
  /** The reason when no path is satisfied. */
  otherwise(c: C): RuleCode;
}

/** The hot path: no allocation, stops at the first answer. */
export function decide<C>(p: Policy<C>, c: C): boolean {
  if (p.requires !== undefined && !decide(p.requires, c)) return false;
  const gates = p.gates;
  for (let i = 0; i < gates.length; i++) if (gates[i].blocks(c)) return false;
  const paths = p.paths;
  for (let i = 0; i < paths.length; i++) if (paths[i].test(c)) return true;
  return false;
}

/** The same decision as {@link decide}, with every path tried and what it lacked. */
export function trace<C>(p: Policy<C>, c: C): { allowed: boolean; decidedBy: RuleCode; paths: PathResult[] } {
  if (p.requires !== undefined) {
    const before = trace(p.requires, c);
    if (!before.allowed) return before;
  }
  for (const g of p.gates) {
    if (g.blocks(c)) return { allowed: false, decidedBy: g.rule, paths: [{ rule: g.rule, satisfied: false, missing: RULES[g.rule] }] };
  }
  const paths: PathResult[] = [];
  let decidedBy: RuleCode | undefined;
  for (const path of p.paths) {
    if (path.test(c)) {
      paths.push({ rule: path.rule, satisfied: true });
      decidedBy ??= path.rule;
    } else {
      paths.push({ rule: path.rule, satisfied: false, missing: path.lacks(c) });
    }
  }
  return decidedBy !== undefined ? { allowed: true, decidedBy, paths } : { allowed: false, decidedBy: p.otherwise(c), paths };
}

/** A gate that only explains itself through its rule code. */
export function gate<C>(rule: RuleCode, blocks: (c: C) => boolean): Gate<C> {
  return { rule, blocks };
}
