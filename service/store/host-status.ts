/**
 * Realization state reported by host agents, kept in memory: it describes
 * the live bridges, not the policy, so it is not persisted; after a restart
 * agents report again and until then a host shows as not reachable.
 */
export interface AgentStatusReport {
  realized_generation: number | null;
  flow_count: number | null;
  reachable: boolean;
  last_error: string | null;
  drift_repairs: number;
}

export interface HostStatusView extends AgentStatusReport {
  desired_generation: number;
  updated_at: string | null;
}

/** Agents report after every pass (seconds apart): this long without a report means the agent is gone. */
export const DEFAULT_STALE_AFTER_MS = 30_000;

export class HostStatusBoard {
  private reports = new Map<string, AgentStatusReport & { updated_at: string; at: number }>();

  constructor(private readonly staleAfterMs = DEFAULT_STALE_AFTER_MS) {}

  report(host: string, status: AgentStatusReport): void {
    const at = Date.now();
    this.reports.set(host, { ...status, updated_at: new Date(at).toISOString(), at });
  }

  view(host: string, desiredGeneration: number): HostStatusView {
    const r = this.reports.get(host);
    if (!r) return { reachable: false, desired_generation: desiredGeneration, realized_generation: null, flow_count: null, last_error: null, drift_repairs: 0, updated_at: null };
    const { at, ...status } = r;
    // A silent agent cannot say it is gone: report it unreachable, keeping what it last realized.
    if (Date.now() - at > this.staleAfterMs) {
      return { ...status, reachable: false, last_error: `no report from the agent since ${status.updated_at}`, desired_generation: desiredGeneration };
    }
    return { ...status, desired_generation: desiredGeneration };
  }

  rename(from: string, to: string): void {
    const r = this.reports.get(from);
    this.reports.delete(from);
    if (r) this.reports.set(to, r);
  }

  forget(host: string): void {
    this.reports.delete(host);
  }
}
