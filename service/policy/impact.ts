/**
 * The impact of a change on observed traffic: every observed connection
 * replayed through explain() on the current and on the candidate snapshot;
 * the ones whose verdict differs are the flips. Pure.
 */
import type { DecisionT, ImpactFlipT, ImpactResultT } from '../model/impact';
import type { PolicySnapshot } from '../model/snapshot';
import type { RuleKind } from '../model/verdicts';
import { explain, resolveEndpoint, type ExplainQuery, type ExplainResult } from './explain';

/** One stored observation row (service/store/flow-table.ts), as much of it as replay needs. */
export interface ObservedRow {
  source: string;
  destination: string;
  source_ip: string;
  destination_ip: string;
  protocol: string;
  port: number | null;
  /** ms since the epoch */
  last_seen: number;
  count: number;
}

interface Connection {
  row: ObservedRow;
  count: number;
  last_seen: number;
}

const RULE_KIND_OF_LAYER: Record<string, RuleKind | null> = {
  quarantine: 'quarantine',
  shared_service: 'shared_service',
  isolation: 'isolation',
  application: 'application',
  default: null,
};

/**
 * Rows of one connection (source and destination address, protocol, port) merged: the history keeps one row
 * per verdict and rule it was seen with, and each side's report.
 */
function connections(rows: ObservedRow[]): Connection[] {
  const byKey = new Map<string, Connection>();
  for (const r of rows) {
    const key = `${r.source_ip}\u0000${r.destination_ip}\u0000${r.protocol}\u0000${r.port}`;
    const c = byKey.get(key);
    if (!c) byKey.set(key, { row: r, count: r.count, last_seen: r.last_seen });
    else {
      c.count += r.count;
      c.last_seen = Math.max(c.last_seen, r.last_seen);
    }
  }
  return [...byKey.values()];
}

function query(r: ObservedRow): ExplainQuery {
  // Addresses, not names: an entity the change creates, renames or readdresses is then judged as it will be.
  return {
    src: r.source_ip,
    dst: r.destination_ip,
    protocol: r.protocol,
    ...(r.port !== null && r.port > 0 ? { port: r.port } : {}),
  };
}

const decision = (e: ExplainResult): DecisionT => ({ verdict: e.verdict, layer: e.layer, rule: e.rule, mode: e.mode });

/** The name an address shows with: its entity in either snapshot, else the address. */
function endName(current: PolicySnapshot, candidate: PolicySnapshot, ip: string, stored: string): string {
  for (const s of [current, candidate]) {
    const e = resolveEndpoint(s, ip, 'ip').entity;
    if (e) return e.name;
  }
  return stored;
}

export function impactOf(
  current: PolicySnapshot,
  candidate: PolicySnapshot,
  rows: ObservedRow[],
  window: { since: number; until: number },
): ImpactResultT {
  const flips: (ImpactFlipT & { at: number })[] = [];
  const seen = connections(rows.filter((r) => r.last_seen >= window.since));
  for (const c of seen) {
    const q = query(c.row);
    let before: ExplainResult;
    let after: ExplainResult;
    try {
      before = explain(current, q);
      after = explain(candidate, q);
    } catch {
      continue; // not a question explain() takes (an address that no longer parses); nothing to judge
    }
    if (before.verdict === after.verdict) continue;
    flips.push({
      source: endName(current, candidate, c.row.source_ip, c.row.source),
      destination: endName(current, candidate, c.row.destination_ip, c.row.destination),
      source_ip: c.row.source_ip,
      destination_ip: c.row.destination_ip,
      protocol: c.row.protocol,
      port: c.row.port,
      last_seen: new Date(c.last_seen).toISOString(),
      count: c.count,
      from: decision(before),
      to: decision(after),
      at: c.last_seen,
    });
  }
  flips.sort(
    (a, b) =>
      b.at - a.at ||
      (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
      (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0),
  );
  const byRule = new Map<string, ImpactResultT['by_rule'][number]>();
  for (const f of flips) {
    const deciding = f.to.rule !== null ? f.to : f.from;
    const kind = RULE_KIND_OF_LAYER[deciding.layer];
    const key = `${kind}\u0000${deciding.rule}`;
    const entry = byRule.get(key) ?? { rule: deciding.rule, kind, connections: 0, count: 0 };
    entry.connections += 1;
    entry.count += f.count;
    byRule.set(key, entry);
  }
  return {
    window: {
      seconds: (window.until - window.since) / 1000,
      since: new Date(window.since).toISOString(),
      until: new Date(window.until).toISOString(),
    },
    replayed: seen.length,
    flips: flips.map(({ at: _at, ...f }) => f),
    by_rule: [...byRule.values()].sort((a, b) => b.connections - a.connections),
  };
}
