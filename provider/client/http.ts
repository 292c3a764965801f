/**
 * The service's HTTP API, seen from the provider: JSON requests with the
 * bearer token, TLS options, and retries with exponential backoff on
 * transient failures (connection refused/reset, timeouts, 502/503/504).
 * A request that may have reached the service is retried only if repeating
 * it is harmless (GET, PUT with a version, DELETE).
 *
 * `timeoutMs` bounds one whole request, retries and backoff included, so it
 * is the time the user waits; `stop()` (Terraform's StopProvider, i.e.
 * Ctrl-C) aborts every request in flight and every backoff at once.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log';

export interface ClientOptions {
  endpoint: string;
  token?: string;
  caCert?: string;
  insecure?: boolean;
  /** One request, retries included, milliseconds (default 5 minutes). */
  timeoutMs?: number;
  /** The longest a single attempt may take, so a hung connection leaves time to retry (default 60 s). */
  attemptTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  logger?: Logger;
}

export interface ServiceErrorBody {
  error: string;
  message: string;
  field?: string | null;
  details?: { field: string; message: string }[];
}

/** The service answered with an error status. */
export class ApiError extends Error {
  /** How to spell a field of the request for the user (set by whoever knows the request). */
  show: (field: string) => string = (f) => f;
  constructor(
    readonly status: number,
    readonly body: ServiceErrorBody,
  ) {
    super(body.message);
  }
}

/** The service could not be reached or did not answer in time (after retries). */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** Terraform asked the provider to stop (Ctrl-C) while a request was under way. */
export class StoppedError extends Error {}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ESOCKETTIMEDOUT',
]);
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT_STATUS = new Set([502, 503, 504]);

export interface RawResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** "4.0s", "250ms", "5m": how long something took or may take, for messages. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000 || ms % 60_000 !== 0) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')}s`;
  return `${ms / 60_000}m`;
}

export class ApiClient {
  private readonly base: URL;
  private readonly stopper = new AbortController();
  constructor(private readonly opts: ClientOptions) {
    try {
      this.base = new URL(opts.endpoint.endsWith('/') ? opts.endpoint : `${opts.endpoint}/`);
    } catch {
      throw new Error(`endpoint "${opts.endpoint}" is not a URL such as http://127.0.0.1:7480`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:')
      throw new Error(`endpoint "${opts.endpoint}" must start with http:// or https://`);
    if (opts.token) opts.logger?.redact(opts.token);
  }

  get endpoint(): string {
    return this.base.toString();
  }
  get timeoutMs(): number {
    return this.opts.timeoutMs ?? 300_000;
  }
  get stopped(): boolean {
    return this.stopper.signal.aborted;
  }
  /** Aborts when Terraform stops the provider. */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  /** Ends every request in flight and refuses new ones: Terraform is stopping. */
  stop(): void {
    this.stopper.abort();
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    deadline?: number,
  ): Promise<T> {
    return (await this.send<T>(method, path, body, headers, deadline)).body;
  }

  /**
   * One request with its retries, ending by `deadline` (epoch ms; default
   * now + timeout). Answers the parsed body and the response headers.
   */
  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    deadline = Date.now() + this.timeoutMs,
  ): Promise<{ body: T; headers: http.IncomingHttpHeaders }> {
    const idempotent =
      method === 'GET' || method === 'DELETE' || (method === 'PUT' && headers['If-Match'] !== undefined);
    const retries = this.opts.retries ?? 4;
    const what = `${method} ${path}`;
    const tried: string[] = [];
    const started = Date.now();
    const giveUp = (timedOut: boolean, last: string) => {
      const attempts =
        tried.length === 0
          ? 'no time was left to try'
          : `${tried.length} attempt${tried.length === 1 ? '' : 's'}: ${tried.join('; ')}`;
      return timedOut
        ? new NetworkError(
            `no answer from the microseg service at ${this.base.origin} to ${what} within ${formatMs(Math.max(0, deadline - started))} (${attempts})`,
            true,
          )
        : new NetworkError(
            `cannot reach the microseg service at ${this.base.origin}: ${last} (${what}, ${attempts})`,
            false,
          );
    };
    let backoff = this.opts.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      this.checkStopped(what);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw giveUp(true, '');
      const limit = Math.min(remaining, this.opts.attemptTimeoutMs ?? 60_000);
      const attemptStarted = Date.now();
      let res: RawResponse;
      try {
        res = await this.once(method, path, body, headers, limit);
      } catch (e) {
        this.checkStopped(what);
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const why =
          code === 'ETIMEDOUT' ? `no answer after ${formatMs(Date.now() - attemptStarted)}` : (e as Error).message;
        tried.push(why);
        const retriable = TRANSIENT_CODES.has(code) && (idempotent || NOT_SENT_CODES.has(code));
        if (!retriable || attempt >= retries || Date.now() + backoff >= deadline)
          throw giveUp(code === 'ETIMEDOUT', why);
        this.opts.logger?.debug('transient network error, retrying', {
          method,
          path,
          code,
          attempt,
          delay_ms: backoff,
        });
        await this.pause(backoff, what);
        backoff *= 2;
        continue;
      }
      if (TRANSIENT_STATUS.has(res.status) && idempotent && attempt < retries && Date.now() + backoff < deadline) {
        tried.push(`answered ${res.status}`);
        this.opts.logger?.debug('service unavailable, retrying', {
          method,
          path,
          status: res.status,
          attempt,
          delay_ms: backoff,
        });
        await this.pause(backoff, what);
        backoff *= 2;
        continue;
      }
      this.opts.logger?.debug('service response', { method, path, status: res.status });
      const parsed: unknown = res.body === '' ? null : safeJson(res.body);
      if (res.status >= 400) {
        const b = parsed as Partial<ServiceErrorBody> | null;
        throw new ApiError(res.status, {
          error: b?.error ?? `http_${res.status}`,
          message: b?.message ?? `the service answered ${res.status} to ${method} ${path}`,
          field: b?.field ?? null,
          details: b?.details,
        });
      }
      return { body: parsed as T, headers: res.headers };
    }
  }

  private checkStopped(what: string): void {
    if (this.stopper.signal.aborted) throw new StoppedError(`stopped by Terraform (interrupt) during ${what}`);
  }

  private async pause(ms: number, what: string): Promise<void> {
    try {
      await delay(ms, undefined, { signal: this.stopper.signal });
    } catch {
      this.checkStopped(what);
    }
  }

  private once(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<RawResponse> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const mod = url.protocol === 'https:' ? https : http;
    const options: https.RequestOptions = {
      method,
      headers: {
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
        'user-agent': 'terraform-provider-microseg/0.1.0',
        ...headers,
      },
      signal: this.stopper.signal,
      ...(url.protocol === 'https:'
        ? { ca: this.opts.caCert || undefined, rejectUnauthorized: !this.opts.insecure }
        : {}),
    };
    return new Promise((resolve, reject) => {
      const req = mod.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
        });
        res.on('error', reject);
      });
      // A bound on the whole attempt (connect, send, answer), not on idle time: a trickle cannot outlast it.
      const timer = setTimeout(
        () => req.destroy(Object.assign(new Error(`no answer within ${formatMs(timeoutMs)}`), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      if (payload) req.write(payload);
      req.end();
    });
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { error: 'bad_response', message: `the service answered something that is not JSON: ${s.slice(0, 200)}` };
  }
}

/** A pause that ends early when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks why
  }
}
