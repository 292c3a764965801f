/**
 * Realization state reported by host agents. The last report is stored per
 * host (so every service process sharing the database sees it); the view
 * adds the desired generation and treats a silent agent as unreachable.
 */
import type { AgentStatusReport, HostStatus } from '../model/host-status';

/** Agents report after every pass (seconds apart): this long without a report means the agent is gone. */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/** The status a host shows, from its last report (if any) at `reportedAt` (ms). Pure. */
export function statusView(
  report: AgentStatusReport | null,
  reportedAt: number,
  desiredGeneration: number,
  now: number,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
): HostStatus {
  if (!report)
    return {
      reachable: false,
      desired_generation: desiredGeneration,
      realized_generation: null,
      flow_count: null,
      last_error: null,
      drift_repairs: 0,
      notice: null,
      verified_generation: null,
      verify_disagreements: [],
      updated_at: null,
    };
  const updated_at = new Date(reportedAt).toISOString();
  const { realized_generation, flow_count, reachable, last_error, drift_repairs } = report;
  const view = {
    realized_generation,
    flow_count,
    reachable,
    last_error,
    drift_repairs,
    notice: report.notice ?? null,
    verified_generation: report.verified_generation ?? null,
    verify_disagreements: report.verify_disagreements ?? [],
    desired_generation: desiredGeneration,
    updated_at,
  };
  // A silent agent cannot say it is gone: show it unreachable, keeping what it last realized.
  if (now - reportedAt > staleAfterMs)
    return { ...view, reachable: false, last_error: `no report from the agent since ${updated_at}` };
  return view;
}
