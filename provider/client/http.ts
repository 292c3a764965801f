/**
 * The service's HTTP API, seen from the provider: JSON requests with the
 * bearer token, a timeout, TLS options, and retries with exponential backoff
 * on transient failures (connection refused/reset, timeouts, 502/503/504).
 * A request that may have reached the service is retried only if repeating
 * it is harmless (GET, PUT with a version, DELETE).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Logger } from '../log';

export interface ClientOptions {
  endpoint: string;
  token?: string;
  caCert?: string;
  insecure?: boolean;
  /** Per request, milliseconds. */
  requestTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  logger?: Logger;
}

export interface ServiceErrorBody { error: string; message: string; field?: string | null; details?: { field: string; message: string }[] }

/** The service answered with an error status. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ServiceErrorBody) {
    super(body.message);
  }
}

/** The service could not be reached (after retries). */
export class NetworkError extends Error {}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ESOCKETTIMEDOUT']);
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT_STATUS = new Set([502, 503, 504]);

interface RawResponse { status: number; body: string }

export class ApiClient {
  private readonly base: URL;
  constructor(private readonly opts: ClientOptions) {
    try {
      this.base = new URL(opts.endpoint.endsWith('/') ? opts.endpoint : `${opts.endpoint}/`);
    } catch {
      throw new Error(`endpoint "${opts.endpoint}" is not a URL such as http://127.0.0.1:7480`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new Error(`endpoint "${opts.endpoint}" must start with http:// or https://`);
    if (opts.token) opts.logger?.redact(opts.token);
  }

  get endpoint(): string { return this.base.toString(); }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const idempotent = method === 'GET' || method === 'DELETE' || (method === 'PUT' && headers['If-Match'] !== undefined);
    const retries = this.opts.retries ?? 4;
    let delay = this.opts.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.once(method, path, body, headers);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const retriable = TRANSIENT_CODES.has(code) && (idempotent || NOT_SENT_CODES.has(code));
        if (!retriable || attempt >= retries) throw new NetworkError(`cannot reach the microseg service at ${this.base.origin}: ${(e as Error).message}`);
        this.opts.logger?.debug('transient network error, retrying', { method, path, code, attempt, delay_ms: delay });
        await sleep(delay);
        delay *= 2;
        continue;
      }
      if (TRANSIENT_STATUS.has(res.status) && attempt < retries && idempotent) {
        this.opts.logger?.debug('service unavailable, retrying', { method, path, status: res.status, attempt });
        await sleep(delay);
        delay *= 2;
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
      return parsed as T;
    }
  }

  private once(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<RawResponse> {
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
      timeout: this.opts.requestTimeoutMs ?? 30_000,
      ...(url.protocol === 'https:' ? { ca: this.opts.caCert || undefined, rejectUnauthorized: !this.opts.insecure } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = mod.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${options.timeout} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
