/**
 * The CLI's HTTP client: endpoint from --endpoint or MICROSEG_ENDPOINT, token
 * from MICROSEG_TOKEN or --token-file, --ca-cert to trust an https service.
 */
import { requestText } from '../service/client/http-request';
import { caCertFrom, tokenFrom } from '../service/client/credentials';

export class CliError extends Error {}

export interface ClientOptions {
  endpoint?: string;
  token?: string;
  tokenFile?: string;
  caCert?: string;
  timeoutMs?: number;
}

export interface Client {
  get<T = unknown>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
}

export function makeClient(opts: ClientOptions, env: NodeJS.ProcessEnv = process.env): Client {
  const endpoint = (opts.endpoint ?? env.MICROSEG_ENDPOINT ?? 'http://127.0.0.1:7480').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(endpoint))
    throw new CliError(`MICROSEG_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  let token: string;
  let ca: string | undefined;
  try {
    token = tokenFrom(opts, env);
    ca = caCertFrom(opts.caCert);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  async function call<T>(method: 'GET' | 'POST', url: URL, body?: unknown): Promise<T> {
    let res;
    try {
      res = await requestText(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        timeoutMs: opts.timeoutMs ?? 30000,
        ca,
      });
    } catch (e) {
      throw new CliError(`cannot reach ${endpoint}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      parsed = res.text;
    }
    if (res.status < 200 || res.status >= 300) {
      const err = parsed as { message?: string; field?: string | null } | undefined;
      throw new CliError(
        `${res.status}: ${err?.message ?? res.text.slice(0, 200)}${err?.field ? ` (field ${err.field})` : ''}`,
      );
    }
    return parsed as T;
  }
  return {
    get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
      const qs = new URLSearchParams(
        Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
      ).toString();
      return call<T>('GET', new URL(`${endpoint}${path}${qs ? `?${qs}` : ''}`));
    },
    post<T>(path: string, body: unknown): Promise<T> {
      return call<T>('POST', new URL(`${endpoint}${path}`), body);
    },
  };
}
