/**
 * wait_for_realization: after a change, wait until every host that matters
 * runs the policy generation the change produced.
 *
 * Which hosts matter: a host whose agent has ever reported (it is live and
 * must converge), and a host that carries entities (its VMs are what the
 * policy protects) even if no agent ever reported. A host with no entities
 * and no agent yet is skipped: nothing there to enforce, and requiring it
 * would make the first apply that declares a host block forever.
 *
 * A host counts as done only while its agent reports (reachable, within the
 * last 30 s): a host whose agent went silent or lost Open vSwitch is waited for.
 *
 * A host with entities whose agent has never reported fails the wait after
 * NO_AGENT_GRACE_MS rather than the whole timeout: an embedded agent reports
 * within a second or two of its host appearing, so a longer silence means no
 * agent serves the host, and waiting minutes for it helps nobody.
 */
import type { ApiClient } from './http';
import type { HostStatus } from '../../service/model/host-status';
import { sleep } from './http';

export interface HostStatusView {
  name: string;
  /** What the provider reads of HostStatus (older services may send less). */
  status: (Pick<HostStatus, 'realized_generation'> & Partial<Pick<HostStatus, 'reachable' | 'last_error'>>) | null;
}
export interface StatusView { generation: number; hosts: HostStatusView[] }

/**
 * The hosts that have not reached `generation`, with why. Pure. A host counts as done only on a fresh
 * report: one the service shows unreachable (its agent cannot reach Open vSwitch, or has not reported for
 * 30 s) runs nothing we can vouch for, whatever generation it last named.
 */
export function laggingHosts(status: StatusView, generation: number, hostsWithEntities: ReadonlySet<string>): { name: string; reason: string }[] {
  const out: { name: string; reason: string }[] = [];
  for (const h of status.hosts) {
    const realized = h.status?.realized_generation ?? null;
    if (realized === null && !hostsWithEntities.has(h.name)) continue;
    const unreachable = h.status?.reachable === false;
    if (realized !== null && realized >= generation && !unreachable) continue;
    const why = realized === null ? 'no agent has reported yet' : unreachable ? `unreachable (last ran generation ${realized})` : `runs generation ${realized}`;
    const err = h.status?.last_error ? `; last error: ${h.status.last_error}` : '';
    out.push({ name: h.name, reason: `${why}, needs ${generation}${err}` });
  }
  return out;
}

export class RealizationTimeout extends Error {}

export const NO_AGENT_GRACE_MS = 15_000;

const describe = (lagging: { name: string; reason: string }[]) => lagging.map((l) => `${l.name} (${l.reason})`).join(', ');

export async function waitForRealization(client: ApiClient, timeoutMs: number, pollMs = 500, stopped: () => boolean = () => false, noAgentGraceMs = NO_AGENT_GRACE_MS): Promise<void> {
  const first = await client.request<StatusView>('GET', '/v1/status');
  const target = first.generation;
  const entities = await client.request<{ items: { host: string }[] }>('GET', '/v1/entities');
  const withEntities = new Set(entities.items.map((e) => e.host));
  const started = Date.now();
  const deadline = started + timeoutMs;
  let status = first;
  for (;;) {
    const lagging = laggingHosts(status, target, withEntities);
    if (lagging.length === 0) return;
    if (stopped()) throw new RealizationTimeout(`stopped by Terraform while waiting for ${lagging.map((l) => l.name).join(', ')} to realize generation ${target}`);
    if (Date.now() >= deadline) {
      throw new RealizationTimeout(`policy generation ${target} was not realized within ${Math.round(timeoutMs / 1000)}s on ${lagging.length} host(s): ${describe(lagging)}`);
    }
    const silent = status.hosts.filter((h) => (h.status?.realized_generation ?? null) === null && lagging.some((l) => l.name === h.name));
    if (silent.length > 0 && Date.now() - started >= noAgentGraceMs) {
      const names = silent.map((h) => h.name);
      throw new RealizationTimeout(
        `policy generation ${target} was not realized on ${lagging.length} host(s): ${describe(lagging)}; no agent has reported for ${names.join(', ')} ` +
          `in ${Math.round(noAgentGraceMs / 1000)}s (set the host's ovs_rundir so the service programs it, or run microseg-agent --host ${names[0]} on it)`,
      );
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    status = await client.request<StatusView>('GET', '/v1/status');
  }
}
