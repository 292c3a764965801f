/**
 * The policy store: CRUD for every kind over TypeORM, integrity and
 * validation through model/validate.ts, optimistic concurrency by version,
 * and the policy generation. Writes run one at a time (Mutex) inside a
 * database transaction, so each is checked against a consistent model.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Value } from '@sinclair/typebox/value';
import { KINDS, type Kind } from '../model/schemas';
import type { PolicySnapshot } from '../model/snapshot';
import { validateChange, validateDelete, type AnyBody, type Bodies, type FieldError, type ModelIndex } from '../model/validate';
import { buildSnapshot } from '../model/load-snapshot';
import { ObjectEntity, MetaEntity, type ObjectRow } from './entities';
import { createDataSource } from './data-source';
import { ServiceError } from './errors';
import { Mutex } from './mutex';
import { HostStatusBoard, type AgentStatusReport, type HostStatusView } from './host-status';

export type StoredObject = Record<string, unknown> & { name: string; id: string; version: number; created_at: string; updated_at: string };

export interface StoreOptions {
  /** A host whose agent has not reported for this long shows as unreachable (default 30 s). */
  agentStaleAfterMs?: number;
}

export interface StoreEvents {
  /** The policy generation changed (a change that can alter enforcement was committed). */
  generation: [generation: number];
  /** Any committed change, including description-only ones. */
  change: [change: { kind: Kind; name: string; action: 'create' | 'update' | 'delete' }];
}

const KIND_NAMES = Object.keys(KINDS) as Kind[];
const emptyModel = (): ModelIndex => Object.fromEntries(KIND_NAMES.map((k) => [k, new Map()])) as unknown as ModelIndex;

/** The part of a body that can alter enforcement: everything but the description. */
function enforced(body: AnyBody): string {
  const { description: _ignored, ...rest } = body as AnyBody & { description?: string };
  return JSON.stringify(rest);
}

function toFieldServiceError(errors: FieldError[]): ServiceError {
  const [first, ...rest] = errors;
  const status = first.status ?? 422;
  return new ServiceError(status, first.code ?? 'invalid', first.message, first.field, rest.map(({ field, message }) => ({ field, message })));
}

export class PolicyStore extends EventEmitter<StoreEvents> {
  private readonly writes = new Mutex();
  private readonly status: HostStatusBoard;
  private currentGeneration = 1;
  private snapshotCache: PolicySnapshot | null = null;
  /**
   * The model as committed, kept in memory so a write need not re-read every
   * row: this process is the only writer of its database (one service per
   * database), and the cache changes only after a commit.
   */
  private modelCache: ModelIndex | null = null;

  private constructor(private readonly ds: DataSource, options: StoreOptions) {
    super();
    this.status = new HostStatusBoard(options.agentStaleAfterMs);
  }

  /** Opens (and migrates) the database: a SQLite path, ':memory:', or a postgres:// URL. */
  static async open(database: string, options: StoreOptions = {}): Promise<PolicyStore> {
    const ds = createDataSource(database);
    await ds.initialize();
    const store = new PolicyStore(ds, options);
    store.currentGeneration = await store.readGeneration(ds.manager);
    return store;
  }

  async close(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }

  generation(): number {
    return this.currentGeneration;
  }

  // ------------------------------------------------------------ reading

  async list(kind: Kind): Promise<StoredObject[]> {
    const rows = await this.ds.manager.find(ObjectEntity, { where: { kind } });
    // Sorted here, not in SQL: collations differ between SQLite and PostgreSQL.
    return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((r) => this.present(kind, r));
  }

  async get(kind: Kind, name: string): Promise<StoredObject> {
    const row = await this.ds.manager.findOne(ObjectEntity, { where: { kind, name } });
    if (!row) throw this.notFound(kind, name);
    return this.present(kind, row);
  }

  /** Every stored object of every kind, with its kind, in one read (export, tests). */
  async listAll(): Promise<{ generation: number; objects: (StoredObject & { kind: Kind })[] }> {
    const rows = await this.ds.manager.find(ObjectEntity);
    const objects = rows.map((r) => ({ ...this.present(r.kind as Kind, r), kind: r.kind as Kind }))
      .sort((a, b) => (a.kind + '\0' + a.name < b.kind + '\0' + b.name ? -1 : 1));
    return { generation: await this.readGeneration(this.ds.manager), objects };
  }

  /** The whole model as stored, with the generation it belongs to. */
  async loadModel(manager: EntityManager = this.ds.manager): Promise<{ generation: number; model: ModelIndex }> {
    const rows = await manager.find(ObjectEntity);
    const model = emptyModel();
    for (const r of rows) (model[r.kind as Kind] as Map<string, AnyBody>).set(r.name, JSON.parse(r.body));
    return { generation: await this.readGeneration(manager), model };
  }

  /** The normalized policy agents and the evaluator use; cached until the next write. */
  async getSnapshot(): Promise<PolicySnapshot> {
    if (this.snapshotCache) return this.snapshotCache;
    const model = this.modelCache ?? (this.modelCache = (await this.loadModel()).model);
    const snapshot = buildSnapshot(this.currentGeneration, model);
    this.snapshotCache = snapshot;
    return snapshot;
  }

  // ------------------------------------------------------------ writing

  create<K extends Kind>(kind: K, input: Bodies[K]): Promise<StoredObject> {
    const body = this.withDefaults(kind, input);
    return this.write(kind, body.name, 'create', async (em, model) => {
      if (model[kind].has(body.name)) {
        throw new ServiceError(409, 'already_exists', `${kind} "${body.name}" already exists`, 'name');
      }
      const errors = validateChange(kind, body, null, model);
      if (errors.length > 0) throw toFieldServiceError(errors);
      const now = new Date().toISOString();
      const row: ObjectRow = { id: randomUUID(), kind, name: body.name, version: 1, body: JSON.stringify(body), created_at: now, updated_at: now };
      await em.insert(ObjectEntity, row);
      return { row, bump: true };
    });
  }

  /** Replaces the object `name` with `input` (which may rename it). `expectedVersion` set: 409 unless it is current. */
  replace<K extends Kind>(kind: K, name: string, input: Bodies[K], expectedVersion?: number): Promise<StoredObject> {
    const body = this.withDefaults(kind, input);
    return this.write(kind, name, 'update', async (em, model) => {
      const row = await em.findOne(ObjectEntity, { where: { kind, name } });
      if (!row) throw this.notFound(kind, name);
      this.checkVersion(kind, row, expectedVersion);
      if (body.name !== name && model[kind].has(body.name)) {
        throw new ServiceError(409, 'already_exists', `cannot rename to "${body.name}": ${kind} "${body.name}" already exists`, 'name');
      }
      const errors = validateChange(kind, body, name, model);
      if (errors.length > 0) throw toFieldServiceError(errors);
      const before = JSON.parse(row.body) as AnyBody;
      const updated: ObjectRow = { ...row, name: body.name, version: row.version + 1, body: JSON.stringify(body), updated_at: new Date().toISOString() };
      // The version condition makes a concurrent writer (another process) lose instead of overwriting.
      const result = await em.createQueryBuilder().update(ObjectEntity)
        .set({ name: updated.name, version: updated.version, body: updated.body, updated_at: updated.updated_at })
        .where('id = :id AND version = :version', { id: row.id, version: row.version })
        .execute();
      if (result.affected === 0) throw this.staleVersion(kind, name, expectedVersion ?? row.version, row.version);
      if (kind === 'host' && body.name !== name) this.status.rename(name, body.name);
      return { row: updated, bump: enforced(before) !== enforced(body) };
    });
  }

  async remove(kind: Kind, name: string, expectedVersion?: number): Promise<void> {
    await this.write(kind, name, 'delete', async (em, model) => {
      const row = await em.findOne(ObjectEntity, { where: { kind, name } });
      if (!row) throw this.notFound(kind, name);
      this.checkVersion(kind, row, expectedVersion);
      const errors = validateDelete(kind, name, model);
      if (errors.length > 0) throw toFieldServiceError(errors);
      await em.delete(ObjectEntity, { id: row.id });
      if (kind === 'host') this.status.forget(name);
      return { row: null, bump: true };
    });
  }

  // -------------------------------------------------------- host status

  /** Records what a host's agent reports; 404 for an unknown host. */
  async reportHostStatus(host: string, report: AgentStatusReport): Promise<void> {
    const exists = await this.ds.manager.count(ObjectEntity, { where: { kind: 'host', name: host } });
    if (!exists) throw this.notFound('host', host);
    this.status.report(host, report);
  }

  hostStatus(host: string): HostStatusView {
    return this.status.view(host, this.currentGeneration);
  }

  /** Calls `listener` with each new generation; returns the unsubscribe function. */
  onGeneration(listener: (generation: number) => void): () => void {
    this.on('generation', listener);
    return () => this.off('generation', listener);
  }

  // ------------------------------------------------------------ internals

  private withDefaults<K extends Kind>(kind: K, input: Bodies[K]): Bodies[K] {
    return Value.Default(KINDS[kind].input, structuredClone(input)) as Bodies[K];
  }

  private async write(
    kind: Kind, name: string, action: 'create' | 'update' | 'delete',
    apply: (em: EntityManager, model: ModelIndex) => Promise<{ row: ObjectRow | null; bump: boolean }>,
  ): Promise<StoredObject> {
    return this.writes.run(async () => {
      const model = this.modelCache ?? (this.modelCache = (await this.loadModel()).model);
      const { row, bump, generation } = await this.ds.transaction(async (em) => {
        const current = await this.readGeneration(em);
        const outcome = await apply(em, model);
        const next = outcome.bump ? current + 1 : current;
        if (outcome.bump) await em.update(MetaEntity, { key: 'generation' }, { value: String(next) });
        return { ...outcome, generation: next };
      });
      // Committed: bring the cached model up to date.
      const objects = model[kind] as Map<string, AnyBody>;
      if (action !== 'create') objects.delete(name);
      if (row) objects.set(row.name, JSON.parse(row.body));
      this.snapshotCache = null;
      const bumped = generation !== this.currentGeneration;
      this.currentGeneration = generation;
      this.emit('change', { kind, name: row?.name ?? name, action });
      if (bumped) this.emit('generation', generation);
      return row ? this.present(kind, row) : (undefined as unknown as StoredObject);
    });
  }

  private async readGeneration(manager: EntityManager): Promise<number> {
    const meta = await manager.findOne(MetaEntity, { where: { key: 'generation' } });
    return meta ? Number(meta.value) : 1;
  }

  private checkVersion(kind: Kind, row: ObjectRow, expected: number | undefined): void {
    if (expected !== undefined && expected !== row.version) throw this.staleVersion(kind, row.name, expected, row.version);
  }

  private staleVersion(kind: Kind, name: string, expected: number, actual: number): ServiceError {
    return new ServiceError(409, 'version_conflict', `${kind} "${name}" is at version ${actual}, not ${expected}: it changed since you read it; read it again and retry`, 'version');
  }

  private notFound(kind: Kind, name: string): ServiceError {
    return new ServiceError(404, 'not_found', `${kind} "${name}" does not exist`, 'name');
  }

  private present(kind: Kind, row: ObjectRow): StoredObject {
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const obj: StoredObject = { ...body, name: row.name, id: row.id, version: row.version, created_at: row.created_at, updated_at: row.updated_at };
    if (kind === 'host') obj.status = this.hostStatus(row.name);
    return obj;
  }
}
