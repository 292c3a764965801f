/**
 * The aggregated history of observed connections, kept in the database
 * (service/store/flow-table.ts), so every replica answers from the same
 * history and a restart keeps it.
 *
 * Connections aggregate into one row per (source, destination, protocol,
 * port, verdict, rule kind, rule), addresses resolved to entity names; a row
 * keeps first/last seen, the connections counted and the reporting hosts.
 * Bounded two ways: at most `maxEntries` rows (the least recently seen row is
 * dropped first, and counted in `dropped`), and rows not seen for
 * `retentionMs` expire.
 */
import { createHash } from 'node:crypto';
import type { EntityIndex } from './entity-index';
import type { FlowRecord, ObservationReportT } from '../model/observation';
import type { RuleKind, Verdict } from '../model/verdicts';
import type { FlowRow, FlowTable } from '../store/flow-table';

export interface FlowStoreOptions {
  maxEntries: number;
  retentionMs: number;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

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

export interface CookieCounter {
  host: string;
  cookie: string;
  rule: string | null;
  rule_kind: RuleKind | null;
  packets: number;
  bytes: number;
}

export interface IngestResult {
  rows: number;
  connections: Record<Verdict, number>;
}

export interface FlowStats {
  entries: number;
  max_entries: number;
  retention_seconds: number;
  dropped: number;
  expired: number;
}

const MAX_HOSTS_PER_ROW = 32;

/** A row as held here: hosts as an array. */
type Row = Omit<FlowRow, 'seq' | 'hosts'> & { hosts: string[] };

export class FlowStore {
  private readonly now: () => number;
  private held: { version: number; rows: Held[] } | null = null;

  constructor(
    private readonly table: FlowTable,
    readonly options: FlowStoreOptions,
  ) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new Error('flow store: maxEntries must be a positive integer');
    if (!(options.retentionMs > 0)) throw new Error('flow store: retentionMs must be positive');
    this.now = options.now ?? Date.now;
  }

  /** Adds one agent report; addresses are resolved to entity names with `index`. */
  async ingest(host: string, report: ObservationReportT, index: EntityIndex): Promise<IngestResult> {
    const now = this.now();
    const connections: Record<Verdict, number> = { allow: 0, deny: 0, 'would-deny': 0 };
    // The report's connections by row, in the order they came: the last seen is the most recent.
    const seen = new Map<string, { base: Row; added: number }>();
    for (const c of report.connections) {
      if (c.new === 0 && c.active === 0) continue;
      const src = index.entityOf(c.src);
      const dst = index.entityOf(c.dst);
      const source = src?.name ?? c.src;
      const destination = dst?.name ?? c.dst;
      const ruleKind = c.rule_kind ?? null;
      const key = createHash('sha256')
        .update(
          `${source}\u0000${destination}\u0000${c.protocol}\u0000${c.port}\u0000${c.verdict}\u0000${ruleKind}\u0000${c.rule}`,
        )
        .digest('hex');
      const prior = seen.get(key);
      if (prior) seen.delete(key); // re-inserted below: keeps Map order = last-seen order
      seen.set(key, {
        base: prior?.base ?? {
          key,
          source,
          destination,
          source_ip: c.src,
          destination_ip: c.dst,
          source_entity: src !== null,
          destination_entity: dst !== null,
          protocol: c.protocol,
          port: c.port,
          verdict: c.verdict,
          rule: c.rule,
          rule_kind: ruleKind,
          first_seen: now,
          last_seen: now,
          count: 0,
          hosts: [],
        },
        added: (prior?.added ?? 0) + c.new,
      });
      connections[c.verdict] += c.new;
    }
    const counters =
      report.counters?.map((k) => ({
        cookie: k.cookie,
        rule: k.rule,
        rule_kind: k.rule_kind ?? null,
        packets: k.packets,
        bytes: k.bytes,
      })) ?? null;
    await this.table.ingest(
      [...seen.keys()],
      (stored) =>
        [...seen.values()].map(({ base, added }) => {
          const was = stored.get(base.key);
          const hosts: string[] = was ? JSON.parse(was.hosts) : [];
          if (!hosts.includes(host) && hosts.length < MAX_HOSTS_PER_ROW) hosts.push(host);
          const { seq: _seq, ...kept } = was ?? { ...base, seq: 0 };
          return { ...kept, last_seen: now, count: kept.count + added, hosts: JSON.stringify(hosts) };
        }),
      host,
      counters,
      { now, retentionMs: this.options.retentionMs, maxEntries: this.options.maxEntries },
    );
    return { rows: report.connections.length, connections };
  }

  /** Rows matching `filter`, most recently seen first. */
  async query(filter: FlowFilter, index: EntityIndex | null): Promise<FlowRecord[]> {
    const limit = filter.limit ?? 1000;
    const needle = filter.search?.toLowerCase();
    const since = Math.max(filter.since ?? -Infinity, this.horizon());
    const out: FlowRecord[] = [];
    for (const r of await this.rows()) {
      if (out.length >= limit || r.last_seen < since) break; // older from here on
      if (filter.verdict && r.verdict !== filter.verdict) continue;
      if (filter.rule !== undefined && r.rule !== filter.rule) continue;
      if (filter.rule_kind && r.rule_kind !== filter.rule_kind) continue;
      if (filter.entity && r.source !== filter.entity && r.destination !== filter.entity) continue;
      if (needle !== undefined && !matchesSearch(r, needle)) continue;
      if (filter.host !== undefined && !r.hosts.includes(filter.host)) continue;
      if (filter.category && !hasCategory(r, filter.category, index)) continue;
      out.push(r.record);
    }
    return out;
  }

  /** Connections per verdict over every row of one rule (no limit), and when it was last seen. */
  async ruleTotals(
    rule: string,
    kind: RuleKind,
  ): Promise<{ connections: Record<Verdict, number>; last_seen: string | null }> {
    const connections: Record<Verdict, number> = { allow: 0, deny: 0, 'would-deny': 0 };
    const horizon = this.horizon();
    let last: string | null = null;
    for (const r of await this.rows()) {
      if (r.last_seen < horizon) break;
      if (r.rule !== rule || r.rule_kind !== kind) continue;
      connections[r.verdict as Verdict] += r.count;
      last ??= r.record.last_seen; // newest first
    }
    return { connections, last_seen: last };
  }

  /** Per-cookie counters of the rule, summed over hosts. */
  async ruleCounters(
    rule: string,
    kind: RuleKind,
  ): Promise<{ packets: number; bytes: number; by_host: CookieCounter[] }> {
    let packets = 0;
    let bytes = 0;
    const byHost: CookieCounter[] = [];
    for (const c of await this.table.counters(rule)) {
      if (c.rule_kind !== null && c.rule_kind !== kind) continue;
      packets += c.packets;
      bytes += c.bytes;
      byHost.push({
        host: c.host,
        cookie: c.cookie,
        rule: c.rule,
        rule_kind: c.rule_kind as RuleKind | null,
        packets: c.packets,
        bytes: c.bytes,
      });
    }
    return { packets, bytes, by_host: byHost };
  }

  /** Rows held, the bounds, and how many rows were dropped and expired so far (by every replica). */
  async stats(): Promise<FlowStats> {
    const horizon = this.horizon();
    const rows = await this.rows();
    let entries = 0;
    while (entries < rows.length && rows[entries].last_seen >= horizon) entries++;
    const { dropped, expired } = await this.table.removed();
    return {
      entries,
      max_entries: this.options.maxEntries,
      retention_seconds: this.options.retentionMs / 1000,
      dropped,
      expired,
    };
  }

  /** Rows last seen before this have expired, even if no report removed them yet. */
  private horizon(): number {
    return this.now() - this.options.retentionMs;
  }

  /**
   * Every stored row, newest first, as answers need it. Reading and shaping
   * 50,000 rows takes a while, so they are kept until the table's version
   * moves (a report stored rows, through any process).
   */
  private async rows(): Promise<Held[]> {
    const version = await this.table.version();
    if (this.held?.version !== version) this.held = { version, rows: (await this.table.all()).map(hold) };
    return this.held.rows;
  }
}

/** A stored row with its hosts parsed and its answer shaped once. */
type Held = Row & { record: FlowRecord };

function hold(stored: FlowRow): Held {
  const { seq: _seq, hosts, ...rest } = stored;
  const r: Row = { ...rest, hosts: JSON.parse(hosts) as string[] };
  return { ...r, record: present(r) };
}

function hasCategory(r: Row, cat: { key: string; value: string }, index: EntityIndex | null): boolean {
  if (!index) return false;
  const has = (name: string, isEntity: boolean) => isEntity && index.entity(name)?.categories[cat.key] === cat.value;
  return has(r.source, r.source_entity) || has(r.destination, r.destination_entity);
}

function matchesSearch(r: Row, needle: string): boolean {
  return [r.source, r.destination, r.source_ip, r.destination_ip].some((s) => s.toLowerCase().includes(needle));
}

function present(r: Row): FlowRecord {
  return {
    source: r.source,
    destination: r.destination,
    source_ip: r.source_ip,
    destination_ip: r.destination_ip,
    source_entity: r.source_entity,
    destination_entity: r.destination_entity,
    protocol: r.protocol,
    port: r.port,
    verdict: r.verdict as Verdict,
    rule: r.rule,
    rule_kind: r.rule_kind as RuleKind | null,
    first_seen: new Date(r.first_seen).toISOString(),
    last_seen: new Date(r.last_seen).toISOString(),
    count: r.count,
    hosts: [...r.hosts],
  };
}
