import type { Response } from 'express';

/** What a hook sees at the moment a response is about to leave. */
export interface OutgoingResponse {
  /** The whole body when the handler sent it in one `end()`; undefined when it streams. */
  body: Buffer | undefined;
  res: Response;
}

/**
 * Run `hook` once, just before the first byte of the response leaves, and let it await (an audit
 * write) or replace a body sent in one piece (the banner). Streamed responses are passed through
 * after the hook, untouched. Writes arriving while the hook runs keep their order.
 */
export function beforeResponse(res: Response, hook: (out: OutgoingResponse) => Promise<Buffer | undefined | void>): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let ready: Promise<void> | undefined;
  let done = false;

  const run = (body: Buffer | undefined) => {
    ready = hook({ body, res }).then(
      (replaced) => {
        done = true;
        return replaced ? void (pendingBody = replaced) : undefined;
      },
      () => {
        done = true;
      },
    );
    return ready;
  };
  let pendingBody: Buffer | undefined;

  const toBuffer = (chunk: unknown, encoding: unknown): Buffer | undefined => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return undefined;
    if (Buffer.isBuffer(chunk)) return chunk;
    if (chunk instanceof Uint8Array) return Buffer.from(chunk);
    return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  };

  res.write = function (this: Response, ...args: unknown[]) {
    if (done) return write(...args);
    if (!ready) void run(undefined);
    void ready!.then(() => write(...args));
    return true;
  } as Response['write'];

  res.end = function (this: Response, ...args: unknown[]) {
    if (done) return end(...args);
    if (!ready) {
      const body = toBuffer(args[0], args[1]);
      void run(body).then(() => {
        if (pendingBody && !res.headersSent) {
          res.setHeader('Content-Length', pendingBody.length);
          end(pendingBody);
        } else {
          end(...args);
        }
      });
    } else {
      void ready.then(() => end(...args));
    }
    return res;
  } as Response['end'];
}
