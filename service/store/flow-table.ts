/**
 * The observed-connection history in the database (tables observed_flows and
 * rule_counters), shared by every process on it. This layer only stores:
 * how connections aggregate into rows is service/observations/flow-store.ts.
 *
 * A report is applied in one transaction: read the rows it touches, write
 * them back merged, replace the host's counters, then enforce the bounds
 * (rows unseen for the retention expire; beyond `maxEntries` the least
 * recently seen go first) and count what was removed. Reports are
 * serialized: on PostgreSQL by a row lock on meta `flows_seq`, so two
 * replicas never merge the same row at once; on SQLite by the store's lock.
 */
import { In, type DataSource, type EntityManager } from 'typeorm';
import { CounterEntity, FlowEntity, MetaEntity, type CounterRow, type FlowRow } from './entities';
import { ReadWriteLock } from './mutex';

export type { FlowRow, CounterRow };

export interface FlowBounds {
  now: number;
  retentionMs: number;
  maxEntries: number;
}

// Rows per statement: 17 columns × 500 stays far below both databases' bound on parameters.
const CHUNK = 500;
const chunks = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

const FLOW_COLUMNS = [
  'key',
  'seq',
  'source',
  'destination',
  'source_ip',
  'destination_ip',
  'source_entity',
  'destination_entity',
  'protocol',
  'port',
  'verdict',
  'rule',
  'rule_kind',
  'first_seen',
  'last_seen',
  'count',
  'hosts',
] as const;
const COUNTER_COLUMNS = ['host', 'cookie', 'rule', 'rule_kind', 'packets', 'bytes'] as const;
const quoted = (cols: readonly string[]) => cols.map((c) => `"${c}"`).join(', ');

/** A row as either driver returns it: pg gives bigints as strings, SQLite booleans as 0/1. */
function flowFromRaw(r: Record<string, unknown>): FlowRow {
  return {
    key: r.key as string,
    seq: Number(r.seq),
    source: r.source as string,
    destination: r.destination as string,
    source_ip: r.source_ip as string,
    destination_ip: r.destination_ip as string,
    source_entity: r.source_entity === true || r.source_entity === 1,
    destination_entity: r.destination_entity === true || r.destination_entity === 1,
    protocol: r.protocol as string,
    port: r.port === null ? null : Number(r.port),
    verdict: r.verdict as string,
    rule: (r.rule as string | null) ?? null,
    rule_kind: (r.rule_kind as string | null) ?? null,
    first_seen: Number(r.first_seen),
    last_seen: Number(r.last_seen),
    count: Number(r.count),
    hosts: r.hosts as string,
  };
}

/**
 * Raw SQL on the hot paths (a report may carry 20,000 connections): TypeORM's
 * entity layer costs ≈ 0.4 ms a row there, plain statements a tenth of that.
 */
export class FlowTable {
  constructor(
    private readonly ds: DataSource,
    private readonly postgres: boolean,
    private readonly lock: ReadWriteLock,
  ) {}

  /**
   * Applies one report: `merge` gets the stored rows of `keys` and returns the
   * rows to store (their `seq` is assigned here, in the order given).
   * `counters` (if any) replace what `host` reported before.
   */
  ingest(
    keys: string[],
    merge: (stored: Map<string, FlowRow>) => Omit<FlowRow, 'seq'>[],
    host: string,
    counters: Omit<CounterRow, 'host'>[] | null,
    bounds: FlowBounds,
  ): Promise<void> {
    return this.lock.write(() =>
      this.ds.transaction(async (em) => {
        const meta = await this.lockMeta(em);
        const stored = new Map<string, FlowRow>();
        for (const part of chunks(keys)) {
          for (const raw of await em.query(
            `SELECT * FROM observed_flows WHERE "key" IN (${this.params(part.length)})`,
            part,
          )) {
            const row = flowFromRaw(raw);
            stored.set(row.key, row);
          }
        }
        const rows = merge(stored).map((r, i) => ({ ...r, seq: meta.seq + i + 1 }));
        await this.deleteKeys(
          em,
          rows.map((r) => r.key).filter((k) => stored.has(k)),
        );
        await this.insert(
          em,
          'observed_flows',
          FLOW_COLUMNS,
          rows.map((r) => FLOW_COLUMNS.map((c) => (typeof r[c] === 'boolean' ? (r[c] ? 1 : 0) : r[c]))),
        );
        if (counters) {
          await em.query(`DELETE FROM rule_counters WHERE host = ${this.param(1)}`, [host]);
          await this.insert(
            em,
            'rule_counters',
            COUNTER_COLUMNS,
            counters.map((c) => [host, c.cookie, c.rule, c.rule_kind, c.packets, c.bytes]),
          );
        }
        const expired = await this.deleteWhere(em, 'last_seen < :horizon', {
          horizon: bounds.now - bounds.retentionMs,
        });
        const over = (await em.count(FlowEntity)) - bounds.maxEntries;
        let dropped = 0;
        if (over > 0) {
          const oldest = await em
            .createQueryBuilder(FlowEntity, 'f')
            .select('f.key', 'key')
            .orderBy('f.last_seen', 'ASC')
            .addOrderBy('f.seq', 'ASC')
            .limit(over)
            .getRawMany<{ key: string }>();
          await this.deleteKeys(
            em,
            oldest.map((o) => o.key),
          );
          dropped = oldest.length;
        }
        await this.setMeta(em, 'flows_seq', meta.seq + rows.length);
        if (expired) await this.setMeta(em, 'flows_expired', meta.expired + expired);
        if (dropped) await this.setMeta(em, 'flows_dropped', meta.dropped + dropped);
      }),
    );
  }

  /** Every row, most recently seen first. */
  all(): Promise<FlowRow[]> {
    return this.read(async () =>
      (
        (await this.ds.manager.query('SELECT * FROM observed_flows ORDER BY last_seen DESC, seq DESC')) as Record<
          string,
          unknown
        >[]
      ).map(flowFromRaw),
    );
  }

  /** Changes whenever a report stored rows (by any process): a copy of `all()` taken at the same version is current. */
  version(): Promise<number> {
    return this.read(async () => (await this.readMeta(this.ds.manager)).seq);
  }

  /** Every host's counters of cookies naming `rule`. */
  counters(rule: string): Promise<CounterRow[]> {
    return this.read(() => this.ds.manager.find(CounterEntity, { where: { rule } }));
  }

  /** How many rows were dropped (history full) and expired so far. */
  removed(): Promise<{ dropped: number; expired: number }> {
    return this.read(async () => {
      const meta = await this.readMeta(this.ds.manager);
      return { dropped: meta.dropped, expired: meta.expired };
    });
  }

  // On SQLite every statement shares one connection: reads wait for open write transactions (see mutex.ts).
  private read<T>(task: () => Promise<T>): Promise<T> {
    return this.postgres ? task() : this.lock.read(task);
  }

  private async lockMeta(em: EntityManager): Promise<{ seq: number; dropped: number; expired: number }> {
    if (this.postgres)
      await em
        .createQueryBuilder(MetaEntity, 'm')
        .setLock('pessimistic_write')
        .where('m.key = :key', { key: 'flows_seq' })
        .getOne();
    return this.readMeta(em);
  }

  private async readMeta(em: EntityManager): Promise<{ seq: number; dropped: number; expired: number }> {
    const rows = await em.find(MetaEntity, { where: { key: In(['flows_seq', 'flows_dropped', 'flows_expired']) } });
    const get = (key: string) => Number(rows.find((r) => r.key === key)?.value ?? 0);
    return { seq: get('flows_seq'), dropped: get('flows_dropped'), expired: get('flows_expired') };
  }

  private async setMeta(em: EntityManager, key: string, value: number): Promise<void> {
    await em.update(MetaEntity, { key }, { value: String(value) });
  }

  private param(i: number): string {
    return this.postgres ? `$${i}` : '?';
  }

  private params(count: number, from = 1): string {
    return Array.from({ length: count }, (_, i) => this.param(from + i)).join(', ');
  }

  private async deleteKeys(em: EntityManager, keys: string[]): Promise<void> {
    for (const part of chunks(keys))
      await em.query(`DELETE FROM observed_flows WHERE "key" IN (${this.params(part.length)})`, part);
  }

  private async insert(em: EntityManager, table: string, columns: readonly string[], rows: unknown[][]): Promise<void> {
    for (const part of chunks(rows)) {
      const tuples = part.map((_, i) => `(${this.params(columns.length, i * columns.length + 1)})`).join(', ');
      await em.query(`INSERT INTO ${table} (${quoted(columns)}) VALUES ${tuples}`, part.flat());
    }
  }

  private async deleteWhere(em: EntityManager, where: string, params: Record<string, unknown>): Promise<number> {
    const result = await em.createQueryBuilder().delete().from(FlowEntity).where(where, params).execute();
    return result.affected ?? 0;
  }
}
