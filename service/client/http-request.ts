/**
 * One HTTP(S) request with node:http/https (not fetch: Node 20's fetch cannot
 * be given a CA to trust), a timeout, and the answer as text. Used by the
 * standalone agent and the CLI, which both take `--ca-cert`.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface RequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** PEM certificate(s) to trust for https:// (instead of the system's). */
  ca?: string;
}

export interface TextResponse {
  status: number;
  text: string;
}

export function requestText(url: URL, opts: RequestOptions): Promise<TextResponse> {
  const tls = url.protocol === 'https:';
  const payload = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const headers = { ...opts.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) };
  return new Promise((resolve, reject) => {
    const done = (f: () => void) => {
      clearTimeout(timer);
      f();
    };
    const req = (tls ? https : http).request(
      url,
      { method: opts.method, headers, ...(tls && opts.ca ? { ca: opts.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })),
        );
        res.on('error', (e) => done(() => reject(e)));
      },
    );
    // The whole exchange, not just idle time (a long poll adds its wait to timeoutMs).
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      opts.timeoutMs,
    );
    req.on('error', (e) => done(() => reject(e)));
    req.end(payload);
  });
}
