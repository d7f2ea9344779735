import { isSafeLocalPath, optionError } from '../../../shared/index.js';
import type { SubjectHost } from './host.js';
import { memorySubjectStore } from './store/index.js';
import type { SubjectOptions, SubjectPolicyInput } from './types.js';

const MINUTE = 60_000;

type Policy = (input: SubjectPolicyInput) => boolean | Promise<boolean>;
export interface ResolvedSubjectOptions extends Required<Omit<SubjectOptions, 'notify' | 'consent' | 'approval'>> {
  notify?: SubjectOptions['notify'];
  consent: Policy;
  approval: Policy;
  /** Whether any target may need consent / approval (so the routes and the picker offer them). */
  consentOn: boolean;
  approvalOn: boolean;
}

const policy = (name: string, v: SubjectOptions['consent']): Policy => {
  if (v === undefined || typeof v === 'boolean') return () => v ?? false;
  if (typeof v !== 'function') throw optionError(`onBehalf: subject.${name} must be a boolean or a function.`);
  return v;
};

/** Fill in the subject side's defaults; refuse options that can't work (thrown at start-up). */
export function resolveSubjectOptions(host: Pick<SubjectHost, 'permission' | 'guard'>, s: SubjectOptions = {}): ResolvedSubjectOptions {
  const positive = (name: string, v: number | undefined, d: number) => {
    const value = v ?? d;
    if (!(Number.isFinite(value) && value > 0)) throw optionError(`onBehalf: subject.${name} must be a positive number of milliseconds.`);
    return value;
  };
  if (s.notify !== undefined && typeof s.notify !== 'function') throw optionError('onBehalf: subject.notify must be a function.');
  const approvalPermission = s.approvalPermission ?? 'impersonate:approve';
  if (s.historyPage !== undefined && !isSafeLocalPath(s.historyPage)) throw optionError('onBehalf: subject.historyPage must be a same-origin path starting with "/".');
  if (approvalPermission === host.permission) throw optionError('onBehalf: subject.approvalPermission must differ from the impersonation permission.');
  return {
    notices: s.notices ?? true,
    notify: s.notify,
    store: host.guard(s.store ?? memorySubjectStore(), 'subject store'),
    consent: policy('consent', s.consent),
    approval: policy('approval', s.approval),
    consentOn: s.consent !== undefined && s.consent !== false,
    approvalOn: s.approval !== undefined && s.approval !== false,
    approvalPermission,
    approvalWindowMs: positive('approvalWindowMs', s.approvalWindowMs, 15 * MINUTE),
    consentRequestTtlMs: positive('consentRequestTtlMs', s.consentRequestTtlMs, 24 * 60 * MINUTE),
    historyPage: s.historyPage ?? '',
  };
}
