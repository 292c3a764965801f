/**
 * What an agent needs from the service, in process: the embedded agents use
 * this instead of HTTP (standalone agents use GET /v1/agents/policy and
 * POST /v1/agents/hosts/:name/{status,observations}, which reach the same
 * store and the same listeners). Other parts listen to its events (the
 * monitoring plugin counts agent errors and ingests observations) instead of
 * wrapping its methods.
 */
import type { PolicySnapshot } from './model/snapshot';
import type { PolicyStore } from './store/store';
import type { AgentStatusReport } from './model/host-status';
import type { ObservationReportT } from './model/observation';

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

  fetchPolicy(): Promise<PolicySnapshot> {
    return this.store.getSnapshot();
  }

  async reportStatus(host: string, status: AgentStatusReport): Promise<void> {
    await this.store.reportHostStatus(host, status);
    for (const l of this.listeners.status) l(host, status);
  }

  /** Calls `listener` with each new policy generation; returns the unsubscribe function. */
  onGeneration(listener: (generation: number) => void): () => void {
    return this.store.onGeneration(listener);
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
