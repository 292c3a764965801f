/**
 * Realization state reported by host agents. The last report is stored per
 * host (so every service process sharing the database sees it); the view
 * adds the desired generation and treats a silent agent as unreachable.
 */
import type { AgentStatusReport, HostStatus } from '../model/host-status';

/** Agents report after every pass (seconds apart): this long without a report means the agent is gone. */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/**
 * When a report reaches the database. The store holds every report in memory at once; a changed
 * one is written within STATUS_BATCH_MS (SQLite: all hosts' pending reports in one transaction;
 * PostgreSQL: at once, since other processes read it there), an unchanged one (an idle agent's)
 * only to move its time, once statusRefreshMs old, with the others that fall due within half of
 * that: so another process reading the database sees a report's changes within STATUS_BATCH_MS
 * (PostgreSQL: at once) and its time at most 1.5 × statusRefreshMs old (15 s by default), well
 * inside the 30 s after which a silent agent shows unreachable.
 */
export const STATUS_BATCH_MS = 200;
export const statusRefreshMs = (staleAfterMs = DEFAULT_STALE_AFTER_MS): number =>
  Math.min(10_000, Math.floor(staleAfterMs / 3));

/** The store's record of that: per host, the report to write and the last one written (text and time). */
export interface StatusWrites {
  pending: Map<string, { text: string; at: number }>;
  written: Map<string, { text: string; at: number }>;
  /** The newest report this process received per host: its own reads show it, written or not. */
  latest: Map<string, { text: string; at: number }>;
}

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
