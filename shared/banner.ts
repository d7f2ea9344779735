import { aboutName } from './text.js';

/**
 * The warning banner's wording (W8 in docs/requirements.md). The server-rendered banner and the extension's banner
 * both use these, so an admin reads the same words whichever draws it.
 */
export const BANNER = {
  /** Element id / attribute the server-rendered banner carries so the extension can see it is there. */
  serverMarker: 'data-onbehalf-banner',
  exitLabel: 'Exit',
  title: aboutName('You are currently working on behalf of '),
  detail: aboutName('Any changes you make will take effect on ', "'s account."),
  readOnly: 'Read-only: changes are refused.',
  /** After the session ended (in this tab or elsewhere), until the page is reloaded. */
  ended: aboutName('You are no longer working on behalf of '),
  endedDetail: 'The session has ended. This page may still show their account: reload it to continue as yourself.',
  reloadLabel: 'Reload',
  reasonLabel: 'Reason',
  ticketLabel: 'Ticket',
  timeLeftLabel: 'Time left',
  /** Yellow background, near-black text: contrast ratio above 15:1 (WCAG AA needs 4.5:1). */
  colors: { background: '#ffd43b', text: '#1a1a1a', button: '#1a1a1a', buttonText: '#ffffff' },
} as const;

/** "12:05" / "1:02:03": a countdown an admin can read at a glance. */
export function formatTimeLeft(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
