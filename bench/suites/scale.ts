/**
 * 1,000 hosts: one service (in this process, SQLite in memory so setup is not
 * a disk benchmark), 20,000 entities, 1,000 simulated hosts (sim/hosts-process.ts:
 * 250 a process, in-memory bridges, the real agent and HTTP link). First every
 * host loads the initial policy (timed, within a budget); then one rule change,
 * timed from the API write until every host whose view it changed has realized
 * it, with the hosts it woke (a host whose view it did not change must not
 * wake), the service's CPU and the bytes it sent meanwhile, and each process's
 * memory. Bounded: a load or change that does not finish within its cap says
 * how far it got.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, failed, type Figure } from '../lib/figures';
import { changedRule0Body, hostName, hostPorts, inventoryObjects, snapshotOf } from '../lib/inventory';
import { cpuSeconds } from '../lib/measure';
import { eventually, EventuallyTimeout } from '../../lab/eventually';
import { agentSecret, realizedAt, startBenchService, type BenchService } from '../lib/service';
import { bundle } from '../lib/build';
import type { Suite } from '../lib/suite';
import type { SimStats } from '../sim/hosts-process';

const FIGURES = [
  { name: 'scale_1000_hosts_realization_ms', unit: 'ms', target: 2000 },
  { name: 'scale_1000_hosts_initial_load_ms', unit: 'ms', target: null },
  { name: 'scale_1000_hosts_untouched_woken', unit: 'hosts', target: 0 },
  { name: 'scale_1000_hosts_sim_rss_mb', unit: 'MB', target: null },
  { name: 'scale_1000_hosts_service_cpu', unit: '% of one core', target: null },
  { name: 'scale_1000_hosts_bytes_sent', unit: 'bytes', target: null },
] as const;
const HOSTS_PER_PROCESS = 250;
/** The V8 heap limit of each simulated-host process (--max-old-space-size), MB. */
const SIM_HEAP_MB = 3072;

/** Peak and current resident memory of a process, MB (/proc/<pid>/status: VmHWM, VmRSS). */
function rssMb(pid: number | 'self'): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** Why a simulated-host process is gone (null while it runs). */
const gone = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? `simulated-host process ${c.pid} exited (${c.signalCode ?? `status ${c.exitCode}`}; see its stderr above)`
    : null;

/** Asks a simulated-host process for its hosts' state and heap (one that is thrashing its heap may not answer). */
function stats(child: ChildProcess, timeoutMs = 20_000): Promise<SimStats> {
  return new Promise((resolve, reject) => {
    const dead = gone(child);
    if (dead) return reject(new Error(dead));
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
    };
    const onExit = () => {
      done();
      reject(new Error(gone(child) ?? `simulated-host process ${child.pid} exited`));
    };
    const onMessage = (m: unknown) => {
      done();
      resolve(m as SimStats);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`simulated-host process ${child.pid} did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', onExit);
    child.once('message', onMessage);
    child.send({ stats: true });
  });
}

/**
 * Follows the stored reports until every host in `among` (or every host) realized `generation`, `stop` says
 * to give up (a simulated-host process died) or `capMs` passed:
 * ms to the first and the last, how many made it.
 */
async function follow(
  svc: BenchService,
  generation: number,
  capMs: number,
  simulated: ReadonlySet<string>,
  among?: (desired: number) => boolean,
  stop: () => boolean = () => false,
): Promise<{ firstMs: number | null; ms: number; done: number; of: number; names: string[] }> {
  const t0 = performance.now();
  let firstMs: number | null = null;
  let p = { done: 0, of: 0, names: [] as string[] };
  try {
    await eventually(
      `hosts realize generation ${generation}`,
      async () => {
        const hosts = (await svc.store.overview()).hosts.filter(
          (h) => simulated.has(h.name) && (!among || among(h.status.desired_generation)),
        );
        const done = hosts.filter((h) => realizedAt(h.status, generation)).length;
        p = { done, of: hosts.length, names: hosts.map((h) => h.name) };
        if (done > 0) firstMs ??= performance.now() - t0;
        return (hosts.length > 0 && done >= hosts.length) || stop();
      },
      { timeoutMs: capMs, intervalMs: 25 },
    );
  } catch (e) {
    if (!(e instanceof EventuallyTimeout)) throw e;
  }
  return { firstMs, ms: performance.now() - t0, ...p };
}

/** Response bytes the service sent since bytesSent was last cleared. */
const sent = (svc: BenchService) => [...svc.bytesSent.values()].reduce((sum, v) => sum + v, 0);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => bytes / 2 ** 20;

export const scaleSuite: Suite = {
  name: 'scale',
  figures: [...FIGURES],
  async run(ctx) {
    const H = ctx.quick ? 50 : 1000;
    const N = ctx.quick ? 1000 : 20000;
    // MICROSEG_BENCH_SCALE_HOSTS=K simulates only the first K of the H hosts (the inventory stays whole): the
    // memory per host at an intermediate size, before trying the whole.
    const K = Math.min(H, Number(process.env.MICROSEG_BENCH_SCALE_HOSTS) || H);
    const perProcess = Math.min(K, ctx.quick ? 25 : HOSTS_PER_PROCESS);
    const processes = Math.ceil(K / perProcess);
    const simulated = new Set(Array.from({ length: K }, (_, h) => hostName(h)));
    const capMs = ctx.quick ? 60_000 : 120_000;
    // Every host downloads its whole view and compiles its whole host once: a budget of its own, at most what
    // the suite's time leaves after the setup, the change and the reports (30 s).
    const objects = inventoryObjects({ entities: N, hosts: H });
    const snapshot = snapshotOf(objects);
    const t0 = Date.now();
    const svc = await startBenchService({ objects, database: ':memory:' });
    ctx.log(`scale: ${N} entities, ${H} hosts stored in ${s(Date.now() - t0)}`);
    const children: ChildProcess[] = [];
    // If the run's cap ends this suite, bench exits without reaching `finally`: simulated-host processes stuck in
    // garbage collection ignore SIGTERM and their config (agent tokens) stays on disk, so kill and remove on exit.
    const reap = () => {
      for (const c of children) if (!gone(c)) c.kill('SIGKILL');
      rmSync(svc.dir, { recursive: true, force: true });
    };
    process.once('exit', reap);
    const setup = `${K < H ? `${K} of ${H} hosts simulated (MICROSEG_BENCH_SCALE_HOSTS; the others never load)` : `${H} simulated hosts`} (${processes} processes of ${perProcess}, heap limit ${SIM_HEAP_MB} MB each; each host the real agent following its view like microseg-agent, 2 s interval, on an in-memory bridge), ${N} entities, one application rule changed`;
    try {
      const entry = await bundle('bench/sim/hosts-process.ts');
      for (let p = 0; p < processes; p++) {
        const hosts = Array.from({ length: K }, (_, h) => h)
          .filter((h) => h % processes === p)
          .map((h) => ({
            name: hostName(h),
            token: agentSecret(hostName(h)),
            ports: hostPorts(snapshot, hostName(h)),
          }));
        const config = join(svc.dir, `sim-${p}.json`);
        writeFileSync(config, JSON.stringify({ service: svc.url, intervalMs: 2000, hosts }), { mode: 0o600 });
        children.push(
          spawn(process.execPath, [`--max-old-space-size=${SIM_HEAP_MB}`, entry, config], {
            stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          }),
        );
      }
      // Of the processes that answer (one that exited or does not answer is named in the notes, with its RSS).
      const memory = async () => {
        const asked = await Promise.allSettled(children.map((c) => stats(c)));
        const sims: { rss: { peak: number; now: number }; st: SimStats }[] = [];
        const lost: string[] = [];
        asked.forEach((a, i) => {
          if (a.status === 'fulfilled') sims.push({ rss: rssMb(children[i].pid!), st: a.value });
          else
            lost.push(
              `${(a.reason as Error).message}${gone(children[i]) ? '' : ` (peak ${rssMb(children[i].pid!).peak.toFixed(0)} MB)`}`,
            );
        });
        return { sims, service: rssMb('self'), gone: lost };
      };

      // 1. The initial load: every host realizes the generation the service holds; what it cost, on each side.
      const g0 = svc.store.generation();
      svc.bytesSent.clear();
      const l0 = { service: cpuSeconds('self'), sims: children.map((c) => cpuSeconds(c.pid!)) };
      const initialCapMs = Math.min(ctx.quick ? 120_000 : 600_000, ctx.deadline - Date.now() - capMs - 30_000);
      const initial = await follow(svc, g0, initialCapMs, simulated, undefined, () =>
        children.some((c) => gone(c) !== null),
      );
      const loaded = initial.done >= K;
      const simCpu = children.map((c, i) => (gone(c) ? null : cpuSeconds(c.pid!) - l0.sims[i]));
      const cost = `the service ${(cpuSeconds('self') - l0.service).toFixed(0)} s of CPU meanwhile (it answers every view on its event loop), the simulated-host processes ${simCpu.map((x) => (x === null ? 'gone' : `${x.toFixed(0)} s`)).join(', ')}; ${(sent(svc) / 2 ** 20).toFixed(0)} MB of views and answers sent`;
      const load = `${
        loaded
          ? `all ${K} hosts held the initial policy ${s(initial.ms)} after they started`
          : `only ${initial.done} of ${K} hosts held the initial policy within the ${(initialCapMs / 1000).toFixed(0)} s budget${children
              .map(gone)
              .filter(Boolean)
              .map((g) => `; ${g}`)
              .join('')}`
      }; ${cost}`;
      ctx.log(`scale: ${load}`);
      const loadFigure = figure({
        ...FIGURES[1],
        value: loaded ? initial.ms : null,
        baseline: initial.firstMs,
        note: `${load}; ${setup}; baseline: the first host to hold it`,
      });
      if (!loaded) {
        const m = await memory();
        const reason = `${load} (the change is timed only from hosts that all hold it)`;
        return [
          failed(FIGURES[0].name, FIGURES[0].unit, FIGURES[0].target, reason),
          { ...loadFigure, note: `not measured: ${load}; ${setup}` },
          failed(FIGURES[2].name, FIGURES[2].unit, FIGURES[2].target, reason),
          memoryFigure(m),
          failed(FIGURES[4].name, FIGURES[4].unit, FIGURES[4].target, reason),
          failed(FIGURES[5].name, FIGURES[5].unit, FIGURES[5].target, reason),
        ];
      }

      // 2. The service at rest (its baseline CPU), and how often each host's view moved so far.
      const idleS = 5;
      const c0 = cpuSeconds('self');
      await new Promise((r) => setTimeout(r, idleS * 1000));
      const idleCpu = ((cpuSeconds('self') - c0) / idleS) * 100;
      const before = new Map(
        (await Promise.all(children.map((c) => stats(c)))).flatMap((st) => st.hosts.map((h) => [h.name, h])),
      );

      // 3. One rule change, from the API write until every host whose view it changed realized it.
      svc.bytesSent.clear();
      const body = changedRule0Body(Math.ceil(snapshot.application_rules.length / 2));
      const c1 = cpuSeconds('self');
      const w0 = performance.now();
      await svc.api('PUT', '/v1/application-rules/rule0', body);
      const g1 = svc.store.generation();
      const writeMs = performance.now() - w0;
      const r = await follow(
        svc,
        g1,
        capMs,
        simulated,
        (desired) => desired === g1,
        () => children.some((c) => gone(c) !== null),
      );
      const ms = r.ms + writeMs;
      const cpu = ((cpuSeconds('self') - c1) / (ms / 1000)) * 100;
      const bytes = sent(svc);
      const after = (await Promise.all(children.map((c) => stats(c)))).flatMap((st) => st.hosts);
      const m = await memory();
      const whole = Buffer.byteLength(JSON.stringify(await svc.store.getSnapshot()));
      const touched = new Set(r.names);
      const woken = after.filter((h) => h.woken > (before.get(h.name)?.woken ?? 0)).map((h) => h.name);
      const untouchedWoken = woken.filter((n) => !touched.has(n));
      const complete = r.of > 0 && r.done >= r.of;
      const how = complete
        ? `all ${r.of} hosts whose view the change touched realized it ${s(ms)} after the write (the write itself ${writeMs.toFixed(0)} ms)`
        : `only ${r.done} of the ${r.of} hosts whose view the change touched realized it within the ${capMs / 1000} s cap`;
      ctx.log(`scale: ${how}; ${woken.length} hosts woken, ${untouchedWoken.length} of them untouched`);
      return [
        figure({
          ...FIGURES[0],
          value: complete ? ms : null,
          baseline: r.firstMs === null ? null : r.firstMs + writeMs,
          note: `${complete ? '' : 'not measured: '}${how}; the other ${K - r.of} hosts' desired generation did not move; ${setup}; ${load}; baseline: the first of them`,
        }),
        loadFigure,
        figure({
          ...FIGURES[2],
          value: untouchedWoken.length,
          baseline: touched.size,
          note: `hosts whose view moved (a pass the service caused) although the change did not touch it, by the time the last touched host realized it${untouchedWoken.length ? ` (e.g. ${untouchedWoken.slice(0, 5).join(', ')})` : ''}; ${woken.length} hosts woken in all; baseline: the hosts it touched`,
        }),
        memoryFigure(m),
        figure({
          ...FIGURES[4],
          value: cpu,
          baseline: idleCpu,
          note: `service process (this process) CPU from the change to the last touched host realized; baseline: the same process over the ${idleS} s before the change`,
        }),
        figure({
          ...FIGURES[5],
          value: bytes,
          baseline: whole,
          note: `every response byte the service sent from the change until ${complete ? 'the last touched host realized it' : 'the cap'}; baseline: the whole policy once (ratio = whole policies sent)`,
        }),
      ];
    } finally {
      process.off('exit', reap);
      for (const c of children) c.kill('SIGTERM');
      // A process thrashing its heap may not act on SIGTERM: 10 s, then SIGKILL.
      const force = setTimeout(() => children.forEach((c) => gone(c) || c.kill('SIGKILL')), 10_000);
      await Promise.all(children.map((c) => new Promise((r) => (gone(c) ? r(null) : c.once('exit', r)))));
      clearTimeout(force);
      await svc.close();
    }
  },
};

/** The largest peak RSS of a simulated-host process, against its heap limit; each process in the note. */
function memoryFigure(m: {
  sims: { rss: { peak: number; now: number }; st: SimStats }[];
  service: { peak: number; now: number };
  gone: string[];
}): Figure {
  const per = m.sims.map(({ rss, st }) => {
    const flows = st.hosts.reduce((sum, h) => sum + h.flows, 0);
    return `${st.hosts.length} hosts: peak ${rss.peak.toFixed(0)} MB, now ${rss.now.toFixed(0)} MB, heap ${mb(st.heapUsedBytes).toFixed(0)} MB (${(mb(st.heapUsedBytes) / st.hosts.length).toFixed(2)} MB a host; ${flows} flows on its bridges)`;
  });
  const limit = m.sims.length ? mb(m.sims[0].st.heapLimitBytes) : null;
  return figure({
    ...FIGURES[3],
    value: m.sims.length ? Math.max(...m.sims.map((x) => x.rss.peak)) : null,
    baseline: limit,
    note: `peak resident memory of the largest simulated-host process (VmHWM); per process: ${[...per, ...m.gone].join('; ')}; the service (this process): peak ${m.service.peak.toFixed(0)} MB, now ${m.service.now.toFixed(0)} MB; baseline: each process's V8 heap limit (${SIM_HEAP_MB} MB set)`,
  });
}
