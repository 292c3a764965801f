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

export class HostStatusBoard {
  private reports = new Map<string, AgentStatusReport & { updated_at: string }>();

  report(host: string, status: AgentStatusReport): void {
    this.reports.set(host, { ...status, updated_at: new Date().toISOString() });
  }

  view(host: string, desiredGeneration: number): HostStatusView {
    const r = this.reports.get(host);
    if (!r) return { reachable: false, desired_generation: desiredGeneration, realized_generation: null, flow_count: null, last_error: null, drift_repairs: 0, updated_at: null };
    return { ...r, desired_generation: desiredGeneration };
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
