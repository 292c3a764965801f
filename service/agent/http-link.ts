/**
 * The agent's link to a remote service over its API: GET /v1/agents/policy and
 * POST /v1/agents/hosts/:name/status with a bearer token (role agent or admin).
 */
import type { AgentStatusReport } from '../model/host-status';
import type { PolicySnapshot } from '../model/snapshot';
import type { PolicyLink } from './types';

export interface HttpLinkOptions {
  /** Base URL, e.g. http://127.0.0.1:7480 */
  service: string;
  token: string;
  timeoutMs?: number;
}

export class HttpLinkError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
    this.name = 'HttpLinkError';
  }
}

export function httpLink(opts: HttpLinkOptions): PolicyLink & { waitForPolicy(after: number, waitSeconds: number): Promise<PolicySnapshot> } {
  let base: URL;
  try {
    base = new URL(opts.service);
  } catch {
    throw new HttpLinkError(`--service: "${opts.service}" is not a URL`, null);
  }
  const timeoutMs = opts.timeoutMs ?? 10000;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, extraMs = 0): Promise<Response> {
    const url = new URL(path, base);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${opts.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs + extraMs),
      });
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      throw new HttpLinkError(`${method} ${url.pathname}: ${cause}`, null);
    }
    if (!res.ok) {
      // The service answers errors as { error, message, field }; never echo the token.
      let detail = `${res.status}`;
      try {
        const j = (await res.json()) as { error?: string; message?: string };
        detail = `${res.status} ${j.error ?? ''}: ${j.message ?? ''}`.trim();
      } catch { /* not JSON */ }
      throw new HttpLinkError(`${method} ${url.pathname}: ${detail}`, res.status);
    }
    return res;
  }

  return {
    async fetchPolicy() {
      return (await (await call('GET', '/v1/agents/policy')).json()) as PolicySnapshot;
    },
    /** Long poll: answers once the generation is above `after` (or after waitSeconds). */
    async waitForPolicy(after: number, waitSeconds: number) {
      const res = await call('GET', `/v1/agents/policy?after=${after}&wait=${waitSeconds}`, undefined, waitSeconds * 1000);
      return (await res.json()) as PolicySnapshot;
    },
    async reportStatus(host: string, status: AgentStatusReport) {
      await call('POST', `/v1/agents/hosts/${encodeURIComponent(host)}/status`, status);
    },
  };
}
