// What a test file starts once, before its tests, and closes after them.
import { afterAll, beforeAll } from 'vitest';

interface Closable {
  close(): Promise<void>;
}

/**
 * Runs `start` before the file's tests (within `timeoutMs`). Whatever it `keep`s is closed after
 * them, last first, also when `start` failed half-way. The returned object reads the parts `start`
 * gave, inside tests and hooks.
 */
export function fileFixture<T extends object>(start: (keep: <C extends Closable>(part: C) => C) => Promise<T>, timeoutMs = 60_000): T {
  const open: Closable[] = [];
  let parts: T | undefined;
  beforeAll(async () => {
    parts = await start((part) => (open.push(part), part));
  }, timeoutMs);
  afterAll(async () => {
    for (const part of open.splice(0).reverse()) await part.close();
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!parts) throw new Error(`the file fixture's ${String(key)} is read before beforeAll started it (read it inside a test or hook)`);
      return Reflect.get(parts, key);
    },
  });
}
