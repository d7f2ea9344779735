import { Agent, request as httpRequest } from 'node:http';

/**
 * Requests sent byte for byte as given (any method, path, headers and body, however malformed),
 * for the fuzz and the bad-input tables; and the checks every error answer must pass.
 */
export interface RawAnswer {
  status: number;
  type: string;
  text: string;
}

export function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, payload?: Buffer, agent?: Agent): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(payload);
  });
}

/** A stack trace or a source path: never in an answer. */
export const STACK = /\n\s+at [^\n]*:\d+:\d+|node_modules\/|\/server\/[\w/-]+\.ts/;

/** What is wrong with a JSON error answer, if anything: it must be `{ "error": { "code", "message" } }` as JSON. */
export function errorShapeProblem(a: RawAnswer): string | undefined {
  let e: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    e = JSON.parse(a.text);
  } catch {
    e = undefined;
  }
  if (!/json/.test(a.type) || typeof e?.error?.code !== 'string' || typeof e.error.message !== 'string') return `not the {error:{code,message}} shape: ${a.type} ${a.text.slice(0, 200)}`;
  return undefined;
}
