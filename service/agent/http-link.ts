/**
 * The agent's link to the service over its API: its host's view
 * (GET /v1/agents/hosts/:name/view), POST /v1/agents/hosts/:name/status and
 * …/observations with a bearer token (role agent or admin).
 *
 * With `host` set the link holds that host's view and follows it: `watch`
 * long-polls for what changed since the generation it holds (its resume
 * point) and applies the delta copy-on-write; after a dropped connection or
 * an agent restart (`seed`: the view kept on disk) it resumes from that
 * point, and only a service that no longer knows it answers the whole view.
 * `fetchPolicy` answers the view held, asking the service only while the
 * watch is not known to be current (none yet, or its last request failed), so
 * an agent's passes cost the service nothing while nothing changes. Without
 * `host` it reads the whole policy (GET /v1/agents/policy), for tools.
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
import { followView, type ViewAnswer } from '../model/view-delta';
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
  /** The host whose view the link follows. */
  host?: string;
  /** The view to resume from (the one kept on disk); its generation is the first resume point. */
  seed?: PolicySnapshot | null;
  /**
   * Called on each view answer before it is applied; it may swap objects for equal ones (several links in one
   * process sharing their views' objects: the bench's simulated hosts). Must not change what the answer says.
   */
  share?: (answer: ViewAnswer) => ViewAnswer;
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
  /** The whole policy, long-polled: answers once the generation is above `after` (or after waitSeconds). For tools. */
  waitForPolicy(after: number, waitSeconds: number): Promise<PolicySnapshot>;
  reportObservations(host: string, report: ObservationReportT): Promise<void>;
  /**
   * Follows the host's view (needs `host`): long polls of `waitSeconds`, calling `onChange` with each new
   * view; after a failed request it waits `retryMs` and resumes. Returns the function that stops it.
   */
  watch(onChange: (view: PolicySnapshot) => void, opts?: { waitSeconds?: number; retryMs?: number }): () => void;
  /** What following the view cost so far: answers (whole views and deltas), their bytes, failed requests. */
  readonly received: {
    readonly full: number;
    readonly deltas: number;
    readonly bytes: number;
    readonly failed: number;
  };
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
  let view: PolicySnapshot | null = opts.seed ?? null;
  /** Whether the watch's last request succeeded: then `view` is current and fetchPolicy needs no request. */
  let following = false;
  const received = { full: 0, deltas: 0, bytes: 0, failed: 0 };

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

  /** A request answered at once (no wait) in flight: concurrent callers share it rather than ask twice. */
  let syncing: Promise<boolean> | null = null;
  const sync = () => (syncing ??= pull(0).finally(() => (syncing = null)));

  /** One view request: applies its answer to the view held and returns whether the generation moved. */
  async function pull(waitSeconds: number): Promise<boolean> {
    const since = view ? `since=${view.generation}&` : '';
    const text = await call(
      'GET',
      `/v1/agents/hosts/${encodeURIComponent(opts.host!)}/view?${since}wait=${waitSeconds}`,
      undefined,
      waitSeconds * 1000,
    );
    const parsed = JSON.parse(text) as ViewAnswer;
    const answer = opts.share ? opts.share(parsed) : parsed;
    received.bytes += Buffer.byteLength(text);
    if (answer.full) received.full++;
    else received.deltas++;
    const before = view?.generation ?? null;
    // A delta from another point than the view held (a concurrent answer already applied) is no news.
    if (!answer.full && answer.since !== before) return false;
    view = followView(view, answer);
    return view.generation !== before;
  }

  return {
    received,
    async fetchPolicy() {
      if (!opts.host) return JSON.parse(await call('GET', '/v1/agents/policy')) as PolicySnapshot;
      if (!following || !view) await sync();
      return view!;
    },
    watch(onChange, { waitSeconds = 25, retryMs = 2000 } = {}) {
      if (!opts.host) throw new HttpLinkError('watch needs the host whose view to follow', null);
      let stopped = false;
      let sleeping: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
      void (async () => {
        // Catch up at once first (and after a failure), then long-poll.
        let caughtUp = false;
        while (!stopped) {
          try {
            const moved = caughtUp ? await pull(waitSeconds) : await sync();
            caughtUp = following = true;
            if (moved && !stopped) onChange(view!);
          } catch {
            caughtUp = following = false;
            received.failed++;
            await new Promise<void>((resolve) => (sleeping = { timer: setTimeout(resolve, retryMs), resolve }));
            sleeping = null;
          }
        }
      })();
      return () => {
        stopped = true;
        following = false;
        const s = sleeping as { timer: NodeJS.Timeout; resolve: () => void } | null;
        if (s) {
          clearTimeout(s.timer);
          s.resolve();
        }
      };
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
