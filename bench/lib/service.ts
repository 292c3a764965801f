/**
 * The policy service as users run it, started in this process for a benchmark:
 * a SQLite file in a temp dir, the default plugins (embedded agents,
 * monitoring), an admin and an agent token, on a random port. `bytesSent`
 * counts the response bytes per route (what agents download).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PolicyStore } from '../../service/store/store';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { buildApp } from '../../service/app';
import type { Objects } from './inventory';
import { eventually, EventuallyTimeout } from '../../lab/eventually';

export const ADMIN_SECRET = 'bench-admin-secret';
/** The agent token of one host (agent tokens are bound to their host): one per host the objects name. */
export const agentSecret = (host: string) => `bench-agent-secret-${host}`;

export interface BenchService {
  url: string;
  store: PolicyStore;
  app: FastifyInstance;
  dir: string;
  /** Response bytes by route pattern (e.g. "GET /v1/agents/policy") since start or the last reset. */
  bytesSent: Map<string, number>;
  /** JSON call as admin, its answer of the shape the caller names; rejects on a status ≥ 300. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Counts the bytes of every response payload, by route. */
function byteCounter(into: Map<string, number>): FastifyPluginAsync {
  // fastify-plugin: the hook must see every route, not only this plugin's own.
  return fp(
    async (app) => {
      app.addHook('onSend', async (request, _reply, payload) => {
        const n =
          typeof payload === 'string' ? Buffer.byteLength(payload) : Buffer.isBuffer(payload) ? payload.length : 0;
        const key = `${request.method} ${request.routeOptions.url ?? request.url}`;
        into.set(key, (into.get(key) ?? 0) + n);
        return payload;
      });
    },
    { name: 'bench-byte-counter' },
  );
}

export interface BenchServiceOptions {
  defaultPlugins?: boolean;
  plugins?: FastifyPluginAsync[];
  /** Stored before the app (and its embedded agents) starts; each host gets an agent token (agentSecret). */
  objects?: Objects;
  /** Default: a SQLite file in the temp dir. */
  database?: string;
}

export async function startBenchService(opts: BenchServiceOptions = {}): Promise<BenchService> {
  const dir = mkdtempSync(join(tmpdir(), `msbench-${process.pid}-`));
  const store = await PolicyStore.open(opts.database ?? join(dir, 'microseg.sqlite'));
  if (opts.objects) await load(store, opts.objects);
  const bytesSent = new Map<string, number>();
  const app = await buildApp({
    store,
    tokens: [
      { name: 'bench-admin', secret: ADMIN_SECRET, role: 'admin' },
      ...(opts.objects ?? [])
        .filter((o) => o.kind === 'host')
        .map((o) => ({
          name: `agent-${o.body.name}`,
          secret: agentSecret(o.body.name),
          role: 'agent' as const,
          host: o.body.name as string,
        })),
    ],
    defaultPlugins: opts.defaultPlugins ?? true,
    plugins: [byteCounter(bytesSent), ...(opts.plugins ?? [])],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    store,
    app,
    dir,
    bytesSent,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_SECRET}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      // The caller names the shape; an empty answer (204) is null.
      return JSON.parse(text || 'null');
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the objects through the store (setup, not measured). */
export async function load(store: PolicyStore, objects: Objects): Promise<void> {
  for (const o of objects) await store.create(o.kind, o.body as never);
}

export interface HostGenerations {
  realized_generation: number | null;
  desired_generation: number;
}

/**
 * Whether a host has realized `generation` as far as it concerns the host: a change that does not touch a
 * host's view leaves its desired generation where it was (its agent is not woken), so the host is done
 * once it realized the older of the two.
 */
export const realizedAt = (s: HostGenerations, generation: number) =>
  (s.realized_generation ?? 0) >= Math.min(generation, s.desired_generation);

/** How many hosts' views `generation` changed (their desired generation is it), from GET /v1/status. */
export async function touchedBy(svc: BenchService, generation: number): Promise<number> {
  const s = await svc.api<{ hosts: { status: HostGenerations }[] }>('GET', '/v1/status');
  return s.hosts.filter((h) => h.status.desired_generation === generation).length;
}

/** Polls GET /v1/status until every host (or those named) realized `generation` (realizedAt); ms it took, or throws after timeoutMs. */
export async function waitRealized(
  svc: BenchService,
  generation: number,
  timeoutMs: number,
  hosts?: Set<string>,
  everyMs = 10,
): Promise<number> {
  let lagging: { name: string; status: unknown }[] = [];
  try {
    const { ms } = await eventually(
      `generation ${generation} realized`,
      async () => {
        const s = await svc.api<{ hosts: { name: string; status: HostGenerations }[] }>('GET', '/v1/status');
        lagging = s.hosts.filter((h) => (!hosts || hosts.has(h.name)) && !realizedAt(h.status, generation));
        return lagging.length === 0;
      },
      { timeoutMs, intervalMs: everyMs },
    );
    return ms;
  } catch (e) {
    if (!(e instanceof EventuallyTimeout) || lagging.length === 0) throw e;
    throw new Error(
      `generation ${generation} not realized after ${timeoutMs} ms on ${lagging.length} hosts (e.g. ${lagging[0].name}: ${JSON.stringify(lagging[0].status)})`,
      { cause: e },
    );
  }
}
