/** The CLI's HTTP client: endpoint and token from flags or MICROSEG_ENDPOINT / MICROSEG_TOKEN. */

export class CliError extends Error {}

export interface ClientOptions { endpoint?: string; token?: string; timeoutMs?: number }

export interface Client { get<T = unknown>(path: string, query?: Record<string, string | undefined>): Promise<T> }

export function makeClient(opts: ClientOptions, env: NodeJS.ProcessEnv = process.env): Client {
  const endpoint = (opts.endpoint ?? env.MICROSEG_ENDPOINT ?? 'http://127.0.0.1:7480').replace(/\/+$/, '');
  const token = opts.token ?? env.MICROSEG_TOKEN;
  if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new CliError(`MICROSEG_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  if (!token) throw new CliError('no token: set MICROSEG_TOKEN (or pass --token)');
  return {
    async get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
      const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
      let res: Response;
      try {
        res = await fetch(`${endpoint}${path}${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(opts.timeoutMs ?? 10000) });
      } catch (e) {
        throw new CliError(`cannot reach ${endpoint}: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}`);
      }
      const text = await res.text();
      let body: unknown;
      try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
      if (!res.ok) {
        const err = body as { message?: string; field?: string | null } | undefined;
        throw new CliError(`${res.status}: ${err?.message ?? text.slice(0, 200)}${err?.field ? ` (field ${err.field})` : ''}`);
      }
      return body as T;
    },
  };
}
