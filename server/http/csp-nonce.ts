import type { Response } from 'express';

// A nonce source as CSP writes it: base64 or base64url.
const NONCE = /^'nonce-([A-Za-z0-9+/_=-]+)'$/i;

/**
 * The nonce the answer's own `Content-Security-Policy` allows for `<script>` or `<style>`
 * elements, if it names one: markup onbehalf puts into a host page carries it, or a strict CSP
 * (`script-src 'nonce-…' 'strict-dynamic'`, `style-src 'nonce-…'`) blocks it. Read from the
 * header as it is when the answer leaves, so it is the nonce this page was rendered with.
 */
export function cspNonce(res: Response, kind: 'script' | 'style'): string | undefined {
  const header = res.getHeader('content-security-policy');
  const policies = (Array.isArray(header) ? header : [header]).filter((p): p is string => typeof p === 'string');
  for (const policy of policies.flatMap((p) => p.split(','))) {
    const directives = new Map(
      policy.split(';').map((d) => {
        const [name = '', ...sources] = d.trim().split(/\s+/);
        return [name.toLowerCase(), sources] as const;
      }),
    );
    const sources = directives.get(`${kind}-src-elem`) ?? directives.get(`${kind}-src`) ?? directives.get('default-src');
    const nonce = sources?.map((s) => NONCE.exec(s)?.[1]).find(Boolean);
    if (nonce) return nonce;
  }
  return undefined;
}
