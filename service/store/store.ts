/**
 * The policy store: CRUD for every kind over TypeORM, integrity and
 * validation through model/validate.ts, optimistic concurrency by version,
 * the policy generation and the agents' host status.
 *
 * Writes are checked against the whole model. A process keeps the model it
 * last read in memory together with the database `revision` it belongs to
 * (every write bumps it). Each write runs in a transaction that first locks
 * the revision row (PostgreSQL: SELECT … FOR UPDATE; SQLite: one writer per
 * file, plus the in-process Mutex), reloads the model if another process
 * changed it, and commits its change and revision together. So several
 * service processes may share one PostgreSQL database.
 */
import { isDeepStrictEqual } from 'node:util';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Value } from '@sinclair/typebox/value';
import { KINDS, type Kind } from '../model/schemas';
import type { PolicySnapshot } from '../model/snapshot';
import { validateChange, validateDelete, type AnyBody, type Bodies, type FieldError, type ModelIndex } from '../model/validate';
import { buildSnapshot } from '../model/load-snapshot';
import { ObjectEntity, MetaEntity, HostStatusEntity, type ObjectRow } from './entities';
import { createDataSource, isPostgresUrl } from './data-source';
import { ServiceError } from './errors';
import { Mutex } from './mutex';
import { DEFAULT_DB_TIMEOUTS, type DbTimeouts } from './pg-client';
import { statusView, type AgentStatusReport, type HostStatusView } from './host-status';

export type StoredObject = Record<string, unknown> & { name: string; id: string; version: number; created_at: string; updated_at: string };

export interface StoreOptions {
  /** A host whose agent has not reported for this long shows as unreachable (default 30 s). */
  agentStaleAfterMs?: number;
  /**
   * How often to look for changes made by other processes sharing the
   * database, to announce new generations (default: 1000 ms on PostgreSQL,
   * off on SQLite, whose file has one service).
   */
  watchIntervalMs?: number;
  /** Bounds on each query and on opening a connection (default 5 s and 2 s). */
  timeouts?: DbTimeouts;
}

export interface WriteOptions {
  /** Aborted: the client gave up; a change not yet committed is not made. */
  signal?: AbortSignal;
}

export interface StoreEvents {
  /** The policy generation changed (a change that can alter enforcement was committed, here or by another process). */
  generation: [generation: number];
  /** Any change committed by this process, including description-only ones. */
  change: [change: { kind: Kind; name: string; action: 'create' | 'update' | 'delete' }];
}

const KIND_NAMES = Object.keys(KINDS) as Kind[];
const emptyModel = (): ModelIndex => Object.fromEntries(KIND_NAMES.map((k) => [k, new Map()])) as unknown as ModelIndex;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

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

interface Meta { generation: number; revision: number }
interface Cache { revision: number; model: ModelIndex; snapshot: PolicySnapshot | null }

export class PolicyStore extends EventEmitter<StoreEvents> {
  private readonly writes = new Mutex();
  private readonly postgres: boolean;
  private readonly staleAfterMs: number | undefined;
  private currentGeneration = 1;
  private cache: Cache | null = null;
  private watcher: NodeJS.Timeout | null = null;
  private readonly timeouts: DbTimeouts;

  private constructor(private readonly ds: DataSource, database: string, options: StoreOptions) {
    super();
    this.timeouts = options.timeouts ?? DEFAULT_DB_TIMEOUTS;
    this.postgres = isPostgresUrl(database);
    this.staleAfterMs = options.agentStaleAfterMs;
    const every = options.watchIntervalMs ?? (this.postgres ? 1000 : 0);
    if (every > 0) {
      this.watcher = setInterval(() => void this.refresh().catch(() => undefined), every);
      this.watcher.unref();
    }
  }

  /** Opens (and migrates) the database: a SQLite path, ':memory:', or a postgres:// URL. */
  static async open(database: string, options: StoreOptions = {}): Promise<PolicyStore> {
    const ds = createDataSource(database, options.timeouts ?? DEFAULT_DB_TIMEOUTS);
    await ds.initialize();
    const store = new PolicyStore(ds, database, options);
    store.currentGeneration = (await store.readMeta(ds.manager)).generation;
    return store;
  }

  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
    if (this.ds.isInitialized) await this.ds.destroy();
  }

  /** The generation as last seen by this process (see `refresh`). */
  generation(): number {
    return this.currentGeneration;
  }

  /** Reads the generation from the database (announcing it if another process moved it) and returns it. */
  async refresh(): Promise<number> {
    this.noteMeta(await this.readMeta(this.ds.manager));
    return this.currentGeneration;
  }

  // ------------------------------------------------------------ reading

  async list(kind: Kind): Promise<StoredObject[]> {
    if (kind === 'host') await this.refresh(); // hosts show the desired generation
    const rows = await this.ds.manager.find(ObjectEntity, { where: { kind } });
    const statuses = kind === 'host' ? await this.readStatuses() : null;
    // Sorted here, not in SQL: collations differ between SQLite and PostgreSQL.
    return rows.sort(byName).map((r) => this.present(kind, r, statuses));
  }

  async get(kind: Kind, name: string): Promise<StoredObject> {
    if (kind === 'host') await this.refresh();
    const row = await this.ds.manager.findOne(ObjectEntity, { where: { kind, name } });
    if (!row) throw this.notFound(kind, name);
    return this.present(kind, row, kind === 'host' ? await this.readStatuses(name) : null);
  }

  /** Every stored object of every kind, with its kind, in one read (export, tests). */
  async listAll(): Promise<{ generation: number; objects: (StoredObject & { kind: Kind })[] }> {
    const rows = await this.ds.manager.find(ObjectEntity);
    const objects = rows.map((r) => ({ ...this.present(r.kind as Kind, r, null), kind: r.kind as Kind }))
      .sort((a, b) => (a.kind + '\0' + a.name < b.kind + '\0' + b.name ? -1 : 1));
    return { generation: (await this.readMeta(this.ds.manager)).generation, objects };
  }

  /** The whole model as stored, with the generation it belongs to. */
  async loadModel(manager: EntityManager = this.ds.manager): Promise<{ generation: number; model: ModelIndex }> {
    const { model, meta } = await this.readModel(manager);
    return { generation: meta.generation, model };
  }

  /** The normalized policy agents and the evaluator use; rebuilt only when the database changed. */
  async getSnapshot(): Promise<PolicySnapshot> {
    const meta = await this.readMeta(this.ds.manager);
    this.noteMeta(meta);
    let cache = this.cache;
    if (!cache || cache.revision !== meta.revision) {
      const fresh = await this.readModel(this.ds.manager);
      cache = this.cache = { revision: fresh.meta.revision, model: fresh.model, snapshot: null };
      this.noteMeta(fresh.meta);
    }
    cache.snapshot ??= buildSnapshot(this.currentGeneration, cache.model);
    return cache.snapshot;
  }

  // ------------------------------------------------------------ writing

  create<K extends Kind>(kind: K, input: Bodies[K], options: WriteOptions = {}): Promise<StoredObject> {
    const body = this.withDefaults(kind, input);
    return this.write(kind, body.name, 'create', options, async (em, model) => {
      if (model[kind].has(body.name)) {
        throw new ServiceError(409, 'already_exists', `${kind} "${body.name}" already exists`, 'name');
      }
      const errors = validateChange(kind, body, null, model);
      if (errors.length > 0) throw toFieldServiceError(errors);
      const now = new Date().toISOString();
      const row: ObjectRow = { id: randomUUID(), kind, name: body.name, version: 1, body: JSON.stringify(body), created_at: now, updated_at: now };
      await em.insert(ObjectEntity, row);
      // A report that raced a delete (another process) may have left a row: a new host starts unreported.
      if (kind === 'host') await em.delete(HostStatusEntity, { host: body.name });
      return { row, bump: true };
    });
  }

  /** Replaces the object `name` with `input` (which may rename it). `expectedVersion` set: 409 unless it is current. */
  replace<K extends Kind>(kind: K, name: string, input: Bodies[K], expectedVersion?: number, options: WriteOptions = {}): Promise<StoredObject> {
    const body = this.withDefaults(kind, input);
    return this.write(kind, name, 'update', options, async (em, model) => {
      const row = await em.findOne(ObjectEntity, { where: { kind, name } });
      if (!row) throw this.notFound(kind, name);
      this.checkVersion(kind, row, expectedVersion);
      if (body.name !== name && model[kind].has(body.name)) {
        throw new ServiceError(409, 'already_exists', `cannot rename to "${body.name}": ${kind} "${body.name}" already exists`, 'name');
      }
      const errors = validateChange(kind, body, name, model);
      if (errors.length > 0) throw toFieldServiceError(errors);
      const before = JSON.parse(row.body) as AnyBody;
      // Replacing an object with what it already holds is no change: same version, same updated_at.
      if (isDeepStrictEqual(before, JSON.parse(JSON.stringify(body)))) return { row, bump: false };
      const updated: ObjectRow = { ...row, name: body.name, version: row.version + 1, body: JSON.stringify(body), updated_at: new Date().toISOString() };
      // The version condition is a second guard: a stale writer loses instead of overwriting.
      const result = await em.createQueryBuilder().update(ObjectEntity)
        .set({ name: updated.name, version: updated.version, body: updated.body, updated_at: updated.updated_at })
        .where('id = :id AND version = :version', { id: row.id, version: row.version })
        .execute();
      if (result.affected === 0) throw this.staleVersion(kind, name, expectedVersion ?? row.version, row.version);
      if (kind === 'host' && body.name !== name) {
        await em.delete(HostStatusEntity, { host: body.name });
        await em.update(HostStatusEntity, { host: name }, { host: body.name });
      }
      return { row: updated, bump: enforced(before) !== enforced(body) };
    });
  }

  async remove(kind: Kind, name: string, expectedVersion?: number, options: WriteOptions = {}): Promise<void> {
    await this.write(kind, name, 'delete', options, async (em, model) => {
      const row = await em.findOne(ObjectEntity, { where: { kind, name } });
      if (!row) throw this.notFound(kind, name);
      this.checkVersion(kind, row, expectedVersion);
      const errors = validateDelete(kind, name, model);
      if (errors.length > 0) throw toFieldServiceError(errors);
      await em.delete(ObjectEntity, { id: row.id });
      if (kind === 'host') await em.delete(HostStatusEntity, { host: name });
      return { row: null, bump: true };
    });
  }

  // -------------------------------------------------------- host status

  /** Records what a host's agent reports; 404 for an unknown host. */
  reportHostStatus(host: string, report: AgentStatusReport): Promise<void> {
    const { realized_generation, flow_count, reachable, last_error, drift_repairs } = report;
    const text = JSON.stringify({ realized_generation, flow_count, reachable, last_error, drift_repairs });
    // Through the write queue: on SQLite all statements share one connection, and must not land inside another write's transaction.
    return this.writes.run(async () => {
      const exists = await this.ds.manager.count(ObjectEntity, { where: { kind: 'host', name: host } });
      if (!exists) throw this.notFound('host', host);
      await this.ds.manager.upsert(HostStatusEntity, { host, report: text, reported_at: String(Date.now()) }, ['host']);
    });
  }

  async hostStatus(host: string): Promise<HostStatusView> {
    return this.statusOf(host, await this.readStatuses(host));
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
    kind: Kind, name: string, action: 'create' | 'update' | 'delete', options: WriteOptions,
    apply: (em: EntityManager, model: ModelIndex) => Promise<{ row: ObjectRow | null; bump: boolean }>,
  ): Promise<StoredObject> {
    const queued = Date.now();
    return this.writes.run(async () => {
      this.checkStillWanted(options, queued);
      const { row, meta, model } = await this.ds.transaction(async (em) => {
        const locked = await this.lockMeta(em);
        // Another process wrote since this one last read: start from the database, not the cache.
        const model = this.cache && this.cache.revision === locked.revision ? this.cache.model : (await this.readModel(em)).model;
        const outcome = await apply(em, model);
        const meta = { generation: locked.generation + (outcome.bump ? 1 : 0), revision: locked.revision + 1 };
        await em.update(MetaEntity, { key: 'revision' }, { value: String(meta.revision) });
        if (outcome.bump) await em.update(MetaEntity, { key: 'generation' }, { value: String(meta.generation) });
        // Last chance before COMMIT: a client that gave up meanwhile gets nothing made.
        this.checkStillWanted(options, null);
        return { row: outcome.row, meta, model };
      });
      // Committed: the model in hand plus this change is the database at the new revision.
      const objects = model[kind] as Map<string, AnyBody>;
      if (action !== 'create') objects.delete(name);
      if (row) objects.set(row.name, JSON.parse(row.body));
      this.cache = { revision: meta.revision, model, snapshot: null };
      this.emit('change', { kind, name: row?.name ?? name, action });
      this.noteMeta(meta);
      if (!row) return undefined as unknown as StoredObject;
      return this.present(kind, row, kind === 'host' ? await this.readStatuses(row.name) : null);
    });
  }

  /** Refuses a write whose client gave up, or that waited behind others longer than a query may take. */
  private checkStillWanted(options: WriteOptions, queued: number | null): void {
    if (options.signal?.aborted) throw new ServiceError(503, 'unavailable', 'the client gave up before the change was committed; nothing was changed');
    if (queued === null) return;
    const waited = Date.now() - queued;
    if (waited > 2 * this.timeouts.queryMs) {
      throw new ServiceError(503, 'unavailable', `the database is busy or unavailable: this change waited ${Math.round(waited / 1000)} s behind others and was not made; retry later`);
    }
  }

  /** Records the generation seen in the database; announces it when it moved forward. */
  private noteMeta(meta: Meta): void {
    // Generations only grow: a late notification of an older one is no news.
    if (meta.generation <= this.currentGeneration) return;
    this.currentGeneration = meta.generation;
    this.emit('generation', meta.generation);
  }

  private async readMeta(manager: EntityManager): Promise<Meta> {
    const rows = await manager.find(MetaEntity);
    const get = (key: string) => Number(rows.find((r) => r.key === key)?.value ?? 0);
    return { generation: get('generation') || 1, revision: get('revision') };
  }

  /** Reads meta under a row lock, so writers of all processes queue here. */
  private async lockMeta(em: EntityManager): Promise<Meta> {
    if (this.postgres) {
      await em.createQueryBuilder(MetaEntity, 'm').setLock('pessimistic_write').where('m.key = :key', { key: 'revision' }).getOne();
    }
    return this.readMeta(em);
  }

  private async readModel(manager: EntityManager): Promise<{ model: ModelIndex; meta: Meta }> {
    const meta = await this.readMeta(manager);
    const rows = await manager.find(ObjectEntity);
    const model = emptyModel();
    for (const r of rows) (model[r.kind as Kind] as Map<string, AnyBody>).set(r.name, JSON.parse(r.body));
    return { model, meta };
  }

  private async readStatuses(host?: string): Promise<Map<string, { report: AgentStatusReport; at: number }>> {
    const rows = await this.ds.manager.find(HostStatusEntity, host === undefined ? {} : { where: { host } });
    return new Map(rows.map((r) => [r.host, { report: JSON.parse(r.report) as AgentStatusReport, at: Number(r.reported_at) }]));
  }

  private statusOf(host: string, statuses: Map<string, { report: AgentStatusReport; at: number }>): HostStatusView {
    const s = statuses.get(host);
    return statusView(s?.report ?? null, s?.at ?? 0, this.currentGeneration, Date.now(), this.staleAfterMs);
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

  private present(kind: Kind, row: ObjectRow, statuses: Map<string, { report: AgentStatusReport; at: number }> | null): StoredObject {
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const obj: StoredObject = { ...body, name: row.name, id: row.id, version: row.version, created_at: row.created_at, updated_at: row.updated_at };
    if (kind === 'host') obj.status = this.statusOf(row.name, statuses ?? new Map());
    return obj;
  }
}
