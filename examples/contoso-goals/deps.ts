import type { Request } from 'express';
import type { OnBehalf } from 'onbehalf';
import type { AuditPage, AuditQuery, AuditSink } from 'onbehalf/audit';
import type { Viewer } from './layout.js';
import type { DemoState } from './state.js';

/** What every page module is given. */
export interface DemoDeps {
  state: DemoState;
  audit: AuditSink & { query(filter: AuditQuery): Promise<AuditPage> };
  /** The middleware: its access history and approvals feed the subject's and approvers' pages. */
  ob: OnBehalf;
  now: () => number;
  /** The signed-in viewer (pages run after `requireSignIn`). */
  viewer(req: Request): Viewer;
}
