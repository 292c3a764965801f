/**
 * What an agent needs from the service, in process: the embedded agents use
 * this instead of HTTP (standalone agents use GET /v1/agents/policy and
 * POST /v1/agents/hosts/:name/status, which call the same store methods).
 */
import type { PolicySnapshot } from './model/snapshot';
import type { PolicyStore } from './store/store';
import type { AgentStatusReport } from './model/host-status';
import type { ObservationReportT } from './observations/types';

export interface AgentLink {
  fetchPolicy(): Promise<PolicySnapshot>;
  reportStatus(host: string, status: AgentStatusReport): Promise<void>;
  /** Calls `listener` with each new policy generation; returns the unsubscribe function. */
  onGeneration(listener: (generation: number) => void): () => void;
  /** Set by the monitoring plugin (service/observations/monitoring.ts): in-process observation reports. */
  reportObservations?(host: string, report: ObservationReportT): Promise<void>;
}

export function inProcessAgentLink(store: PolicyStore): AgentLink {
  return {
    fetchPolicy: () => store.getSnapshot(),
    reportStatus: (host, status) => store.reportHostStatus(host, status),
    onGeneration: (listener) => store.onGeneration(listener),
  };
}
