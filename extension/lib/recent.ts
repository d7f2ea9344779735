import browser from 'webextension-polyfill';

/**
 * A recently picked user: the id, the name and the e-mail (shown, and what the picker checks
 * them again by). Never tokens, reasons or tickets.
 */
export interface RecentUser {
  id: string;
  name: string;
  email?: string;
}

const KEY = 'recent';
const MAX = 5;

type RecentByOrigin = Record<string, RecentUser[]>;

async function all(): Promise<RecentByOrigin> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  return stored && typeof stored === 'object' ? (stored as RecentByOrigin) : {};
}

export async function recentUsers(origin: string): Promise<RecentUser[]> {
  const list = (await all())[origin];
  if (!Array.isArray(list)) return [];
  return list
    .filter((u) => typeof u?.id === 'string' && typeof u?.name === 'string')
    .map((u) => ({ id: u.id, name: u.name, ...(typeof u.email === 'string' && u.email && { email: u.email }) }));
}

export async function rememberUser(origin: string, user: RecentUser): Promise<void> {
  const byOrigin = await all();
  const list = (byOrigin[origin] ?? []).filter((u) => u.id !== user.id);
  byOrigin[origin] = [{ id: user.id, name: user.name, ...(user.email && { email: user.email }) }, ...list].slice(0, MAX);
  await browser.storage.local.set({ [KEY]: byOrigin });
}
