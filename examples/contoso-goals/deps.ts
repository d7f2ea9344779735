import type { Request } from 'express';
import type { AuditPage, AuditQuery, AuditSink } from 'onbehalf/audit';
import type { Viewer } from './layout.js';
import type { DemoState } from './state.js';

/** What every page module is given. */
export interface DemoDeps {
  state: DemoState;
  audit: AuditSink & { query(filter: AuditQuery): Promise<AuditPage> };
  now: () => number;
  /** The signed-in viewer (pages run after `requireSignIn`). */
  viewer(req: Request): Viewer;
}
