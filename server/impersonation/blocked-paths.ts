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

/** Whether a path must be refused while acting (`blockedWhileActing` and onbehalf's admin API). Status and Exit never are. */
export function blockedPaths(o: ResolvedOptions): (path: string) => boolean {
  const api = normalizePath(o.basePath);
  // With tokens, the token exchange (for the acting session itself) and the public keys are open too.
  const open = new Set(['status', 'start', 'stop', 'banner.js', ...(o.tokens ? ['token', 'jwks.json'] : [])].map((p) => `${api}/${p}`));
  const strings = o.blockedWhileActing.filter((r): r is string => typeof r === 'string').map(normalizePath);
  const patterns = o.blockedWhileActing.filter((r): r is RegExp => r instanceof RegExp);
  const under = (p: string, prefix: string) => p === prefix || p.startsWith(prefix === '/' ? prefix : `${prefix}/`);

  return (path) => {
    const p = normalizePath(path);
    // Status and the server banner's script (the banner) and Exit must always work, whatever the host lists; start is refused while acting anyway.
    if (open.has(p)) return false;
    return (
      // The impersonation admin API itself (users, sessions, audit) is refused while acting.
      under(p, api) ||
      strings.some((prefix) => under(p, prefix)) ||
      patterns.some((re) => re.test(path) || re.test(p))
    );
  };
}
