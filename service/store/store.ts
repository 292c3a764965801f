/**
 * The policy store: CRUD for every kind over TypeORM, integrity and
 * validation through model/validate.ts, optimistic concurrency by version,
 * the policy generation and the agents' host status.
 *
 * Writes are checked against the whole model, through its indexes
 * (model/indexes.ts: uniqueness and references cost what a write touches).
 * A process keeps the model it last read in memory, indexed, together with
 * the database `revision` it belongs to
 * (every write bumps it). Each write runs in a transaction that first locks
 * the revision row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the
 * in-process ReadWriteLock), reloads the model if another process changed
 * it, and commits its change and revision together. So several service
 * processes may share one PostgreSQL database; a SQLite file has one
 * process (sqlite-lock.ts refuses a second).
 *
 * With the model the process keeps its PolicySnapshot and the hosts' spans
 * (model/span.ts), both updated by each change rather than rebuilt: a write
 * replaces its objects copy-on-write and learns from the span which hosts it
 * touches (the `Microseg-Affected-Hosts` of the API, whose desired generation
 * it becomes). A model reloaded because another process wrote is diffed
 * against the one held, so unchanged objects keep their identity there too.
 * Each host's view is served as a stream (`viewAnswer`): the whole view, or
 * what changed since the generation the agent holds, from a bounded log of
 * the span's deltas for that host.
 */
import { byName } from '../model/verdicts';
import { isDeepStrictEqual } from 'node:util';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ormWriteTx, SqliteWrites, type WriteTx } from './write-tx';
import { Value } from '@sinclair/typebox/value';
import { KINDS, type Kind } from '../model/schemas';
import { RULE_MODEL_KINDS, type PolicySnapshot, type RuleModelKind } from '../model/snapshot';
import {
  validateChange,
  validateDelete,
  type AnyBody,
  type Bodies,
  type FieldError,
  type ModelIndex,
} from '../model/validate';
import { IndexedModel } from '../model/indexes';
import { buildSnapshot, LIST_OF, normalize, withObjects, type RuleIdOf } from '../model/load-snapshot';
import { Span, type SpanChange } from '../model/span';
import { composeDeltas, type ViewAnswer, type ViewDelta } from '../model/view-delta';
import { RENAMABLE, renameReferences, type RenamableKind } from '../model/rename';
import { In } from 'typeorm';
import { ObjectEntity, MetaEntity, HostStatusEntity, type ObjectRow } from './entities';
import { createDataSource, isPostgresUrl } from './data-source';
import { DomainError } from '../model/errors';
import { ReadWriteLock } from './mutex';
import { FlowTable } from './flow-table';
import { DEFAULT_DB_TIMEOUTS, type DbTimeouts } from './pg-client';
import { lockSqliteFile, type SqliteFileLock } from './sqlite-lock';
import { GENERATION_CHANNEL, listenForGenerations, type GenerationListener } from './pg-listener';
import { DEFAULT_STALE_AFTER_MS, STATUS_BATCH_MS, statusRefreshMs, statusView, type StatusWrites } from './host-status';
import type { AgentStatusReport, HostStatus } from '../model/host-status';

export type StoredObject = Record<string, unknown> & {
  name: string;
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
};

export interface StoreOptions {
  /** A host whose agent has not reported for this long shows as unreachable (default 30 s). */
  agentStaleAfterMs?: number;
  /** Bounds on each query and on opening a connection (default 5 s and 2 s). */
  timeouts?: DbTimeouts;
}

/** What a write asks of its caller's signal (an AbortSignal is one). */
export interface WriteSignal {
  readonly aborted: boolean;
}

export interface WriteOptions {
  /** Aborted: the client gave up; a change not yet committed is not made. */
  signal?: WriteSignal;
  /** Filled in with what the write did beyond its object (the API answers it in headers). */
  outcome?: WriteOutcome;
}

export interface StoreEvents {
  /** The policy generation changed (a change that can alter enforcement was committed, here or by another process). */
  generation: [generation: number];
  /** Any change committed by this process, including description-only ones. */
  change: [change: { kind: Kind; name: string; action: 'create' | 'update' | 'delete' }];
  /** These hosts' views moved to `generation` (a change here, or one another process made, once this one read it). */
  views: [generation: number, hosts: string[]];
}

/** How many deltas of each host's view are kept: an agent further behind gets the whole view. */
export const VIEW_LOG_LENGTH = 64;

const KIND_NAMES = Object.keys(KINDS) as Kind[];
const emptyModel = (): ModelIndex => Object.fromEntries(KIND_NAMES.map((k) => [k, new Map()])) as unknown as ModelIndex;

/** The part of a body that can alter enforcement: everything but the description. */
function enforced(body: AnyBody): string {
  const { description: _ignored, ...rest } = body as AnyBody & { description?: string };
  return JSON.stringify(rest);
}

function toDomainError(errors: FieldError[]): DomainError {
  const [first, ...rest] = errors;
  return new DomainError(
    first.code ?? 'invalid',
    first.message,
    first.field,
    rest.map(({ field, message }) => ({ field, message })),
  );
}

function metaOf(rows: Map<string, string>): Meta {
  return { generation: Number(rows.get('generation') ?? 0) || 1, revision: Number(rows.get('revision') ?? 0) };
}

/** What a write did beyond its object. */
export interface WriteOutcome {
  /** The policy generation after the write. */
  generation: number;
  /** The hosts whose policy the write can alter; empty when it changes nothing enforced. */
  hosts: string[];
}

/** GET /v1/status: the generation and every host's status, by host name. */
export interface Overview {
  generation: number;
  hosts: { name: string; status: HostStatus }[];
}

/** What one write's transaction did, for the cache and the outcome. */
interface Applied {
  row: ObjectRow | null;
  bump: boolean;
  /** The object's body before the write (null for a create). */
  before: AnyBody | null;
  /** Other objects the write rewrote (references to a renamed object). */
  also?: { kind: Kind; row: ObjectRow }[];
}

/** One write as the store runs it (`write`). */
interface StagedWrite {
  kind: Kind;
  name: string;
  action: 'create' | 'update' | 'delete';
  options: WriteOptions;
  apply: (tx: WriteTx, model: IndexedModel) => Promise<Applied>;
  /** When it was asked for (a write that waited too long is refused). */
  queued: number;
}
/** What a write's statements did (`stage`), and the hosts its change touches (`remember`). */
interface WriteDone {
  row: ObjectRow | null;
  meta: Meta;
  model: IndexedModel;
  ruleIds: Map<string, number>;
  /** undefined: no change the snapshot holds (no generation bump). */
  before: AnyBody | null | undefined;
  also: { kind: Kind; row: ObjectRow }[];
  hosts: string[];
}
/** A write waiting for its group's commit (SQLite). */
interface GroupJob {
  staged: StagedWrite;
  resolve: (o: StoredObject) => void;
  reject: (e: unknown) => void;
}

/** How many changes the snapshot may hold unmade (see `Cache.pending`). */
const PENDING_MAX = 4096;
/**
 * How many writes one SQLite group commit takes at most: reads wait for the group (they take the lock), so a
 * steady stream of writers must not hold them off; Terraform's 10 concurrent creates fit many times over.
 */
const GROUP_MAX = 32;

interface Meta {
  generation: number;
  revision: number;
}
/** ruleIds: "kind:name" → the rule's id (names cannot hold ':'). */
interface Cache {
  revision: number;
  view: IndexedModel;
  ruleIds: Map<string, number>;
  /** The snapshot as last read; `pending` the changes since, made when it is read next (a write copies no list). */
  snapshot: PolicySnapshot;
  /** `hosts`: whether a pending change is a host's (else the snapshot's host list is current as it is). */
  pending: { generation: number; changes: SpanChange[]; hosts: boolean } | null;
  span: Span;
}
/**
 * One followed host's view: the span's deltas since its agent first asked (oldest first, at most
 * VIEW_LOG_LENGTH), and the whole view as last served (built again only once the view moved).
 */
interface Feed {
  log: ViewDelta[];
  full: PolicySnapshot | null;
}
const idsOf =
  (ruleIds: Map<string, number>): RuleIdOf =>
  (kind, name) =>
    ruleIds.get(`${kind}:${name}`)!;

const isRuleKind = (kind: Kind): kind is RuleModelKind => (RULE_MODEL_KINDS as readonly string[]).includes(kind);
/** Rule ids fit PostgreSQL's integer (cookies and ct_label have 32 bits for them); 0 means "no rule". */
export const MAX_RULE_ID = 0x7fffffff;

export class PolicyStore extends EventEmitter<StoreEvents> {
  private readonly lock = new ReadWriteLock();
  private readonly postgres: boolean;
  private readonly staleAfterMs: number | undefined;
  private currentGeneration = 1;
  private cache: Cache | null = null;
  private readonly feeds = new Map<string, Feed>();
  /**
   * SQLite only (one process owns the file, so what this process committed is the database): every object as
   * answered, by kind and name, and every host's last report. Reads are served from them, without a query.
   */
  private objects: Map<Kind, Map<string, StoredObject>> | null = null;
  private statuses: Map<string, { report: AgentStatusReport; at: number }> | null = null;
  /** SQLite: the last overview, good while the generation and the reports stay and no host turns silent. */
  private lastOverview: { generation: number; statusVersion: number; until: number; value: Overview } | null = null;
  /** Counts changes of `statuses` and of the host set. */
  private statusVersion = 0;
  /** Reports to write and what was written, per host (host-status.ts: when a report reaches the database). */
  private readonly statusWrites: StatusWrites = { pending: new Map(), written: new Map(), latest: new Map() };
  /** SQLite: the batch write of the pending reports, when one is due. */
  private statusFlush: { timer: NodeJS.Timeout; due: number } | null = null;
  /** PostgreSQL: hears the generations other processes commit. */
  private listener: GenerationListener | null = null;
  private readonly timeouts: DbTimeouts;
  /** SQLite: the write statements, prepared once on the connection (write-tx.ts says why). */
  private readonly sqlite: SqliteWrites | null;
  /** SQLite: writes waiting to join a group commit, and whether one runs (`commitGroup`). */
  private readonly groupQueue: GroupJob[] = [];
  private grouping = false;
  /** The observed-connection history (service/observations/flow-store.ts aggregates into it). */
  readonly flows: FlowTable;

  private constructor(
    private readonly ds: DataSource,
    database: string,
    options: StoreOptions,
    private readonly fileLock: SqliteFileLock | null,
  ) {
    super();
    this.timeouts = options.timeouts ?? DEFAULT_DB_TIMEOUTS;
    this.postgres = isPostgresUrl(database);
    this.sqlite = this.postgres ? null : new SqliteWrites(ds);
    // Its own lock on PostgreSQL (observations do not wait for policy writes); the one connection's lock on SQLite.
    this.flows = new FlowTable(ds, this.postgres, this.postgres ? new ReadWriteLock() : this.lock);
    this.staleAfterMs = options.agentStaleAfterMs;
    if (this.postgres) {
      this.listener = listenForGenerations(
        database,
        this.timeouts,
        // Another process committed: read its change now, so the hosts it touches hear of it.
        (g) => {
          this.noteMeta({ generation: g });
          void this.refresh().catch(() => undefined);
        },
        () => void this.refresh().catch(() => undefined),
      );
    }
  }

  /** Opens (and migrates) the database: a SQLite path, ':memory:', or a postgres:// URL. */
  static async open(database: string, options: StoreOptions = {}): Promise<PolicyStore> {
    // The lock first: a refused second process must not even run the migrations.
    const fileLock = isPostgresUrl(database) || database === ':memory:' ? null : lockSqliteFile(database);
    const ds = createDataSource(database, options.timeouts ?? DEFAULT_DB_TIMEOUTS);
    try {
      await ds.initialize();
    } catch (err) {
      fileLock?.release();
      throw err;
    }
    const store = new PolicyStore(ds, database, options, fileLock);
    // Listening first: a generation committed meanwhile is then either read here or heard.
    await store.listener?.ready;
    store.noteMeta(await store.readMeta(ds.manager));
    return store;
  }

  async close(): Promise<void> {
    // What cannot be written now is lost with the process: the agents report again to the next one.
    await this.flushStatuses().catch(() => undefined);
    await this.listener?.close();
    this.listener = null;
    if (this.ds.isInitialized) await this.ds.destroy();
    this.fileLock?.release();
  }

  /** The generation as last seen by this process (see `refresh`). */
  generation(): number {
    return this.currentGeneration;
  }

  /** Reads the generation from the database (announcing it if another process moved it) and returns it. */
  refresh(): Promise<number> {
    return this.read(() => this.refreshNow());
  }

  /**
   * What /healthz reports: the database answers a query, then the generation. `refresh` alone does not
   * prove that on SQLite, where a read is served from the cache once the file was read.
   */
  health(): Promise<number> {
    return this.read(async () => {
      await this.ds.query('SELECT 1');
      return this.refreshNow();
    });
  }

  // ------------------------------------------------------------ reading

  list(kind: Kind): Promise<StoredObject[]> {
    return this.read(async () => {
      if (kind === 'host') await this.refreshNow(); // hosts show the desired generation
      const rows = await this.ds.manager.find(ObjectEntity, { where: { kind } });
      const statuses = kind === 'host' ? await this.readStatuses() : null;
      // Sorted here, not in SQL: collations differ between SQLite and PostgreSQL.
      return rows.sort(byName).map((r) => this.present(kind, r, statuses));
    });
  }

  get(kind: Kind, name: string): Promise<StoredObject> {
    return this.read(async () => {
      if (!this.postgres && kind !== 'host') {
        const obj = (await this.objectsNow(kind)).get(name);
        if (!obj) throw this.notFound(kind, name);
        return obj;
      }
      if (kind === 'host') await this.refreshNow();
      const row = await this.ds.manager.findOne(ObjectEntity, { where: { kind, name } });
      if (!row) throw this.notFound(kind, name);
      return this.present(kind, row, kind === 'host' ? await this.readStatuses(name) : null);
    });
  }

  /** The object whose id is `id` (ids survive renames). */
  getById(kind: Kind, id: string): Promise<StoredObject> {
    return this.read(async () => {
      if (kind === 'host') await this.refreshNow();
      const row = await this.ds.manager.findOne(ObjectEntity, { where: { kind, id } });
      if (!row) throw new DomainError('not_found', `there is no ${kind.replace(/_/g, ' ')} with id "${id}"`, 'id');
      return this.present(kind, row, kind === 'host' ? await this.readStatuses(row.name) : null);
    });
  }

  /** The objects of `kind` whose ids are among `ids`, in one query; ids of no object are left out. */
  getByIds(kind: Kind, ids: string[]): Promise<StoredObject[]> {
    return this.read(async () => {
      if (ids.length === 0) return [];
      if (kind === 'host') await this.refreshNow();
      const rows = await this.ds.manager.find(ObjectEntity, { where: { kind, id: In(ids) } });
      const out: StoredObject[] = [];
      for (const r of rows.sort(byName))
        out.push(this.present(kind, r, kind === 'host' ? await this.readStatuses(r.name) : null));
      return out;
    });
  }

  /** Every stored object of every kind, with its kind, in one read (export, tests). */
  listAll(): Promise<{ generation: number; objects: (StoredObject & { kind: Kind })[] }> {
    return this.read(async () => {
      const rows = await this.ds.manager.find(ObjectEntity);
      const objects = rows
        .map((r) => ({ ...this.present(r.kind as Kind, r, null), kind: r.kind as Kind }))
        .sort((a, b) => (a.kind + '\0' + a.name < b.kind + '\0' + b.name ? -1 : 1));
      return { generation: (await this.readMeta(this.ds.manager)).generation, objects };
    });
  }

  /** The whole model as stored, with the generation it belongs to. */
  loadModel(): Promise<{ generation: number; model: ModelIndex }> {
    return this.read(async () => {
      const { model, meta } = await this.readModel(this.ds.manager);
      return { generation: meta.generation, model };
    });
  }

  /** The normalized policy the evaluator uses (and embedded tooling); kept up to date by each change. */
  getSnapshot(): Promise<PolicySnapshot> {
    return this.read(async () => this.snapshotOf(await this.current()));
  }

  /**
   * The snapshot's hosts: which hosts there are and where their Open vSwitch is (the embedded agents look after
   * every write). Without making the snapshot's other pending changes, which copies whole lists.
   */
  getSnapshotHosts(): Promise<PolicySnapshot['hosts']> {
    return this.read(async () => {
      const cache = await this.current();
      return cache.pending?.hosts ? this.snapshotOf(cache).hosts : cache.snapshot.hosts;
    });
  }

  /** The last generation that changed `host`'s view (the host's desired generation). */
  desiredGeneration(host: string): number {
    return this.cache?.span.desiredGeneration(host) ?? this.currentGeneration;
  }

  /**
   * Host `host`'s view for its agent: what changed since generation `since` (the agent's resume point), or the
   * whole view (`full`) when `since` is null, unknown here (another process served it, this one restarted) or
   * older than the log keeps. 404 for an unknown host.
   */
  viewAnswer(host: string, since: number | null): Promise<ViewAnswer> {
    return this.read(async () => {
      const cache = await this.current();
      if (!cache.view.objects.host.has(host)) throw this.notFound('host', host);
      const at = cache.span.desiredGeneration(host);
      let feed = this.feeds.get(host);
      if (!feed) this.feeds.set(host, (feed = { log: [], full: null }));
      if (since === at) return { full: false, since, generation: at, upsert: {}, remove: {} };
      const from = since === null ? -1 : feed.log.findIndex((d) => d.since === since);
      if (from >= 0) return { full: false, ...feed.log.slice(from).reduce(composeDeltas) };
      if (feed.full?.generation !== at) feed.full = cache.span.view(host);
      return { full: true, view: feed.full };
    });
  }

  // ------------------------------------------------------------ writing

  create<K extends Kind>(kind: K, input: Bodies[K], options: WriteOptions = {}): Promise<StoredObject> {
    const body = this.withDefaults(kind, input);
    return this.write(kind, body.name, 'create', options, async (tx, model) => {
      if (model.objects[kind].has(body.name)) {
        throw new DomainError('already_exists', `${kind} "${body.name}" already exists`, 'name');
      }
      const errors = validateChange(kind, body, null, model);
      if (errors.length > 0) throw toDomainError(errors);
      const now = new Date().toISOString();
      const rule_id = isRuleKind(kind) ? await this.allocateRuleId(tx) : null;
      const row: ObjectRow = {
        id: randomUUID(),
        kind,
        name: body.name,
        version: 1,
        body: JSON.stringify(body),
        created_at: now,
        updated_at: now,
        rule_id,
      };
      await tx.insertObject(row);
      // A report that raced a delete (another process) may have left a row: a new host starts unreported.
      if (kind === 'host') await tx.deleteStatus(body.name);
      return { row, bump: true, before: null };
    });
  }

  /**
   * Replaces the object `name` with `input` (which may rename it). `expectedVersion` set: 409 unless it is current.
   * Renaming a category, address group or service group renames every reference to it in the same transaction.
   */
  replace<K extends Kind>(
    kind: K,
    name: string,
    input: Bodies[K],
    expectedVersion?: number,
    options: WriteOptions = {},
  ): Promise<StoredObject> {
    const body = this.withDefaults(kind, input);
    return this.write(kind, name, 'update', options, async (tx, model) => {
      const row = await tx.findObject(kind, name);
      if (!row) throw this.notFound(kind, name);
      this.checkVersion(kind, row, expectedVersion);
      if (body.name !== name && model.objects[kind].has(body.name)) {
        throw new DomainError(
          'already_exists',
          `cannot rename to "${body.name}": ${kind} "${body.name}" already exists`,
          'name',
        );
      }
      const errors = validateChange(kind, body, name, model);
      if (errors.length > 0) throw toDomainError(errors);
      const before = JSON.parse(row.body) as AnyBody;
      // Replacing an object with what it already holds is no change: same version, same updated_at.
      if (isDeepStrictEqual(before, JSON.parse(JSON.stringify(body)))) return { row, bump: false, before };
      const updated: ObjectRow = {
        ...row,
        name: body.name,
        version: row.version + 1,
        body: JSON.stringify(body),
        updated_at: new Date().toISOString(),
      };
      // The version condition is a second guard: a stale writer loses instead of overwriting.
      const { name: newName, version, body: text, updated_at } = updated;
      if (!(await tx.updateObject(row.id, row.version, { name: newName, version, body: text, updated_at })))
        throw this.staleVersion(kind, name, expectedVersion ?? row.version, row.version);
      if (kind === 'host' && body.name !== name) {
        await tx.deleteStatus(body.name);
        await tx.renameStatus(name, body.name);
      }
      const also =
        body.name !== name && RENAMABLE.has(kind)
          ? await this.renameReferences(tx, model, kind as RenamableKind, name, body.name)
          : [];
      return { row: updated, bump: enforced(before) !== enforced(body), before, also };
    });
  }

  async remove(kind: Kind, name: string, expectedVersion?: number, options: WriteOptions = {}): Promise<void> {
    await this.write(kind, name, 'delete', options, async (tx, model) => {
      const row = await tx.findObject(kind, name);
      if (!row) throw this.notFound(kind, name);
      this.checkVersion(kind, row, expectedVersion);
      const errors = validateDelete(kind, name, model);
      if (errors.length > 0) throw toDomainError(errors);
      await tx.deleteObject(row.id);
      if (kind === 'host') await tx.deleteStatus(name);
      return { row: null, bump: true, before: JSON.parse(row.body) as AnyBody };
    });
  }

  // -------------------------------------------------------- host status

  /**
   * Records what a host's agent reports; 404 for an unknown host, 422 for a generation the service
   * never published (it would count the host as realized for ever). Held in memory at once; written
   * to the database when it changed (SQLite: batched, one transaction per STATUS_BATCH_MS; PostgreSQL:
   * at once, other processes read it there), an unchanged one only every statusRefreshMs (its time).
   */
  reportHostStatus(host: string, report: AgentStatusReport): Promise<void> {
    const { realized_generation, flow_count, reachable, last_error, drift_repairs, notice = null } = report;
    const { verified_generation = null, verify_disagreements = [] } = report;
    const text = JSON.stringify({
      realized_generation,
      flow_count,
      reachable,
      last_error,
      drift_repairs,
      notice,
      verified_generation,
      verify_disagreements,
    });
    return this.read(async () => {
      // SQLite: this process's memory is the database (one process owns the file); no query.
      const exists = this.postgres
        ? await this.ds.manager.count(ObjectEntity, { where: { kind: 'host', name: host } })
        : (await this.objectsNow('host')).has(host);
      if (!exists) throw this.notFound('host', host);
      const generation = this.postgres ? (await this.readMeta(this.ds.manager)).generation : this.currentGeneration;
      if (realized_generation !== null && realized_generation > generation) {
        throw new DomainError(
          'invalid',
          `realized_generation ${realized_generation} is above the policy generation ${generation}: an agent can only realize a generation the service published`,
          'realized_generation',
        );
      }
      const at = Date.now();
      this.statuses?.set(host, { report: JSON.parse(text) as AgentStatusReport, at });
      this.statusVersion++;
      this.statusWrites.latest.set(host, { text, at });
      const written = this.statusWrites.written.get(host);
      const changed = written?.text !== text;
      if (!changed && at - written.at < statusRefreshMs(this.staleAfterMs)) return;
      this.statusWrites.pending.set(host, { text, at });
      if (this.postgres && changed) return this.flushStatuses();
      // Unchanged: due for its time; written with the others that fall due meanwhile.
      this.scheduleStatusFlush(changed ? STATUS_BATCH_MS : statusRefreshMs(this.staleAfterMs) / 2);
    });
  }

  private scheduleStatusFlush(delayMs: number): void {
    const due = Date.now() + delayMs;
    if (this.statusFlush && this.statusFlush.due <= due) return;
    if (this.statusFlush) clearTimeout(this.statusFlush.timer);
    const timer = setTimeout(() => {
      this.statusFlush = null;
      // A failed write keeps its reports pending for the next one.
      void this.flushStatuses().catch(() => this.scheduleStatusFlush(STATUS_BATCH_MS));
    }, delayMs);
    timer.unref();
    this.statusFlush = { timer, due };
  }

  /** Writes every pending report in one transaction (those of hosts deleted meanwhile go with them). */
  private async flushStatuses(): Promise<void> {
    const { pending, written } = this.statusWrites;
    if (this.statusFlush) clearTimeout(this.statusFlush.timer);
    this.statusFlush = null;
    if (pending.size === 0) return;
    // A write: on SQLite all statements share one connection, and must not land inside another write's transaction.
    await this.lock.write(async () => {
      if (!this.ds.isInitialized) return;
      // Taken under the lock: a host write that ran meanwhile moved or dropped reports (a renamed host's is
      // pending under its new name, and would stay unwritten if this batch still held the old one).
      const batch = [...pending];
      const names = batch.map(([host]) => host);
      const hosts = this.postgres
        ? new Set(
            (
              await this.ds.manager.find(ObjectEntity, {
                select: { name: true },
                where: { kind: 'host', name: In(names) },
              })
            ).map((r) => r.name),
          )
        : await this.objectsNow('host');
      // Not one of a host gone (PostgreSQL: another process deleted or renamed it), nor one a newer report replaced.
      const current = batch.filter(([host, r]) => hosts.has(host) && pending.get(host) === r);
      const rows = current.map(([host, r]) => ({ host, report: r.text, reported_at: String(r.at) }));
      await this.ds.transaction(async (em) => {
        for (let i = 0; i < rows.length; i += 200) await em.upsert(HostStatusEntity, rows.slice(i, i + 200), ['host']);
      });
      for (const [host, r] of current) {
        // A newer report that came meanwhile stays pending.
        if (pending.get(host) === r) pending.delete(host);
        written.set(host, r);
      }
    });
  }

  /** The generation and every host's status, by host name (GET /v1/status). */
  /** The same object while nothing it shows changed (SQLite), so callers may keep what they made of it. */
  overview(): Promise<Overview> {
    return this.read(async () => {
      const last = this.lastOverview;
      if (
        !this.postgres &&
        last &&
        last.generation === this.currentGeneration &&
        last.statusVersion === this.statusVersion &&
        Date.now() <= last.until
      )
        return last.value;
      let hosts: { name: string }[];
      let statuses: Map<string, { report: AgentStatusReport; at: number }>;
      if (this.postgres) {
        await this.refreshNow();
        hosts = await this.ds.manager.find(ObjectEntity, { select: { name: true }, where: { kind: 'host' } });
        statuses = await this.readStatuses();
      } else {
        hosts = [...(await this.objectsNow('host')).values()];
        statuses = this.statuses ??= await this.readStatuses();
      }
      const value = {
        generation: this.currentGeneration,
        hosts: hosts.sort(byName).map(({ name }) => ({ name, status: this.statusOf(name, statuses) })),
      };
      if (!this.postgres) {
        // Until the first reporting agent that is still fresh turns silent (then its host shows unreachable).
        const now = Date.now();
        const staleAfter = this.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
        let until = Infinity;
        for (const { at } of statuses.values()) if (at + staleAfter >= now) until = Math.min(until, at + staleAfter);
        this.lastOverview = { generation: value.generation, statusVersion: this.statusVersion, until, value };
      }
      return value;
    });
  }

  hostStatus(host: string): Promise<HostStatus> {
    return this.read(async () => this.statusOf(host, await this.readStatuses(host)));
  }

  /** Calls `listener` with each new generation; returns the unsubscribe function. */
  onGeneration(listener: (generation: number) => void): () => void {
    this.on('generation', listener);
    return () => this.off('generation', listener);
  }

  // ------------------------------------------------------------ internals

  /**
   * Runs a read. SQLite: under the lock, so it never runs inside a write's
   * open transaction on the shared connection and sees only committed data.
   * PostgreSQL: each query takes its own pooled connection, so reads run freely.
   */
  private read<T>(task: () => Promise<T>): Promise<T> {
    return this.postgres ? task() : this.lock.read(task);
  }

  /** Reads the generation, and the model when another process changed it (host status shows desired generations). */
  private async refreshNow(): Promise<number> {
    await this.current();
    return this.currentGeneration;
  }

  /** The cache, brought up to the database's revision first if another process moved it. */
  private async current(): Promise<Cache> {
    // SQLite: one process owns the file (sqlite-lock.ts), so once read the cache is the database.
    if (this.sqlite && this.cache) return this.cache;
    const meta = await this.readMeta(this.ds.manager);
    if (!this.cache || this.cache.revision !== meta.revision) {
      const fresh = await this.readModel(this.ds.manager);
      // PostgreSQL reads take no lock, but adopt() edits the model in place: a write of this process that
      // committed (its own NOTIFY brings a refresh here at once) still holds that model until it applied its change.
      if (this.postgres) await this.lock.read(async () => this.adopt(fresh));
      else this.adopt(fresh);
    }
    this.noteMeta(meta);
    return this.cache!;
  }

  /**
   * Makes `fresh` (read from the database) the cache: built whole the first time, else diffed against the
   * model held so that only the objects that differ are new, and the hosts they touch hear of it.
   */
  private adopt(fresh: { model: ModelIndex; ruleIds: Map<string, number>; meta: Meta }): void {
    const { model, ruleIds, meta } = fresh;
    const old = this.cache;
    if (!old) {
      const snapshot = buildSnapshot(meta.generation, model, idsOf(ruleIds));
      this.cache = {
        revision: meta.revision,
        view: IndexedModel.of(model),
        ruleIds,
        snapshot,
        pending: null,
        span: new Span(snapshot),
      };
      this.noteMeta(meta);
      return;
    }
    // A read that started before a newer one finished is no news (PostgreSQL reads run side by side).
    if (meta.revision < old.revision) return;
    const changes: SpanChange[] = [];
    const oldIds = idsOf(old.ruleIds);
    const newIds = idsOf(ruleIds);
    for (const kind of KIND_NAMES) {
      const was = old.view.objects[kind] as Map<string, AnyBody>;
      const now = model[kind] as Map<string, AnyBody>;
      for (const name of new Set([...was.keys(), ...now.keys()])) {
        const a = was.get(name);
        const b = now.get(name);
        const before = a ? normalize(kind, a, oldIds) : null;
        const after = b ? normalize(kind, b, newIds) : null;
        if (JSON.stringify(before) !== JSON.stringify(after)) changes.push({ list: LIST_OF[kind], before, after });
        // In place, so a write holding this model (its transaction) sees the same one.
        if (!b) old.view.delete(kind, name);
        else if (!a || JSON.stringify(a) !== JSON.stringify(b)) old.view.set(kind, name, b as never);
      }
    }
    old.revision = meta.revision;
    old.ruleIds.clear();
    for (const [k, id] of ruleIds) old.ruleIds.set(k, id);
    const hosts = this.applyChanges(old, changes, meta.generation);
    this.noteMeta(meta);
    if (hosts.length) this.emit('views', meta.generation, hosts);
  }

  /** The cache's snapshot with its pending changes made. */
  private snapshotOf(cache: Cache): PolicySnapshot {
    if (cache.pending) {
      cache.snapshot = { ...withObjects(cache.snapshot, cache.pending.changes), generation: cache.pending.generation };
      cache.pending = null;
    }
    return cache.snapshot;
  }

  /**
   * Puts `changes` into the cache's pending snapshot changes and span at `generation`, and each followed view's
   * delta into its feed; the hosts they touch.
   */
  private applyChanges(cache: Cache, changes: SpanChange[], generation: number): string[] {
    if (!cache.pending) cache.pending = { generation, changes: [], hosts: false };
    cache.pending.generation = generation;
    cache.pending.changes.push(...changes);
    cache.pending.hosts ||= changes.some((c) => c.list === 'hosts');
    // Unread for long: made now, so the changes held stay bounded (one list copy per PENDING_MAX changes).
    if (cache.pending.changes.length >= PENDING_MAX) this.snapshotOf(cache);
    const deltas = new Map<string, ViewDelta>();
    // Only the followed views keep deltas (a feed is made when an agent first asks for its view).
    const hosts = cache.span.apply({ generation }, changes, deltas, (h) => this.feeds.has(h));
    for (const [host, delta] of deltas) {
      const feed = this.feeds.get(host);
      if (!feed) continue;
      feed.log.push(delta);
      if (feed.log.length > VIEW_LOG_LENGTH) feed.log.shift();
    }
    // A host gone takes its feed along: one made again under its name starts over.
    const gone = new Set<string>();
    for (const c of changes)
      if (c.list === 'hosts') {
        if (c.before) gone.add(c.before.name);
        if (c.after) gone.delete(c.after.name);
      }
    for (const name of gone) this.feeds.delete(name);
    return hosts;
  }

  private withDefaults<K extends Kind>(kind: K, input: Bodies[K]): Bodies[K] {
    return Value.Default(KINDS[kind].input, structuredClone(input)) as Bodies[K];
  }

  /** Rewrites, in the write's transaction, every object that refers to `from` of `kind` so that it refers to `to`. */
  private async renameReferences(
    tx: WriteTx,
    model: IndexedModel,
    kind: RenamableKind,
    from: string,
    to: string,
  ): Promise<{ kind: Kind; row: ObjectRow }[]> {
    const out: { kind: Kind; row: ObjectRow }[] = [];
    const now = new Date().toISOString();
    for (const user of model.usersOf(kind, from)) {
      const userBody = (model.objects[user.kind] as Map<string, AnyBody>).get(user.name)!;
      const renamed = renameReferences(userBody, kind, from, to);
      if (!renamed) continue;
      const row = await tx.findObject(user.kind, user.name);
      if (!row) continue;
      const updated: ObjectRow = { ...row, version: row.version + 1, body: JSON.stringify(renamed), updated_at: now };
      // The meta lock serializes writers, so the version read above is still the row's.
      await tx.updateObject(row.id, row.version, {
        name: row.name,
        version: updated.version,
        body: updated.body,
        updated_at: now,
      });
      out.push({ kind: user.kind, row: updated });
    }
    return out;
  }

  /**
   * Runs one write: its statements (`apply`) in a transaction, then the model, span and views updated, then
   * its events. SQLite: writes that arrive together share one transaction (`commitGroup`).
   */
  private write(
    kind: Kind,
    name: string,
    action: 'create' | 'update' | 'delete',
    options: WriteOptions,
    apply: (tx: WriteTx, model: IndexedModel) => Promise<Applied>,
  ): Promise<StoredObject> {
    const queued = Date.now();
    const staged: StagedWrite = { kind, name, action, options, apply, queued };
    if (this.sqlite) {
      const sqlite = this.sqlite;
      return new Promise((resolve, reject) => {
        this.groupQueue.push({ staged, resolve, reject });
        if (this.groupQueue.length === 1 && !this.grouping) void this.lock.write(() => this.commitGroup(sqlite));
      });
    }
    return this.lock.write(async () => {
      this.checkStillWanted(options, queued);
      const done = await this.ds.transaction((em) => this.stage(staged, ormWriteTx(em), em));
      this.remember(staged, done);
      return this.announce(staged, done);
    });
  }

  /**
   * SQLite group commit: the queued writes run one after another in one transaction, each in a savepoint (a
   * write that fails undoes only its own statements and gets its own error), and commit together once no
   * other write is waiting or GROUP_MAX joined. Each is answered, and its events go out, only after that COMMIT: the lock is held
   * throughout, so no read sees what is not committed. One turn of the event loop before the COMMIT lets the
   * requests that arrived meanwhile join: concurrent writers share one journal sync instead of queueing one
   * sync each (Terraform creates 10 at a time). Each write still checks against the model as the writes
   * before it left it, and bumps the generation and revision by itself.
   */
  private async commitGroup(sqlite: SqliteWrites): Promise<void> {
    this.grouping = true;
    const done: { job: GroupJob; result: WriteDone }[] = [];
    try {
      if (!this.cache) await this.current(); // the model is read before the transaction opens
      sqlite.begin();
      for (let taken = 0; taken < GROUP_MAX; taken++) {
        const job = this.groupQueue.shift();
        if (!job) {
          await new Promise((resolve) => setImmediate(resolve));
          if (this.groupQueue.length === 0) break;
          taken--;
          continue;
        }
        try {
          this.checkStillWanted(job.staged.options, job.staged.queued);
          const result = await sqlite.savepoint((tx) => this.stage(job.staged, tx, null));
          this.remember(job.staged, result);
          done.push({ job, result });
        } catch (err) {
          job.reject(err);
        }
      }
      sqlite.commit();
    } catch (err) {
      // Nothing of the group reached the database: what this process holds of it goes too, read again when next asked.
      sqlite.rollback();
      this.cache = null;
      this.objects = null;
      this.statuses = null;
      this.statusVersion++;
      this.feeds.clear();
      for (const { job } of done) job.reject(err);
      return;
    } finally {
      this.grouping = false;
      // Writes beyond GROUP_MAX, or queued while a failed group unwound, are the next group's (none of them ran).
      if (this.groupQueue.length) void this.lock.write(() => this.commitGroup(sqlite));
    }
    for (const { job, result } of done) await this.announce(job.staged, result).then(job.resolve, job.reject);
  }

  /** A write's statements, in its transaction (or savepoint); what the cache and the outcome need. */
  private async stage(w: StagedWrite, tx: WriteTx, em: EntityManager | null): Promise<WriteDone> {
    const locked = await this.lockMeta(tx, em);
    // Another process wrote since this one last read: start from the database, not the cache.
    if (!this.cache || this.cache.revision !== locked.revision) this.adopt(await this.readModel(em));
    const { view: model, ruleIds } = this.cache!;
    const applied = await w.apply(tx, model);
    const meta = { generation: locked.generation + (applied.bump ? 1 : 0), revision: locked.revision + 1 };
    await tx.setMeta('revision', String(meta.revision));
    if (applied.bump) {
      await tx.setMeta('generation', String(meta.generation));
      // Delivered to every listening process when, and only if, this commits.
      if (em) await em.query('SELECT pg_notify($1, $2)', [GENERATION_CHANNEL, String(meta.generation)]);
    }
    // Last chance before COMMIT: a client that gave up meanwhile gets nothing made.
    this.checkStillWanted(w.options, null);
    return {
      row: applied.row,
      meta,
      model,
      ruleIds,
      before: applied.bump ? applied.before : undefined,
      also: applied.also ?? [],
      hosts: [],
    };
  }

  /** The model in hand plus this change is the database at the new revision: the cache, span and views take it. */
  private remember(w: StagedWrite, done: WriteDone): void {
    const { kind, name, action, options } = w;
    const { row, meta, model, ruleIds, before, also } = done;
    const cache = this.cache!;
    const ids = idsOf(ruleIds);
    const bodyOf = (k: Kind, n: string) => (model.objects[k] as Map<string, AnyBody>).get(n)!;
    const changes: SpanChange[] = [];
    const was = action === 'create' ? null : normalize(kind, bodyOf(kind, name), ids);
    if (action !== 'create') {
      model.delete(kind, name);
      ruleIds.delete(`${kind}:${name}`);
    }
    if (row) {
      model.set(kind, row.name, JSON.parse(row.body));
      if (row.rule_id !== null) ruleIds.set(`${kind}:${row.name}`, row.rule_id);
    }
    changes.push({
      list: LIST_OF[kind],
      before: was,
      after: row ? normalize(kind, bodyOf(kind, row.name), ids) : null,
    });
    // References rewritten by a rename: same names, new bodies (rule ids unchanged).
    for (const a of also) {
      const old = normalize(a.kind, bodyOf(a.kind, a.row.name), ids);
      model.set(a.kind, a.row.name, JSON.parse(a.row.body));
      changes.push({ list: LIST_OF[a.kind], before: old, after: normalize(a.kind, bodyOf(a.kind, a.row.name), ids) });
    }
    cache.revision = meta.revision;
    // A description-only change leaves the snapshot as it was (it holds no descriptions).
    done.hosts = before === undefined ? [] : this.applyChanges(cache, changes, meta.generation);
    if (options.outcome) {
      options.outcome.generation = meta.generation;
      options.outcome.hosts = done.hosts;
    }
    if (this.objects) {
      const answered = this.objects;
      answered.get(kind)!.delete(name);
      if (row) answered.get(kind)!.set(row.name, this.present(kind, row, null));
      for (const a of also) answered.get(a.kind)!.set(a.row.name, this.present(a.kind, a.row, null));
    }
    // Host writes move or drop reports (create, rename, delete): read them again when next asked.
    if (kind === 'host') {
      this.statuses = null;
      this.statusVersion++;
      // A renamed host's report is written under its new name; a deleted or new one has none.
      const moved = this.statusWrites.pending.get(name);
      const newest = this.statusWrites.latest.get(name);
      for (const n of [name, row?.name ?? name]) {
        this.statusWrites.pending.delete(n);
        this.statusWrites.written.delete(n);
        this.statusWrites.latest.delete(n);
      }
      if (row && row.name !== name) {
        if (moved) this.statusWrites.pending.set(row.name, moved);
        if (newest) this.statusWrites.latest.set(row.name, newest);
      }
    }
  }

  /** Committed: the write's events, and its answer. */
  private async announce(w: StagedWrite, done: WriteDone): Promise<StoredObject> {
    const { kind, name, action } = w;
    const { row, meta, also, hosts } = done;
    this.emit('change', { kind, name: row?.name ?? name, action });
    for (const a of also) this.emit('change', { kind: a.kind, name: a.row.name, action: 'update' });
    this.noteMeta(meta);
    if (hosts.length) this.emit('views', meta.generation, hosts);
    if (!row) return undefined as unknown as StoredObject;
    return this.present(kind, row, kind === 'host' ? await this.readStatuses(row.name) : null);
  }

  /** Refuses a write whose client gave up, or that waited behind others longer than a query may take. */
  private checkStillWanted(options: WriteOptions, queued: number | null): void {
    if (options.signal?.aborted)
      throw new DomainError('unavailable', 'the client gave up before the change was committed; nothing was changed');
    if (queued === null) return;
    const waited = Date.now() - queued;
    if (waited > 2 * this.timeouts.queryMs) {
      throw new DomainError(
        'unavailable',
        `the database is busy or unavailable: this change waited ${Math.round(waited / 1000)} s behind others and was not made; retry later`,
      );
    }
  }

  /** Records the generation seen in the database; announces it when it moved forward. */
  private noteMeta(meta: Pick<Meta, 'generation'>): void {
    // Generations only grow: a late notification of an older one is no news.
    if (meta.generation <= this.currentGeneration) return;
    this.currentGeneration = meta.generation;
    this.emit('generation', meta.generation);
  }

  /** SQLite: through the prepared statement (one connection: inside a write's transaction or not, the same). */
  private async readMeta(manager: EntityManager): Promise<Meta> {
    const rows = this.sqlite
      ? this.sqlite.metaNow()
      : new Map((await manager.find(MetaEntity)).map((r) => [r.key, r.value]));
    return metaOf(rows);
  }

  /** Reads meta in a write; PostgreSQL under a row lock, so writers of all processes queue here. */
  private async lockMeta(tx: WriteTx, em: EntityManager | null): Promise<Meta> {
    if (em) {
      await em
        .createQueryBuilder(MetaEntity, 'm')
        .setLock('pessimistic_write')
        .where('m.key = :key', { key: 'revision' })
        .getOne();
    }
    return metaOf(await tx.meta());
  }

  /** `manager` null: SQLite in a write, whose one connection the data source's own manager uses. */
  private async readModel(
    manager: EntityManager | null,
  ): Promise<{ model: ModelIndex; ruleIds: Map<string, number>; meta: Meta }> {
    manager ??= this.ds.manager;
    const meta = await this.readMeta(manager);
    const rows = await manager.find(ObjectEntity);
    const model = emptyModel();
    const ruleIds = new Map<string, number>();
    for (const r of rows) {
      (model[r.kind as Kind] as Map<string, AnyBody>).set(r.name, JSON.parse(r.body));
      if (r.rule_id !== null) ruleIds.set(`${r.kind}:${r.name}`, r.rule_id);
    }
    return { model, ruleIds, meta };
  }

  /**
   * The next rule id, inside a write (the meta lock serializes writers): ids count up and are never
   * handed out twice; only once all of them were used does one of a deleted rule come back.
   */
  private async allocateRuleId(tx: WriteTx): Promise<number> {
    const next = Number((await tx.meta()).get('next_rule_id') ?? 1);
    if (next <= MAX_RULE_ID) {
      await tx.setMeta('next_rule_id', String(next + 1));
      return next;
    }
    let id = 1;
    for (const used of await tx.usedRuleIds()) {
      if (used !== id) break;
      id++;
    }
    if (id > MAX_RULE_ID) throw new Error('every rule id is in use');
    return id;
  }

  /** SQLite: every object as answered (read once, then kept by each write); hosts without their status. */
  private async objectsNow(kind: Kind): Promise<Map<string, StoredObject>> {
    if (!this.objects) {
      const objects = new Map(KIND_NAMES.map((k) => [k, new Map<string, StoredObject>()]));
      for (const r of await this.ds.manager.find(ObjectEntity))
        objects.get(r.kind as Kind)!.set(r.name, this.present(r.kind as Kind, r, null));
      this.objects = objects;
    }
    return this.objects.get(kind)!;
  }

  /** The reports in the database, and over them the newer ones this process received (written or not yet). */
  private async readStatuses(host?: string): Promise<Map<string, { report: AgentStatusReport; at: number }>> {
    const rows = await this.ds.manager.find(HostStatusEntity, host === undefined ? {} : { where: { host } });
    const out = new Map(
      rows.map((r) => [r.host, { report: JSON.parse(r.report) as AgentStatusReport, at: Number(r.reported_at) }]),
    );
    // An unchanged report reaches the database only every statusRefreshMs; this process shows it at once.
    for (const [h, r] of this.statusWrites.latest)
      if ((host === undefined || h === host) && r.at > (out.get(h)?.at ?? -1))
        out.set(h, { report: JSON.parse(r.text) as AgentStatusReport, at: r.at });
    return out;
  }

  private statusOf(host: string, statuses: Map<string, { report: AgentStatusReport; at: number }>): HostStatus {
    const s = statuses.get(host);
    return statusView(s?.report ?? null, s?.at ?? 0, this.desiredGeneration(host), Date.now(), this.staleAfterMs);
  }

  private checkVersion(kind: Kind, row: ObjectRow, expected: number | undefined): void {
    if (expected !== undefined && expected !== row.version)
      throw this.staleVersion(kind, row.name, expected, row.version);
  }

  private staleVersion(kind: Kind, name: string, expected: number, actual: number): DomainError {
    return new DomainError(
      'version_conflict',
      `${kind} "${name}" is at version ${actual}, not ${expected}: it changed since you read it; read it again and retry`,
      'version',
    );
  }

  private notFound(kind: Kind, name: string): DomainError {
    return new DomainError('not_found', `${kind} "${name}" does not exist`, 'name');
  }

  private present(
    kind: Kind,
    row: ObjectRow,
    statuses: Map<string, { report: AgentStatusReport; at: number }> | null,
  ): StoredObject {
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const obj: StoredObject = {
      ...body,
      name: row.name,
      id: row.id,
      version: row.version,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
    if (row.rule_id !== null) obj.rule_id = row.rule_id;
    if (kind === 'host') obj.status = this.statusOf(row.name, statuses ?? new Map());
    return obj;
  }
}
