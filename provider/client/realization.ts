/**
 * wait_for_realization: after a change, wait until every host the change
 * affects runs the policy generation the change produced.
 *
 * The service answers each write with that generation and the hosts whose
 * policy it can alter (headers Microseg-Generation, Microseg-Affected-Hosts),
 * so a host that only another change concerns never fails this one.
 *
 * Of those hosts, which matter: a host whose agent has ever reported (it is
 * live and must converge), and a host that carries entities (its VMs are
 * what the policy protects) even if no agent ever reported. A host with no
 * entities and no agent yet is skipped: nothing there to enforce, and
 * requiring it would make the first apply that declares a host block forever.
 *
 * A host counts as done only while its agent reports (reachable, within the
 * last 30 s): a host whose agent went silent or lost Open vSwitch is waited for.
 *
 * A host with entities whose agent has never reported fails the wait after
 * NO_AGENT_GRACE_MS rather than the whole timeout: an embedded agent reports
 * within a second or two of its host appearing, so a longer silence means no
 * agent serves the host, and waiting minutes for it helps nobody.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiClient } from './http';
import type { HostStatus } from '../../service/model/host-status';
import { formatMs, NetworkError, sleep } from './http';

export interface HostStatusView {
  name: string;
  /** What the provider reads of HostStatus (older services may send less). */
  status: (Pick<HostStatus, 'realized_generation'> & Partial<Pick<HostStatus, 'reachable' | 'last_error'>>) | null;
}
export interface StatusView {
  generation: number;
  hosts: HostStatusView[];
}

/** What one write produced: its generation and the hosts it affects. */
export interface Change {
  generation: number;
  hosts: string[];
}

/** The change a write answered with; null when it changed nothing that hosts enforce. */
export function changeFrom(headers: IncomingHttpHeaders): Change | null {
  const generation = Number(headers['microseg-generation']);
  const hosts = String(headers['microseg-affected-hosts'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  if (!Number.isInteger(generation) || hosts.length === 0) return null;
  return { generation, hosts };
}

/**
 * The affected hosts that have not reached the change's generation, with why. Pure. A host counts as done
 * only on a fresh report: one the service shows unreachable (its agent cannot reach Open vSwitch, or has not
 * reported for 30 s) runs nothing we can vouch for, whatever generation it last named.
 */
export function laggingHosts(
  status: StatusView,
  change: Change,
  hostsWithEntities: ReadonlySet<string>,
): { name: string; reason: string }[] {
  const out: { name: string; reason: string }[] = [];
  const affected = new Set(change.hosts);
  for (const h of status.hosts) {
    if (!affected.has(h.name)) continue;
    const realized = h.status?.realized_generation ?? null;
    if (realized === null && !hostsWithEntities.has(h.name)) continue;
    const unreachable = h.status?.reachable === false;
    if (realized !== null && realized >= change.generation && !unreachable) continue;
    const why =
      realized === null
        ? 'no agent has reported yet'
        : unreachable
          ? `unreachable (last ran generation ${realized})`
          : `runs generation ${realized}`;
    const err = h.status?.last_error ? `; last error: ${h.status.last_error}` : '';
    out.push({ name: h.name, reason: `${why}, needs ${change.generation}${err}` });
  }
  return out;
}

export class RealizationTimeout extends Error {}

export const NO_AGENT_GRACE_MS = 15_000;

const describe = (lagging: { name: string; reason: string }[]) =>
  lagging.map((l) => `${l.name} (${l.reason})`).join(', ');

export interface WaitOptions {
  pollMs?: number;
  noAgentGraceMs?: number;
}

/** Waits until `deadline` (epoch ms) at the latest; Terraform's stop (client.stop()) ends it at once. */
export async function waitForRealization(
  client: ApiClient,
  change: Change,
  deadline: number,
  opts: WaitOptions = {},
): Promise<void> {
  const pollMs = opts.pollMs ?? 500;
  const noAgentGraceMs = opts.noAgentGraceMs ?? NO_AGENT_GRACE_MS;
  const started = Date.now();
  const budget = deadline - started;
  // The first look is one request like any other (bounded by the client's timeout), so even a short wait
  // can say which hosts lag; later polls must end by the wait's deadline.
  let status = await client.request<StatusView>('GET', '/v1/status');
  let withEntities: Set<string> | null = null;
  for (;;) {
    // Which hosts carry entities matters only for a host that never reported: ask only then.
    if (
      withEntities === null &&
      status.hosts.some((h) => change.hosts.includes(h.name) && (h.status?.realized_generation ?? null) === null)
    ) {
      const entities = await client.request<{ items: { host: string }[] }>('GET', '/v1/entities');
      withEntities = new Set(entities.items.map((e) => e.host));
    }
    const lagging = laggingHosts(status, change, withEntities ?? new Set());
    if (lagging.length === 0) return;
    if (client.stopped)
      throw new RealizationTimeout(
        `stopped by Terraform while waiting for ${lagging.map((l) => l.name).join(', ')} to realize generation ${change.generation}`,
      );
    if (Date.now() >= deadline) {
      throw new RealizationTimeout(
        `policy generation ${change.generation} was not realized within ${formatMs(budget)} on ${lagging.length} host(s): ${describe(lagging)}`,
      );
    }
    const silent = status.hosts.filter(
      (h) => (h.status?.realized_generation ?? null) === null && lagging.some((l) => l.name === h.name),
    );
    if (silent.length > 0 && Date.now() - started >= noAgentGraceMs) {
      const names = silent.map((h) => h.name);
      throw new RealizationTimeout(
        `policy generation ${change.generation} was not realized on ${lagging.length} host(s): ${describe(lagging)}; no agent has reported for ${names.join(', ')} ` +
          `in ${formatMs(noAgentGraceMs)} (set the host's ovs_rundir so the service programs it, or run microseg-agent --host ${names[0]} on it)`,
      );
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), client.signal);
    // Stopped or out of time: report it (above) with the hosts still lagging.
    if (client.stopped || Date.now() >= deadline) continue;
    try {
      status = await client.request<StatusView>('GET', '/v1/status', undefined, {}, deadline);
    } catch (e) {
      // A poll cut short by the deadline: report the hosts as last seen.
      if (!(e instanceof NetworkError && e.timedOut)) throw e;
    }
  }
}
