/**
 * Table mapping (TypeORM EntitySchema, no decorators).
 *
 * One generic `objects` table holds every kind: all kinds share the same
 * lifecycle (name, version, timestamps, a nested body), integrity checks run
 * over the whole model in code anyway, and new kinds or fields then need no
 * schema migration. Bodies are JSON text, which works the same on SQLite
 * and PostgreSQL. `meta` holds the policy generation, the revision and the
 * next rule id; `host_status` the agents' last reports.
 */
import { EntitySchema } from 'typeorm';

export interface ObjectRow {
  id: string;
  kind: string;
  name: string;
  version: number;
  body: string;
  created_at: string;
  updated_at: string;
  /** Rules only: the id the store assigned (cookies, ct_label); unique, kept across renames. Null for other kinds. */
  rule_id: number | null;
}

export interface MetaRow {
  key: string;
  value: string;
}

/** The last report of a host's agent (JSON) and when it came (ms since the epoch). */
export interface HostStatusRow {
  host: string;
  report: string;
  reported_at: string;
}

export const ObjectEntity = new EntitySchema<ObjectRow>({
  name: 'ObjectRow',
  tableName: 'objects',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    kind: { type: 'varchar', length: 32 },
    name: { type: 'varchar', length: 64 },
    version: { type: 'integer' },
    body: { type: 'text' },
    created_at: { type: 'varchar', length: 32 },
    updated_at: { type: 'varchar', length: 32 },
    // Set by an update after the insert: the first migration inserts rows through this mapping, before the column exists.
    rule_id: { type: 'integer', nullable: true, insert: false },
  },
  uniques: [
    { name: 'UQ_objects_kind_name', columns: ['kind', 'name'] },
    { name: 'UQ_objects_rule_id', columns: ['rule_id'] },
  ],
});

export const MetaEntity = new EntitySchema<MetaRow>({
  name: 'MetaRow',
  tableName: 'meta',
  columns: {
    key: { type: 'varchar', length: 64, primary: true },
    value: { type: 'text' },
  },
});

export const HostStatusEntity = new EntitySchema<HostStatusRow>({
  name: 'HostStatusRow',
  tableName: 'host_status',
  columns: {
    host: { type: 'varchar', length: 64, primary: true },
    report: { type: 'text' },
    // bigint comes back as a string from pg; parsed where read.
    reported_at: { type: 'bigint' },
  },
});

/**
 * One aggregated row of observed connections (service/observations/flow-store.ts
 * says how rows aggregate). `key` is a hash of the aggregation key; `seq`
 * orders rows seen in the same millisecond (one report) the way they came.
 * Times are ms since the epoch; `hosts` is a JSON array.
 */
export interface FlowRow {
  key: string;
  seq: number;
  source: string;
  destination: string;
  source_ip: string;
  destination_ip: string;
  source_entity: boolean;
  destination_entity: boolean;
  protocol: string;
  port: number | null;
  verdict: string;
  rule: string | null;
  rule_kind: string | null;
  first_seen: number;
  last_seen: number;
  count: number;
  hosts: string;
}

/** A host's last reported packet and byte counters of one flow cookie. */
export interface CounterRow {
  host: string;
  cookie: string;
  rule: string | null;
  rule_kind: string | null;
  packets: number;
  bytes: number;
}

// bigint columns come back as strings from pg: parsed to numbers on the way in.
const bigint = {
  type: 'bigint' as const,
  transformer: { to: (v: number) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) },
};

export const FlowEntity = new EntitySchema<FlowRow>({
  name: 'FlowRow',
  tableName: 'observed_flows',
  columns: {
    key: { type: 'varchar', length: 64, primary: true },
    seq: bigint,
    source: { type: 'varchar', length: 64 },
    destination: { type: 'varchar', length: 64 },
    source_ip: { type: 'varchar', length: 45 },
    destination_ip: { type: 'varchar', length: 45 },
    source_entity: { type: 'boolean' },
    destination_entity: { type: 'boolean' },
    protocol: { type: 'varchar', length: 16 },
    port: { type: 'integer', nullable: true },
    verdict: { type: 'varchar', length: 16 },
    rule: { type: 'varchar', length: 64, nullable: true },
    rule_kind: { type: 'varchar', length: 16, nullable: true },
    first_seen: bigint,
    last_seen: bigint,
    count: bigint,
    hosts: { type: 'text' },
  },
});

export const CounterEntity = new EntitySchema<CounterRow>({
  name: 'CounterRow',
  tableName: 'rule_counters',
  columns: {
    host: { type: 'varchar', length: 64, primary: true },
    cookie: { type: 'varchar', length: 18, primary: true },
    rule: { type: 'varchar', length: 64, nullable: true },
    rule_kind: { type: 'varchar', length: 16, nullable: true },
    packets: bigint,
    bytes: bigint,
  },
});
