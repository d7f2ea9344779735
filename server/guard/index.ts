/** Express guards over the OKR permission model. */
export { requirePermission, type GuardOptions } from './require-permission.js';
