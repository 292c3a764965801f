/**
 * What an agent needs from the service, in process: the embedded agents use
 * this instead of HTTP (standalone agents use GET /v1/agents/hosts/:name/view
 * and POST /v1/agents/hosts/:name/{status,observations}, which reach the same
 * store and the same listeners). Other parts listen to its events (the
 * monitoring plugin counts agent errors and ingests observations) instead of
 * wrapping its methods.
 *
 * Each host's agent gets its own link (`forHost`): it holds the host's view
 * and follows it like a standalone agent does, by deltas since the generation
 * it holds (service/model/view-delta.ts), so the HostAgent compiles a view
 * whose unchanged objects keep their identity from one generation to the next.
 */
import type { PolicySnapshot } from './model/snapshot';
import type { PolicyStore } from './store/store';
import type { AgentStatusReport } from './model/host-status';
import type { ObservationReportT } from './model/observation';
import { followView } from './model/view-delta';
import type { PolicyLink } from './agent/types';

export interface AgentLinkEvents {
  /** After a status report is stored. */
  status: (host: string, status: AgentStatusReport) => void;
  /** An observation report; reportObservations resolves once every listener has taken it. */
  observations: (host: string, report: ObservationReportT) => Promise<void>;
}

export class AgentLink {
  private readonly listeners: { [E in keyof AgentLinkEvents]: Set<AgentLinkEvents[E]> } = {
    status: new Set(),
    observations: new Set(),
  };

  constructor(private readonly store: PolicyStore) {}

  /** The whole policy (the observation decoder). */
  fetchPolicy(): Promise<PolicySnapshot> {
    return this.store.getSnapshot();
  }

  /** Which hosts there are (the embedded agents look after every change): without the rest of the policy. */
  fetchHosts(): Promise<PolicySnapshot['hosts']> {
    return this.store.getSnapshotHosts();
  }

  /** One host's link: `fetchPolicy` answers that host's view, brought up to date by the deltas since the last. */
  forHost(host: string): PolicyLink & { reportObservations(host: string, r: ObservationReportT): Promise<void> } {
    let view: PolicySnapshot | null = null;
    return {
      fetchPolicy: async () => (view = followView(view, await this.store.viewAnswer(host, view?.generation ?? null))),
      reportStatus: (h, status) => this.reportStatus(h, status),
      reportObservations: (h, report) => this.reportObservations(h, report),
    };
  }

  async reportStatus(host: string, status: AgentStatusReport): Promise<void> {
    await this.store.reportHostStatus(host, status);
    for (const l of this.listeners.status) l(host, status);
  }

  /** Calls `listener` with each new policy generation; returns the unsubscribe function. */
  onGeneration(listener: (generation: number) => void): () => void {
    return this.store.onGeneration(listener);
  }

  /** Calls `listener` with the hosts whose view a change moved; returns the unsubscribe function. */
  onViews(listener: (hosts: string[]) => void): () => void {
    const l = (_g: number, hosts: string[]) => listener(hosts);
    this.store.on('views', l);
    return () => this.store.off('views', l);
  }

  /** With no listener (no monitoring plugin) the report goes nowhere. */
  async reportObservations(host: string, report: ObservationReportT): Promise<void> {
    await Promise.all([...this.listeners.observations].map((l) => l(host, report)));
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof AgentLinkEvents>(event: E, listener: AgentLinkEvents[E]): () => void {
    const set = this.listeners[event] as Set<AgentLinkEvents[E]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }
}
