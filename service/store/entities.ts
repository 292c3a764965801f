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

export interface MetaRow { key: string; value: string }

/** The last report of a host's agent (JSON) and when it came (ms since the epoch). */
export interface HostStatusRow { host: string; report: string; reported_at: string }

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
  uniques: [{ name: 'UQ_objects_kind_name', columns: ['kind', 'name'] }, { name: 'UQ_objects_rule_id', columns: ['rule_id'] }],
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
