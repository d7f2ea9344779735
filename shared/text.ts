/** Text checks both sides need, without zod, so extension pages that need only these stay small. */

// C0 and C1 controls, DEL, Unicode line/paragraph separators and bidi overrides (which can make an
// audit line or a banner read differently from what it holds).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export const hasControlCharacters = (s: string) => CONTROL.test(s);

// Controls as above plus every Unicode format character (category Cf: zero-width space and joiners,
// U+FEFF, invisible operators such as U+2061, and all bidi marks and controls). Free text that is
// searched for and read by auditors must look like what it holds: "SUP-\u200b1234" is not SUP-1234.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** Whether `s` holds a character that is invisible or changes how the text around it reads. */
export const hasInvisibleCharacters = (s: string) => INVISIBLE.test(s);

/**
 * A sentence about someone, as the fixed text before and after their name: renderers put the name
 * in an isolating element (`<bdi>`), so right-to-left text or bidi controls in a directory name
 * cannot reorder the words around it. Called with a name, it is the plain sentence.
 */
export interface AboutName {
  (name: string): string;
  readonly before: string;
  readonly after: string;
}

export const aboutName = (before: string, after = ''): AboutName => Object.assign((name: string) => `${before}${name}${after}`, { before, after });

/**
 * A same-origin path: starts with one "/", no scheme, no "//" or "/\" (which browsers read as
 * another host), no control characters. Open redirects through `next` are a known peer flaw.
 */
export function isSafeLocalPath(s: string): boolean {
  if (typeof s !== 'string' || s.length === 0 || s.length > 2048) return false;
  if (!s.startsWith('/') || s.startsWith('//') || s.startsWith('/\\')) return false;
  if (s.includes('\\') || hasControlCharacters(s)) return false;
  return true;
}
