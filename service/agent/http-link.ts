/**
 * The agent's link to the service over its API: GET /v1/agents/policy,
 * POST /v1/agents/hosts/:name/status and …/observations with a bearer token
 * (role agent or admin).
 *
 * Several service URLs (replicas on one database) may be given: requests go
 * to the one that answered last; when it cannot be reached or answers 5xx
 * (stopped, database gone), the same request goes to the next one at once.
 */
import type { AgentStatusReport } from '../model/host-status';
import type { PolicySnapshot } from '../model/snapshot';
import type { ObservationReportT } from '../model/observation';
import type { PolicyLink } from './types';
import { requestText } from '../client/http-request';
import type { HostTraceAnswer, HostTraceRequest } from '../model/trace';

export interface HttpLinkOptions {
  /** Base URLs, e.g. ['https://policy-a:7480', 'https://policy-b:7480']. */
  services: string[];
  token: string;
  /** PEM CA certificate(s) trusted for https:// services. */
  ca?: string;
  timeoutMs?: number;
  /** Called when requests move to another service, with what each skipped one did (logs). */
  onFailover?: (from: string, to: string, reason: string) => void;
}

export class HttpLinkError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'HttpLinkError';
  }
}

export interface HttpLink extends PolicyLink {
  /** Long poll: answers once the generation is above `after` (or after waitSeconds). */
  waitForPolicy(after: number, waitSeconds: number): Promise<PolicySnapshot>;
  reportObservations(host: string, report: ObservationReportT): Promise<void>;
  /** Long poll: the traces POST /v1/trace asks of this host (empty after waitSeconds). */
  waitForTraces(host: string, waitSeconds: number): Promise<HostTraceRequest[]>;
  answerTrace(host: string, id: string, answer: HostTraceAnswer): Promise<void>;
}

/** Parses `--service` values: each may hold several comma-separated URLs. */
export function parseServices(values: string[]): URL[] {
  const urls = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new HttpLinkError('--service: missing (a URL such as https://policy:7480)', null);
  return urls.map((s) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new HttpLinkError(`--service: "${s}" is not a URL`, null);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new HttpLinkError(`--service: "${s}" must start with http:// or https://`, null);
    return u;
  });
}

export function httpLink(opts: HttpLinkOptions): HttpLink {
  const bases = parseServices(opts.services);
  const timeoutMs = opts.timeoutMs ?? 10000;
  let current = 0;

  /** One service's answer; a network error or 5xx is `retry` (another replica may do better). */
  async function once(
    base: URL,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    extraMs: number,
  ): Promise<{ text: string } | { retry: string } | { fail: HttpLinkError }> {
    const url = new URL(path, base);
    let res;
    try {
      res = await requestText(url, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        timeoutMs: timeoutMs + extraMs,
        ca: opts.ca,
      });
    } catch (e) {
      return { retry: (e as Error).message };
    }
    if (res.status >= 200 && res.status < 300) return { text: res.text };
    // The service answers errors as { error, message, field }; never echo the token.
    let detail = `${res.status}`;
    try {
      const j = JSON.parse(res.text) as { error?: string; message?: string };
      detail = `${res.status} ${j.error ?? ''}: ${j.message ?? ''}`.trim();
    } catch {
      /* not JSON */
    }
    if (res.status >= 500) return { retry: detail };
    return { fail: new HttpLinkError(`${method} ${url.pathname}: ${detail}`, res.status) };
  }

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, extraMs = 0): Promise<string> {
    const reasons: string[] = [];
    for (let i = 0; i < bases.length; i++) {
      const at = (current + i) % bases.length;
      const r = await once(bases[at], method, path, body, extraMs);
      if ('retry' in r) {
        reasons.push(bases.length > 1 ? `${bases[at].origin}: ${r.retry}` : r.retry);
        continue;
      }
      if (at !== current) {
        opts.onFailover?.(bases[current].origin, bases[at].origin, reasons.join('; '));
        current = at;
      }
      if ('fail' in r) throw r.fail;
      return r.text;
    }
    const pathname = new URL(path, bases[0]).pathname;
    throw new HttpLinkError(
      `${method} ${pathname}: ${bases.length > 1 ? `no service answered (${reasons.join('; ')})` : reasons[0]}`,
      null,
    );
  }

  return {
    async fetchPolicy() {
      return JSON.parse(await call('GET', '/v1/agents/policy')) as PolicySnapshot;
    },
    async waitForPolicy(after: number, waitSeconds: number) {
      return JSON.parse(
        await call('GET', `/v1/agents/policy?after=${after}&wait=${waitSeconds}`, undefined, waitSeconds * 1000),
      ) as PolicySnapshot;
    },
    async reportStatus(host: string, status: AgentStatusReport) {
      await call('POST', `/v1/agents/hosts/${encodeURIComponent(host)}/status`, status);
    },
    async reportObservations(host: string, report: ObservationReportT) {
      await call('POST', `/v1/agents/hosts/${encodeURIComponent(host)}/observations`, report);
    },
    async waitForTraces(host: string, waitSeconds: number) {
      const path = `/v1/agents/hosts/${encodeURIComponent(host)}/traces?wait=${waitSeconds}`;
      return (JSON.parse(await call('GET', path, undefined, waitSeconds * 1000)) as { items: HostTraceRequest[] })
        .items;
    },
    async answerTrace(host: string, id: string, answer: HostTraceAnswer) {
      await call('POST', `/v1/agents/hosts/${encodeURIComponent(host)}/traces/${encodeURIComponent(id)}`, answer);
    },
  };
}
