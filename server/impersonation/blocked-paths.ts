import type { ResolvedOptions } from './options.js';

const ODD = /%|\\|\/\/|\/\.|.\/$/;

/**
 * A path as some layer in front of or inside the host might read it: percent-decoding undone
 * (encoded slashes too, and double encoding), `\` as `/`, repeated slashes collapsed, dot segments
 * resolved, no trailing slash, lower case (Express routes ignore case). Matching the deny-list on
 * this form means `/Account//password/`, `/account/%2e%2e/account/password` and
 * `/account%2Fpassword` are all `/account/password`.
 */
export function normalizePath(path: string): string {
  // Most paths are already normal: this runs on every acting request.
  if (!ODD.test(path)) return path.toLowerCase();
  let p = path;
  for (let i = 0; i < 3 && p.includes('%'); i++) {
    try {
      p = decodeURIComponent(p);
    } catch {
      break; // a malformed escape: no router reads it as anything else either
    }
  }
  const out: string[] = [];
  for (const segment of p.replaceAll('\\', '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`.toLowerCase();
}

/** A list of path prefixes (matched on whole segments of the normalised path) and RegExps (tested on the path as sent and normalised). */
export function pathMatcher(list: ReadonlyArray<string | RegExp>): (path: string) => boolean {
  const strings = list.filter((r): r is string => typeof r === 'string').map(normalizePath);
  const patterns = list.filter((r): r is RegExp => r instanceof RegExp);
  if (!strings.length && !patterns.length) return () => false;
  return (path) => {
    const p = normalizePath(path);
    return strings.some((prefix) => under(p, prefix)) || patterns.some((re) => re.test(path) || re.test(p));
  };
}

const under = (p: string, prefix: string) => p === prefix || p.startsWith(prefix === '/' ? prefix : `${prefix}/`);

/** Whether a path must be refused while acting (`blockedWhileActing` and onbehalf's admin API). Status and Exit never are. */
export function blockedPaths(o: ResolvedOptions): (path: string) => boolean {
  const api = normalizePath(o.basePath);
  // With tokens, the token exchange (for the acting session itself) and the public keys are open too.
  const open = new Set(['status', 'start', 'stop', 'banner.js', ...(o.tokens ? ['token', 'jwks.json'] : [])].map((p) => `${api}/${p}`));
  const listed = pathMatcher(o.blockedWhileActing);

  return (path) => {
    const p = normalizePath(path);
    // Status and the server banner's script (the banner) and Exit must always work, whatever the host lists; start is refused while acting anyway.
    if (open.has(p)) return false;
    // The impersonation admin API itself (users, sessions, audit) is refused while acting.
    return under(p, api) || listed(path);
  };
}

/**
 * The host's own sign-in and sign-out routes (`signInPaths`, `signOutPaths`): a write to one of
 * them while acting is the actor signing in again or out. A DELETE to a sign-in path (`DELETE
 * /session`) is a sign-out. Never onbehalf's own API.
 */
export function hostSignInRoutes(o: ResolvedOptions): (method: string, path: string) => 'host-sign-in' | 'host-sign-out' | undefined {
  const api = normalizePath(o.basePath);
  const signIn = pathMatcher(o.signInPaths);
  const signOut = pathMatcher(o.signOutPaths);
  return (method, path) => {
    if (under(normalizePath(path), api)) return undefined;
    if (signOut(path)) return 'host-sign-out';
    if (signIn(path)) return method === 'DELETE' ? 'host-sign-out' : 'host-sign-in';
    return undefined;
  };
}
