/**
 * The API: 10,000 entity creates through the service on SQLite against a bare
 * fastify route inserting the same JSON into better-sqlite3 in a transaction
 * (same journal mode), one request each from a client in its own process,
 * interleaved A B A B; then autocannon
 * against GET of one rule and GET /v1/status at that size against bare fastify
 * routes returning the same JSON; then what one agent downloads for one change
 * (and while nothing changes) against the whole policy; then the latency of a
 * GET while embedded agents compile a change against the same GET at rest.
 */
import type { HostInputT } from '../../service/model/schemas';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { figure, type Figure } from '../lib/figures';
import { applicationRuleBody, entityBody, hostPorts, inventoryObjects, type Objects } from '../lib/inventory';
import { exponent, median, percentile } from '../lib/measure';
import { eventually } from '../../lab/eventually';
import { OvsDummy } from '../lib/ovs';
import { startPoster, startSampler } from '../lib/sampler';
import { agentSecret, ADMIN_SECRET, startBenchService, type BenchService } from '../lib/service';
import { runParts, type BenchContext, type Suite } from '../lib/suite';
import { startSimAgent } from '../sim/agent';

/** The baseline: what a user could write in ten lines. */
async function bareService(
  file: string,
  journalMode: string,
): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const db = new Database(file);
  db.pragma(`journal_mode = ${journalMode}`);
  db.exec(
    'CREATE TABLE objects (id TEXT PRIMARY KEY, kind TEXT, name TEXT, version INTEGER, body TEXT, created_at TEXT, updated_at TEXT, UNIQUE (kind, name))',
  );
  const insert = db.prepare('INSERT INTO objects VALUES (?, ?, ?, 1, ?, ?, ?)');
  const create = db.transaction((body: { name: string }) => {
    const now = new Date().toISOString();
    const id = crypto.randomUUID();
    insert.run(id, 'entity', body.name, JSON.stringify(body), now, now);
    return { ...body, id, version: 1, created_at: now, updated_at: now };
  });
  const app = Fastify();
  app.post('/v1/entities', async (req, reply) => reply.code(201).send(create(req.body as { name: string })));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    async close() {
      await app.close();
      db.close();
    },
  };
}

/** autocannon in its own process (so it does not share this event loop with the servers): requests per second. */
function autocannon(url: string, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        require.resolve('autocannon/autocannon.js'),
        '--json',
        '-c',
        '10',
        '-d',
        String(seconds),
        '-H',
        `authorization=Bearer ${ADMIN_SECRET}`,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const r = JSON.parse(out) as { requests: { average: number }; non2xx: number; errors: number };
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx answers, ${r.errors} errors`);
        resolve(r.requests.average);
      } catch (e) {
        reject(new Error(`autocannon ${url}: exit ${code}: ${(e as Error).message} ${err.slice(-300)}`));
      }
    });
  });
}

/**
 * Creates entities 0…n-1 through the API and the bare route, request by request, in buckets of n/20; stops at
 * the end of the bucket in which `budgetMs` ran out (the figures then say how far it got). Returns how many were made.
 */
async function writePath(
  ctx: BenchContext,
  svc: BenchService,
  objects: Objects,
  n: number,
  hosts: number,
  budgetMs: number,
): Promise<{ figures: Figure[]; made: number }> {
  // The store's own journal mode (it is kept in the file for WAL; the default is delete).
  let journal = 'delete';
  try {
    const probe = new Database(join(svc.dir, 'microseg.sqlite'), { readonly: true, fileMustExist: true });
    journal = String(probe.pragma('journal_mode', { simple: true }));
    probe.close();
  } catch {
    /* the store may refuse a second opener: keep SQLite's default */
  }
  const bare = await bareService(join(svc.dir, 'bare.sqlite'), journal);
  // The client in its own process: in this one, its garbage would be collected in the services' pauses.
  const client = await startPoster();
  try {
    const apps = Math.ceil(objects.filter((o) => o.kind === 'application_rule').length / 2);
    const size = n / 20;
    const buckets: { x: number; a: number[]; b: number[] }[] = [];
    const t0 = Date.now();
    for (let k = 0; k < 20 && (k < 2 || Date.now() - t0 < budgetMs); k++) {
      const bucket = { x: (k + 0.5) * size, a: [] as number[], b: [] as number[] };
      const bodies = [];
      for (let i = k * size; i < (k + 1) * size; i++) bodies.push(entityBody(i, { entities: n, hosts }, apps));
      [bucket.a, bucket.b] = await client.post([`${svc.url}/v1/entities`, `${bare.url}/v1/entities`], bodies);
      buckets.push(bucket);
      ctx.log(
        `api: ${(k + 1) * size} creates, last ${size}: p50 ${median(bucket.a).toFixed(1)} ms vs ${median(bucket.b).toFixed(1)} ms bare`,
      );
    }
    const made = buckets.length * size;
    const last = buckets[buckets.length - 1];
    const range = `creates ${made - size}-${made}`;
    const stopped = made < n ? ` (stopped at ${made} of ${n}: the ${budgetMs / 1000} s budget ran out)` : '';
    const perS = (ms: number) => 1000 / ms;
    const ex = exponent(buckets.map((k) => ({ x: k.x, y: median(k.a) })));
    const exBare = exponent(buckets.map((k) => ({ x: k.x, y: median(k.b) })));
    const what = `entity creates through the API (SQLite ${journal}, 500 rules, ${hosts} hosts, default plugins), one client${stopped}`;
    return {
      made,
      figures: [
        figure({
          name: 'write_p50_ratio_10k',
          value: perS(median(last.a)),
          unit: 'creates/s (1 / p50)',
          baseline: perS(median(last.b)),
          target: 0.7,
          targetOn: 'ratio',
          better: 'higher',
          note: `${what}, ${range}: p50 ${median(last.a).toFixed(2)} ms vs ${median(last.b).toFixed(2)} ms; baseline: bare fastify + better-sqlite3 insert in a transaction, same journal mode, interleaved request by request`,
        }),
        figure({
          name: 'write_p99_ratio_10k',
          value: perS(percentile(last.a, 99)),
          unit: 'creates/s (1 / p99)',
          baseline: perS(percentile(last.b, 99)),
          target: 0.7,
          targetOn: 'ratio',
          better: 'higher',
          note: `the same ${range}: p99 ${percentile(last.a, 99).toFixed(2)} ms vs ${percentile(last.b, 99).toFixed(2)} ms`,
        }),
        figure({
          name: 'write_latency_exponent',
          value: ex,
          unit: 'exponent',
          baseline: exBare,
          target: 0.1,
          note: `slope of log(p50 per ${size} creates) over log(entities)${stopped}: ${buckets.map((k) => median(k.a).toFixed(1)).join(', ')} ms; baseline: the bare route's slope (${buckets.map((k) => median(k.b).toFixed(1)).join(', ')} ms)`,
        }),
      ],
    };
  } finally {
    await client.close();
    await bare.close();
  }
}

async function readPath(ctx: BenchContext, svc: BenchService): Promise<Figure[]> {
  const n = (await svc.store.list('entity')).length;
  const seconds = ctx.quick ? 2 : 5;
  const rounds = ctx.quick ? 1 : 3;
  const rule = await svc.api('GET', '/v1/application-rules/rule0');
  const status = await svc.api('GET', '/v1/status');
  // The bare routes return the same JSON (serialized by fastify, as ours is).
  const bare = Fastify();
  bare.get('/rule', async () => rule);
  bare.get('/status', async () => status);
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
  try {
    const out: Figure[] = [];
    for (const [name, ours, theirs, what] of [
      [
        'read_rule_ratio',
        `${svc.url}/v1/application-rules/rule0`,
        `${bareUrl}/rule`,
        'GET /v1/application-rules/rule0',
      ],
      ['read_status_ratio', `${svc.url}/v1/status`, `${bareUrl}/status`, 'GET /v1/status'],
    ] as const) {
      const a: number[] = [];
      const b: number[] = [];
      for (let r = 0; r < rounds; r++) {
        a.push(await autocannon(ours, seconds));
        b.push(await autocannon(theirs, seconds));
      }
      ctx.log(`api: ${what}: ${median(a).toFixed(0)} req/s vs ${median(b).toFixed(0)} bare`);
      out.push(
        figure({
          name,
          value: median(a),
          unit: 'requests/s',
          baseline: median(b),
          target: 0.5,
          targetOn: 'ratio',
          better: 'higher',
          note: `${what} at ${n} entities and 500 rules, autocannon -c 10 -d ${seconds}, median of ${rounds}; baseline: a bare fastify route returning the same JSON, interleaved`,
        }),
      );
    }
    return out;
  } finally {
    await bare.close();
  }
}

/** Bytes the service sent to agents: every response on /v1/agents/… (one agent is connected). */
const agentBytes = (svc: BenchService) =>
  [...svc.bytesSent].filter(([k]) => k.includes('/v1/agents/')).reduce((s, [, v]) => s + v, 0);

/** What one agent downloads for one change, and while nothing changes, against the whole policy. */
async function download(ctx: BenchContext, svc: BenchService, apps: number): Promise<Figure[]> {
  const snapshot = await svc.store.getSnapshot();
  const host = snapshot.entities.find((e) => e.categories.AppType === 'app0')?.host ?? 'h0';
  const sim = startSimAgent({ service: svc.url, token: agentSecret(host), host, ports: hostPorts(snapshot, host) });
  try {
    const realized = (g: number) =>
      eventually(
        `simulated agent ${host} realizes generation ${g}`,
        () => (sim.agent.last?.realized_generation ?? 0) >= g,
        {
          timeoutMs: 120_000,
          intervalMs: 20,
        },
      );
    await realized(svc.store.desiredGeneration(host));
    const whole = Buffer.byteLength(JSON.stringify(await svc.store.getSnapshot()));
    svc.bytesSent.clear();
    const body = applicationRuleBody(0, apps);
    body.inbound[0].services = [{ protocol: 'tcp', ports: ['443', '30000'] }];
    await svc.api('PUT', '/v1/application-rules/rule0', body);
    // rule0 targets app0, which the host holds: the change is in its view.
    await realized(svc.store.desiredGeneration(host));
    const got = agentBytes(svc);
    // Nothing changes: what the agent still downloads (its long poll and its reconcile passes).
    const idleS = ctx.quick ? 5 : 10;
    svc.bytesSent.clear();
    await new Promise((r) => setTimeout(r, idleS * 1000));
    const idle = agentBytes(svc);
    ctx.log(`api: one change: the agent downloaded ${got} bytes, ${idle} in ${idleS} s idle; the policy is ${whole}`);
    const who = `one agent (host ${host}: the real HostAgent and HTTP link following its view as microseg-agent does, in-memory bridge), ${snapshot.entities.length} entities`;
    return [
      figure({
        name: 'agent_download_bytes_ratio',
        value: got,
        unit: 'bytes',
        baseline: whole,
        target: 0.01,
        targetOn: 'ratio',
        note: `response bytes on /v1/agents/… to ${who}, from a one-rule change (PUT) to its status reporting the generation; baseline: the whole policy snapshot (one GET /v1/agents/policy)`,
      }),
      figure({
        name: 'agent_idle_download_bytes',
        value: idle,
        unit: 'bytes',
        baseline: whole,
        target: 0,
        note: `response bytes on /v1/agents/… to ${who}, over ${idleS} s in which nothing changes; baseline: the whole policy snapshot`,
      }),
    ];
  } finally {
    await sim.stop();
  }
}

/**
 * API latency while the embedded agents compile a change: `hosts` hosts get an Open vSwitch (dummy datapath)
 * and so an embedded agent; an open-loop sampler (own process) GETs one rule every 20 ms from the PUT of a
 * rule that targets them until each has realized it; baseline: the same GET over a window as long with
 * nothing changing, interleaved change by change.
 */
async function duringCompile(ctx: BenchContext, svc: BenchService, apps: number): Promise<Figure[]> {
  const count = ctx.quick ? 2 : 4;
  const rounds = ctx.quick ? 2 : 3;
  const timeoutMs = 180_000;
  const snapshot = await svc.store.getSnapshot();
  // Hosts of rule0's web-tier targets first: its CIDR entry into the web tier is what each change rewrites.
  const targeted = snapshot.entities
    .filter((e) => e.categories.AppType === 'app0' && e.categories.AppTier === 'web')
    .map((e) => e.host);
  const names = [...new Set([...targeted, ...snapshot.hosts.map((h) => h.name)])].slice(0, count);
  const instances: OvsDummy[] = [];
  const sampler = await startSampler(`${svc.url}/v1/application-rules/rule1`, 20);
  try {
    for (const name of names) {
      const ovs = await OvsDummy.start();
      instances.push(ovs);
      await ovs.addBridge('br.microseg', Object.keys(hostPorts(snapshot, name)));
      const host = await svc.api<HostInputT>('GET', `/v1/hosts/${name}`);
      await svc.api('PUT', `/v1/hosts/${name}`, {
        name,
        bridge: host.bridge,
        uplinks: host.uplinks,
        ovs_rundir: ovs.dir,
      });
    }
    const agents = () => names.map((h) => svc.app.embeddedAgents?.agent(h));
    // In process, from the agents themselves: polling GET /v1/status would load the service being measured.
    // Each host up to its own desired generation (a change that does not touch its view leaves it).
    const realized = () =>
      eventually(
        `embedded agents of ${names.join(', ')} realize their desired generations`,
        () => agents().every((a, i) => (a?.last?.realized_generation ?? 0) >= svc.store.desiredGeneration(names[i])),
        { timeoutMs, intervalMs: 20 },
      );
    const t0 = Date.now();
    await realized();
    ctx.log(`api: ${names.length} embedded agents realized the policy in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const a: number[] = [];
    const b: number[] = [];
    const windows: number[] = [];
    let errors = 0;
    let touched = 0;
    for (let k = 1; k <= rounds; k++) {
      let ms = 0;
      const busy = await sampler.over(async () => {
        const t = performance.now();
        const body = applicationRuleBody(0, apps);
        body.inbound[3].services = [{ protocol: 'tcp', ports: ['80', String(21000 + k)] }];
        await svc.api('PUT', '/v1/application-rules/rule0', body);
        touched = names.filter((h) => svc.store.desiredGeneration(h) === svc.store.generation()).length;
        await realized();
        ms = Math.max(performance.now() - t, 2000);
      });
      windows.push(ms);
      const quiet = await sampler.over(() => new Promise((r) => setTimeout(r, ms)));
      a.push(...busy.latencies);
      b.push(...quiet.latencies);
      errors += busy.errors + quiet.errors;
      ctx.log(
        `api: change ${k}: GET p99 ${percentile(busy.latencies, 99).toFixed(0)} ms while compiling (${(ms / 1000).toFixed(1)} s), ${percentile(quiet.latencies, 99).toFixed(0)} ms idle`,
      );
    }
    if (errors > 0) throw new Error(`${errors} GETs failed during the compile windows`);
    return [
      figure({
        name: 'api_p99_during_compile_ms',
        value: percentile(a, 99),
        unit: 'ms',
        baseline: percentile(b, 99),
        target: 50,
        note: `GET /v1/application-rules/rule1, open loop every 20 ms from its own process (latency from when each was due), ${a.length} requests over ${rounds} windows from a PUT of rule0 until the embedded agents of ${names.length} hosts (${names.join(', ')}, dummy-datapath Open vSwitch; the change is in the views of ${touched}) realized it (windows ${windows.map((w) => (w / 1000).toFixed(1)).join(', ')} s), ${snapshot.entities.length} entities, 500 rules; baseline: the same GET over windows as long with nothing changing (${b.length} requests), interleaved; p50 ${percentile(a, 50).toFixed(1)} vs ${percentile(b, 50).toFixed(1)} ms`,
      }),
    ];
  } finally {
    await sampler.close();
    // Back to no embedded agents before the instances go (an agent would report them unreachable).
    for (const name of names) {
      const host = await svc.api<HostInputT>('GET', `/v1/hosts/${name}`).catch(() => null);
      if (host?.ovs_rundir)
        await svc
          .api('PUT', `/v1/hosts/${name}`, { name, bridge: host.bridge, uplinks: host.uplinks })
          .catch(() => undefined);
    }
    await Promise.all(instances.map((o) => o.stop()));
  }
}

const WRITES = [
  { name: 'write_p50_ratio_10k', unit: 'creates/s (1 / p50)', target: 0.7 },
  { name: 'write_p99_ratio_10k', unit: 'creates/s (1 / p99)', target: 0.7 },
  { name: 'write_latency_exponent', unit: 'exponent', target: 0.1 },
];
const READS = [
  { name: 'read_rule_ratio', unit: 'requests/s', target: 0.5 },
  { name: 'read_status_ratio', unit: 'requests/s', target: 0.5 },
];
const DOWNLOADS = [
  { name: 'agent_download_bytes_ratio', unit: 'bytes', target: 0.01 },
  { name: 'agent_idle_download_bytes', unit: 'bytes', target: 0 },
];
const DURING_COMPILE = [{ name: 'api_p99_during_compile_ms', unit: 'ms', target: 50 }];

export const apiSuite: Suite = {
  name: 'api',
  figures: [...WRITES, ...READS, ...DOWNLOADS, ...DURING_COMPILE],
  async run(ctx) {
    const n = ctx.quick ? 400 : 10000;
    const hosts = 50;
    // Everything but the entities first: the creates are the measurement.
    const objects = inventoryObjects({ entities: 0, hosts });
    const apps = Math.ceil(objects.filter((o) => o.kind === 'application_rule').length / 2);
    const svc = await startBenchService({ objects });
    let made = 0;
    try {
      return await runParts(ctx, 'api', [
        {
          figures: WRITES,
          run: async () => {
            const w = await writePath(ctx, svc, objects, n, hosts, ctx.quick ? 20_000 : 240_000);
            made = w.made;
            return w.figures;
          },
        },
        {
          figures: READS,
          run: async () => {
            // The rest of the inventory straight into the store (setup, not measured), so reads see all n entities;
            // bounded (the figures' notes give the count they saw).
            const t0 = Date.now();
            const budgetMs = ctx.quick ? 60_000 : 180_000;
            let i = (await svc.store.list('entity')).length;
            for (; i < n && Date.now() - t0 < budgetMs; i++)
              await svc.store.create('entity', entityBody(i, { entities: n, hosts }, apps) as never);
            ctx.log(
              `api: ${i - made} more entities stored in ${((Date.now() - t0) / 1000).toFixed(0)} s (${i} of ${n})`,
            );
            return readPath(ctx, svc);
          },
        },
        { figures: DOWNLOADS, run: () => download(ctx, svc, apps) },
        { figures: DURING_COMPILE, run: () => duringCompile(ctx, svc, apps) },
      ]);
    } finally {
      await svc.close();
    }
  },
};
