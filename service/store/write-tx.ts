/**
 * The statements a policy write runs inside its transaction, behind one
 * interface with two implementations:
 *
 * - PostgreSQL: TypeORM's EntityManager of the transaction (`ormWriteTx`),
 *   as before; the row lock on meta `revision` and pg_notify stay there.
 * - SQLite: better-sqlite3 statements prepared once on the one connection
 *   TypeORM holds (`SqliteWrites`). Why not TypeORM's own path: every call
 *   through its EntityManager builds its SQL again, wraps the rows in query
 *   runner and subscriber machinery and, for the transaction, a query runner
 *   of its own; a create cost several of those where a user's ten lines run
 *   one prepared statement (BENCHMARKS.md, "API entity create"). A
 *   prepared statement costs microseconds.
 *
 * The schema stays defined once: every statement here is built from the
 * TypeORM metadata of the entities (entities.ts; the migrations create
 * those tables), and test/store/write-tx.test.ts runs both implementations
 * against a migrated database and compares what they wrote.
 */
import type { DataSource, EntityManager, EntityMetadata } from 'typeorm';
import { IsNull, Not } from 'typeorm';
import type { Database, Statement } from 'better-sqlite3';
import { HostStatusEntity, MetaEntity, ObjectEntity, type ObjectRow } from './entities';

/** What a write changes of an object row (the id and kind stay). */
export type ObjectChange = Pick<ObjectRow, 'name' | 'version' | 'body' | 'updated_at'>;

export interface WriteTx {
  /** Every meta row, by key. */
  meta(): Promise<Map<string, string>>;
  setMeta(key: string, value: string): Promise<void>;
  findObject(kind: string, name: string): Promise<ObjectRow | null>;
  /** Inserts the whole row, its rule id included. */
  insertObject(row: ObjectRow): Promise<void>;
  /** Applies `change` to row `id` if it is still at `version`; false when it is not (a stale writer loses). */
  updateObject(id: string, version: number, change: ObjectChange): Promise<boolean>;
  deleteObject(id: string): Promise<void>;
  /** The rule ids in use, ascending. */
  usedRuleIds(): Promise<number[]>;
  deleteStatus(host: string): Promise<void>;
  renameStatus(from: string, to: string): Promise<void>;
}

/** The write statements through TypeORM's EntityManager of an open transaction (PostgreSQL). */
export function ormWriteTx(em: EntityManager): WriteTx {
  return {
    async meta() {
      return new Map((await em.find(MetaEntity)).map((r) => [r.key, r.value]));
    },
    async setMeta(key, value) {
      await em.update(MetaEntity, { key }, { value });
    },
    findObject: (kind, name) => em.findOne(ObjectEntity, { where: { kind, name } }),
    async insertObject(row) {
      // rule_id is not insertable through the mapping (the first migration inserts rows before the column exists).
      await em.insert(ObjectEntity, row);
      if (row.rule_id !== null) await em.update(ObjectEntity, { id: row.id }, { rule_id: row.rule_id });
    },
    async updateObject(id, version, change) {
      const result = await em
        .createQueryBuilder()
        .update(ObjectEntity)
        .set(change)
        .where('id = :id AND version = :version', { id, version })
        .execute();
      return result.affected !== 0;
    },
    async deleteObject(id) {
      await em.delete(ObjectEntity, { id });
    },
    async usedRuleIds() {
      const rows = await em.find(ObjectEntity, {
        select: { rule_id: true },
        where: { rule_id: Not(IsNull()) },
        order: { rule_id: 'ASC' },
      });
      return rows.map((r) => r.rule_id!);
    },
    async deleteStatus(host) {
      await em.delete(HostStatusEntity, { host });
    },
    async renameStatus(from, to) {
      await em.update(HostStatusEntity, { host: from }, { host: to });
    },
  };
}

/** A table's quoted name and its columns' quoted names by property, from the TypeORM metadata. */
function shape(ds: DataSource, entity: Parameters<DataSource['getMetadata']>[0]) {
  const meta: EntityMetadata = ds.getMetadata(entity);
  const q = (name: string) => ds.driver.escape(name);
  const column = (property: string) => {
    const c = meta.findColumnWithPropertyName(property);
    if (!c) throw new Error(`${meta.tableName} has no column for ${property}`);
    return q(c.databaseName);
  };
  return { table: q(meta.tableName), column, properties: meta.columns.map((c) => c.propertyName) };
}

/**
 * The write statements prepared on the SQLite connection of `ds` (a better-sqlite3 DataSource). The store's
 * lock keeps every other statement off the connection while a write's transaction is open.
 */
export class SqliteWrites implements WriteTx {
  private readonly db: Database;
  private readonly s: Record<
    | 'begin'
    | 'commit'
    | 'rollback'
    | 'savepoint'
    | 'release'
    | 'rollbackTo'
    | 'meta'
    | 'setMeta'
    | 'find'
    | 'insert'
    | 'update'
    | 'delete'
    | 'ruleIds'
    | 'deleteStatus'
    | 'renameStatus',
    Statement
  >;

  constructor(ds: DataSource) {
    this.db = (ds.driver as unknown as { databaseConnection: Database }).databaseConnection;
    const o = shape(ds, ObjectEntity);
    const m = shape(ds, MetaEntity);
    const h = shape(ds, HostStatusEntity);
    const all = o.properties.map(o.column).join(', ');
    const prepare = (sql: string) => this.db.prepare(sql);
    this.s = {
      begin: prepare('BEGIN'),
      commit: prepare('COMMIT'),
      rollback: prepare('ROLLBACK'),
      savepoint: prepare('SAVEPOINT one_write'),
      release: prepare('RELEASE one_write'),
      rollbackTo: prepare('ROLLBACK TO one_write'),
      meta: prepare(`SELECT ${m.column('key')} AS key, ${m.column('value')} AS value FROM ${m.table}`),
      setMeta: prepare(`UPDATE ${m.table} SET ${m.column('value')} = @value WHERE ${m.column('key')} = @key`),
      find: prepare(
        `SELECT ${o.properties.map((p) => `${o.column(p)} AS ${p}`).join(', ')} FROM ${o.table} WHERE ${o.column('kind')} = ? AND ${o.column('name')} = ?`,
      ),
      insert: prepare(`INSERT INTO ${o.table} (${all}) VALUES (${o.properties.map((p) => `@${p}`).join(', ')})`),
      update: prepare(
        `UPDATE ${o.table} SET ${(['name', 'version', 'body', 'updated_at'] as const).map((p) => `${o.column(p)} = @${p}`).join(', ')} WHERE ${o.column('id')} = @id AND ${o.column('version')} = @from`,
      ),
      delete: prepare(`DELETE FROM ${o.table} WHERE ${o.column('id')} = ?`),
      ruleIds: prepare(
        `SELECT ${o.column('rule_id')} AS rule_id FROM ${o.table} WHERE ${o.column('rule_id')} IS NOT NULL ORDER BY ${o.column('rule_id')}`,
      ),
      deleteStatus: prepare(`DELETE FROM ${h.table} WHERE ${h.column('host')} = ?`),
      renameStatus: prepare(`UPDATE ${h.table} SET ${h.column('host')} = ? WHERE ${h.column('host')} = ?`),
    };
  }

  /**
   * A group commit's parts (store.ts): one transaction holds several writes, each in a savepoint, so one
   * write's failure undoes its own statements only, and their one COMMIT costs one journal sync.
   */
  begin(): void {
    this.s.begin.run();
  }
  commit(): void {
    this.s.commit.run();
  }
  /** A failed COMMIT (busy, disk full) leaves the transaction open: it must not outlive the write. */
  rollback(): void {
    if (this.db.inTransaction) this.s.rollback.run();
  }
  /** Runs `task` in a savepoint of the open transaction: kept when it resolves, undone when it throws. */
  async savepoint<T>(task: (tx: WriteTx) => Promise<T>): Promise<T> {
    this.s.savepoint.run();
    try {
      const result = await task(this);
      this.s.release.run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) {
        this.s.rollbackTo.run();
        this.s.release.run();
      }
      throw err;
    }
  }

  /** Every meta row, synchronously (reads outside a write take it too: one prepared statement, no ORM). */
  metaNow(): Map<string, string> {
    return new Map((this.s.meta.all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  }

  async meta(): Promise<Map<string, string>> {
    return this.metaNow();
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.s.setMeta.run({ key, value });
  }
  async findObject(kind: string, name: string): Promise<ObjectRow | null> {
    return (this.s.find.get(kind, name) as ObjectRow | undefined) ?? null;
  }
  async insertObject(row: ObjectRow): Promise<void> {
    this.s.insert.run(row);
  }
  async updateObject(id: string, version: number, change: ObjectChange): Promise<boolean> {
    return this.s.update.run({ ...change, id, from: version }).changes > 0;
  }
  async deleteObject(id: string): Promise<void> {
    this.s.delete.run(id);
  }
  async usedRuleIds(): Promise<number[]> {
    return (this.s.ruleIds.all() as { rule_id: number }[]).map((r) => r.rule_id);
  }
  async deleteStatus(host: string): Promise<void> {
    this.s.deleteStatus.run(host);
  }
  async renameStatus(from: string, to: string): Promise<void> {
    this.s.renameStatus.run(to, from);
  }
}
