/**
 * Helpers for real-packet tests that drive a lab through the in-process
 * service (test/support/service.ts): a strict API call, waiting until every
 * host has realized the current generation, the measured matrix next to
 * explain()'s verdict (via /v1/reachability) for every cell, and when a held
 * connection was cut.
 */
import type { Verdict } from '../../service/model/verdicts';
import type { Lab, HeldConnection } from '../../lab/lab';
import { measureMatrix, reprobeDoubtful, serviceLabel, type MatrixCell, type MatrixServices } from '../../lab/matrix';
import { eventually, margin } from '../../lab/eventually';
import type { TestService } from '../support/service';

export interface Checked extends MatrixCell {
  verdict: Verdict;
  rule: string | null;
}
/** Resolves with the JSON body; rejects on any status ≥ 300, naming the call. */
export type Api = (method: string, path: string, body?: unknown) => Promise<any>;

export function strictApi(svc: () => TestService): Api {
  return async (method, path, body) => {
    const r = await svc().api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
}

/** Polls GET /v1/hosts/NAME until every host has realized the current generation; returns the ms it took. */
export async function waitRealized(
  api: Api,
  hosts: string[],
  label: string,
  figures: string[],
  timeoutMs = margin(2000),
): Promise<number> {
  const generation = (await api('GET', '/v1/status')).generation as number;
  const { ms } = await eventually(
    `${label}: hosts ${hosts.join(', ')} realize generation ${generation}`,
    async () => {
      const views = await Promise.all(hosts.map((h) => api('GET', `/v1/hosts/${h}`)));
      // The host view itself says what it should run (desired: the last generation that changed this host's
      // view, so a host a change did not touch stays at an older one) and what it runs (realized).
      if (
        views.every(
          (h) =>
            h.status.reachable &&
            h.status.desired_generation <= generation &&
            h.status.realized_generation !== null &&
            h.status.realized_generation >= h.status.desired_generation,
        )
      )
        return true;
      throw new Error(JSON.stringify(views.map((h) => ({ name: h.name, ...h.status }))));
    },
    { timeoutMs, intervalMs: 50 },
  );
  figures.push(`${label}: generation ${generation} realized on ${hosts.join(', ')} in ${ms} ms`);
  return ms;
}

/**
 * explain()'s question for one probe. IPv4 probes ask by entity name (its first IP);
 * IPv6 probes ask with the two VMs' IPv6 addresses, and ping -6 is ICMPv6 echo (128/0).
 */
export function reachabilityQuery(lab: Lab, c: MatrixCell): URLSearchParams {
  const v6 = c.ipv6 === true;
  const ends = v6 ? { src: lab.address(c.src, true), dst: lab.address(c.dst, true) } : { src: c.src, dst: c.dst };
  const protocol = c.protocol === 'icmp' && v6 ? 'icmpv6' : c.protocol;
  const detail: Record<string, string> = c.port
    ? { port: String(c.port) }
    : { icmp_type: v6 ? '128' : '8', icmp_code: '0' };
  return new URLSearchParams({ ...ends, protocol, ...detail });
}

/** The real matrix next to explain()'s verdict for every cell. */
export async function checkedMatrix(
  lab: Lab,
  api: Api,
  services: MatrixServices,
  figures: string[],
): Promise<Checked[]> {
  const t0 = Date.now();
  const cells = await measureMatrix(lab, services, 1000);
  const ms = Date.now() - t0;
  const out: Checked[] = [];
  for (const c of cells) {
    const e = await api('GET', `/v1/reachability?${reachabilityQuery(lab, c)}`);
    out.push({ ...c, verdict: e.verdict, rule: e.rule });
  }
  const doubtful = await reprobeDoubtful(
    out,
    (c) => c.verdict !== 'deny',
    (cs, ms) => lab.probeAll(cs, ms),
  );
  figures.push(`matrix of ${cells.length} probes measured in ${ms} ms (${doubtful.length} re-probed)`);
  return out;
}

/** Cells where packets and explain() disagree (deny must be closed; allow and would-deny open). */
export const mismatches = (m: Checked[]) =>
  m
    .filter((c) => c.open !== (c.verdict !== 'deny'))
    .map(
      (c) =>
        `${c.src}→${c.dst} ${serviceLabel(c)}: measured ${c.open ? 'open' : 'closed'}, explain ${c.verdict} (${c.rule})`,
    );

/**
 * When a held connection (echoing every 100 ms) was cut, in ms after `t0`: the time of its last echo,
 * once no echo has come for 500 ms; null if it still echoes `margin(2000)` after `t0`. Closes the connection.
 */
export async function cutAfter(held: HeldConnection, t0: number): Promise<number | null> {
  try {
    const { value } = await eventually(
      'held connection cut',
      async () => {
        const s = await held.status();
        return s.lastEchoMs !== null && s.lastEchoMs > 500 ? { cutAt: Date.now() - s.lastEchoMs - t0 } : false;
      },
      { timeoutMs: Math.max(0, t0 + margin(2000) - Date.now()), intervalMs: 50 },
    );
    return value.cutAt;
  } catch {
    return null;
  } finally {
    await held.close();
  }
}

/** Resolves once a held connection echoes (its last echo less than 500 ms ago). */
export async function echoing(held: HeldConnection): Promise<void> {
  await eventually(
    'held connection echoes',
    async () => {
      const { lastEchoMs } = await held.status();
      return lastEchoMs !== null && lastEchoMs < 500;
    },
    { timeoutMs: margin(1000) },
  );
}
