import browser from 'webextension-polyfill';
import { isSafeLocalPath } from '../../shared/text.js';

/** A host app the admin enabled: where it lives and where it mounts onbehalf. */
export interface HostConfig {
  /** e.g. `https://okr.example.com` (scheme, host and port; no path). */
  origin: string;
  /** The onbehalf mount point on that host. Default `/onbehalf`. */
  basePath: string;
}

export const DEFAULT_BASE_PATH = '/onbehalf';
const KEY = 'hosts';

/** Reads a host from what the admin typed. Throws an Error whose message is shown to them. */
export function parseHost(originInput: string, basePathInput: string): HostConfig {
  let url: URL;
  try {
    url = new URL(originInput.trim());
  } catch {
    throw new Error('Enter the address of the host app, e.g. https://okr.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('Only http and https sites can be enabled.');
  const basePath = (basePathInput.trim() || DEFAULT_BASE_PATH).replace(/\/+$/, '');
  if (!isSafeLocalPath(basePath)) throw new Error('The onbehalf path must start with a single "/", e.g. /onbehalf');
  return { origin: url.origin, basePath };
}

/**
 * The permission pattern for a host. Match patterns can't name a port, so it covers every port
 * of that host name; the content script still checks the exact origin against the enabled list.
 */
export function originPattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

export async function loadHosts(): Promise<HostConfig[]> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (h): h is HostConfig => typeof h?.origin === 'string' && typeof h?.basePath === 'string' && isSafeLocalPath(h.basePath),
  );
}

export async function saveHosts(hosts: HostConfig[]): Promise<void> {
  await browser.storage.local.set({ [KEY]: hosts });
}

export async function hostFor(origin: string): Promise<HostConfig | undefined> {
  return (await loadHosts()).find((h) => h.origin === origin);
}

/** Whether a change in `storage.onChanged` touched the host list. */
export const hostsChanged = (changes: Record<string, unknown>) => KEY in changes;
