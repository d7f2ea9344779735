import browser from 'webextension-polyfill';

/** A recently picked user. Only the id and the name are kept: never tokens, reasons or emails. */
export interface RecentUser {
  id: string;
  name: string;
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
  return Array.isArray(list) ? list.filter((u) => typeof u?.id === 'string' && typeof u?.name === 'string') : [];
}

export async function rememberUser(origin: string, user: RecentUser): Promise<void> {
  const byOrigin = await all();
  const list = (byOrigin[origin] ?? []).filter((u) => u.id !== user.id);
  byOrigin[origin] = [{ id: user.id, name: user.name }, ...list].slice(0, MAX);
  await browser.storage.local.set({ [KEY]: byOrigin });
}
