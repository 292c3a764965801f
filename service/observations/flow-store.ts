/**
 * The aggregated history of observed connections, in memory.
 *
 * One replica of the service holds it; it is not persisted (a restart starts
 * an empty history, agents keep reporting). Bounded two ways: at most
 * `maxEntries` aggregated rows (the least recently seen row is dropped first,
 * and counted in `dropped`), and rows not seen for `retentionMs` expire. The
 * Map's insertion order is kept equal to last-seen order (a row seen again
 * is moved to the end), so both evictions take rows from the front in O(1).
 */
import type { EntityIndex } from './entity-index';
import type { FlowRecord, ObservationReportT } from '../model/observation';
import type { RuleKind, Verdict } from '../model/verdicts';

export interface FlowStoreOptions {
  maxEntries: number;
  retentionMs: number;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

/** A FlowRecord as held, with its times also as epoch ms, so ordering and expiry need no parsing (and answers no formatting). */
type Row = FlowRecord & { first: number; last: number };

export interface FlowFilter {
  rule?: string;
  rule_kind?: RuleKind;
  entity?: string;
  /** Case-insensitive substring of the source or destination (entity name or IP). */
  search?: string;
  /** Rows reported by this host's agent. */
  host?: string;
  /** `Key:Value`: the source or destination entity carries that category value. */
  category?: { key: string; value: string };
  verdict?: Verdict;
  /** ms since the epoch: rows last seen at or after it. */
  since?: number;
  limit?: number;
}

export interface CookieCounter { host: string; cookie: string; rule: string | null; rule_kind: RuleKind | null; packets: number; bytes: number }

export interface IngestResult { rows: number; connections: Record<Verdict, number> }

const MAX_HOSTS_PER_ROW = 32;

export class FlowStore {
  private readonly rows = new Map<string, Row>();
  private readonly counters = new Map<string, Map<string, CookieCounter>>();
  private readonly now: () => number;
  /** Rows dropped because the store was full. */
  dropped = 0;
  /** Rows removed because they were older than the retention. */
  expired = 0;

  constructor(readonly options: FlowStoreOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new Error('flow store: maxEntries must be a positive integer');
    if (!(options.retentionMs > 0)) throw new Error('flow store: retentionMs must be positive');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Adds one agent report; addresses are resolved to entity names with `index`. */
  ingest(host: string, report: ObservationReportT, index: EntityIndex): IngestResult {
    const now = this.now();
    const nowText = new Date(now).toISOString();
    const connections: Record<Verdict, number> = { allow: 0, deny: 0, 'would-deny': 0 };
    for (const c of report.connections) {
      if (c.new === 0 && c.active === 0) continue;
      const src = index.entityOf(c.src);
      const dst = index.entityOf(c.dst);
      const source = src?.name ?? c.src;
      const destination = dst?.name ?? c.dst;
      const ruleKind = c.rule_kind ?? null;
      const key = `${source}\u0000${destination}\u0000${c.protocol}\u0000${c.port}\u0000${c.verdict}\u0000${ruleKind}\u0000${c.rule}`;
      let row = this.rows.get(key);
      if (row) {
        this.rows.delete(key); // re-inserted below: keeps Map order = last-seen order
      } else {
        row = {
          source, destination, source_ip: c.src, destination_ip: c.dst, source_entity: src !== null, destination_entity: dst !== null,
          protocol: c.protocol, port: c.port, verdict: c.verdict, rule: c.rule, rule_kind: ruleKind, first: now, last: now, first_seen: nowText, last_seen: nowText, count: 0, hosts: [],
        };
      }
      row.last = now;
      row.last_seen = nowText;
      row.count += c.new;
      if (!row.hosts.includes(host) && row.hosts.length < MAX_HOSTS_PER_ROW) row.hosts.push(host);
      this.rows.set(key, row);
      if (this.rows.size > this.options.maxEntries) this.dropOldest();
      connections[c.verdict] += c.new;
    }
    if (report.counters) {
      const mine = new Map<string, CookieCounter>();
      for (const k of report.counters) mine.set(k.cookie, { host, cookie: k.cookie, rule: k.rule, rule_kind: k.rule_kind ?? null, packets: k.packets, bytes: k.bytes });
      this.counters.set(host, mine);
    }
    this.evict(now);
    return { rows: report.connections.length, connections };
  }

  /** Rows matching `filter`, most recently seen first. */
  query(filter: FlowFilter, index: EntityIndex | null): FlowRecord[] {
    this.evict(this.now());
    const limit = filter.limit ?? 1000;
    const needle = filter.search?.toLowerCase();
    const out: FlowRecord[] = [];
    const rows = [...this.rows.values()];
    for (let i = rows.length - 1; i >= 0 && out.length < limit; i--) {
      const r = rows[i];
      if (filter.since !== undefined && r.last < filter.since) break; // older from here on
      if (filter.verdict && r.verdict !== filter.verdict) continue;
      if (filter.rule !== undefined && r.rule !== filter.rule) continue;
      if (filter.rule_kind && r.rule_kind !== filter.rule_kind) continue;
      if (filter.entity && r.source !== filter.entity && r.destination !== filter.entity) continue;
      if (needle !== undefined && !matchesSearch(r, needle)) continue;
      if (filter.host !== undefined && !r.hosts.includes(filter.host)) continue;
      if (filter.category && !this.hasCategory(r, filter.category, index)) continue;
      out.push(present(r));
    }
    return out;
  }

  /** Connections per verdict over every row of one rule (no limit), and when it was last seen. */
  ruleTotals(rule: string, kind: RuleKind): { connections: Record<Verdict, number>; last_seen: string | null } {
    this.evict(this.now());
    const connections: Record<Verdict, number> = { allow: 0, deny: 0, 'would-deny': 0 };
    let last = -Infinity;
    for (const r of this.rows.values()) {
      if (r.rule !== rule || r.rule_kind !== kind) continue;
      connections[r.verdict] += r.count;
      if (r.last > last) last = r.last;
    }
    return { connections, last_seen: last === -Infinity ? null : new Date(last).toISOString() };
  }

  /** Per-cookie counters of the rule, summed over hosts. */
  ruleCounters(rule: string, kind: RuleKind): { packets: number; bytes: number; by_host: CookieCounter[] } {
    let packets = 0;
    let bytes = 0;
    const byHost: CookieCounter[] = [];
    for (const perHost of this.counters.values()) {
      for (const c of perHost.values()) {
        if (c.rule !== rule || (c.rule_kind !== null && c.rule_kind !== kind)) continue;
        packets += c.packets;
        bytes += c.bytes;
        byHost.push(c);
      }
    }
    return { packets, bytes, by_host: byHost };
  }

  private hasCategory(r: Row, cat: { key: string; value: string }, index: EntityIndex | null): boolean {
    if (!index) return false;
    const has = (name: string, isEntity: boolean) => isEntity && index.entity(name)?.categories[cat.key] === cat.value;
    return has(r.source, r.source_entity) || has(r.destination, r.destination_entity);
  }

  private evict(now: number): void {
    const horizon = now - this.options.retentionMs;
    for (const [key, row] of this.rows) {
      if (row.last >= horizon) break;
      this.rows.delete(key);
      this.expired++;
    }
    while (this.rows.size > this.options.maxEntries) this.dropOldest();
  }

  private dropOldest(): void {
    const oldest = this.rows.keys().next().value as string;
    this.rows.delete(oldest);
    this.dropped++;
  }
}

function matchesSearch(r: Row, needle: string): boolean {
  return [r.source, r.destination, r.source_ip, r.destination_ip].some((s) => s.toLowerCase().includes(needle));
}

function present(r: Row): FlowRecord {
  return {
    source: r.source, destination: r.destination, source_ip: r.source_ip, destination_ip: r.destination_ip,
    source_entity: r.source_entity, destination_entity: r.destination_entity, protocol: r.protocol, port: r.port,
    verdict: r.verdict, rule: r.rule, rule_kind: r.rule_kind, first_seen: r.first_seen, last_seen: r.last_seen, count: r.count, hosts: [...r.hosts],
  };
}
