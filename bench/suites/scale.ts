/**
 * 1,000 hosts: one service (in this process, SQLite in memory so setup is not
 * a disk benchmark), 20,000 entities, 1,000 simulated hosts (sim/hosts-process.ts,
 * a few processes, in-memory bridges, the real agent and HTTP link). One rule
 * change, timed until every host reports it; the service's CPU and the bytes
 * it sent meanwhile. Bounded: a run that does not finish within the cap is
 * extrapolated from the hosts that did, and says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, failed } from '../lib/figures';
import { applicationRuleBody, hostName, hostPorts, inventoryObjects, snapshotOf } from '../lib/inventory';
import { cpuSeconds } from '../lib/measure';
import { eventually, EventuallyTimeout } from '../../lab/eventually';
import { agentSecret, realizedAt, startBenchService, type BenchService, type HostGenerations } from '../lib/service';
import { bundle } from '../lib/build';
import type { Suite } from '../lib/suite';

const NAMES = [
  'scale_1000_hosts_realization_ms',
  'scale_1000_hosts_touched_ms',
  'scale_1000_hosts_service_cpu',
  'scale_1000_hosts_bytes_sent',
] as const;

/**
 * From the stored reports: hosts that realized `generation` as far as it concerns them (realizedAt), and of
 * the hosts whose view it changed (`touched`), how many realized it.
 */
async function progress(
  svc: BenchService,
  generation: number,
): Promise<{ done: number; touched: number; touchedDone: number }> {
  const statuses = (await svc.store.list('host')).map((h) => h.status as HostGenerations);
  const touched = statuses.filter((s) => s.desired_generation === generation);
  return {
    done: statuses.filter((s) => realizedAt(s, generation)).length,
    touched: touched.length,
    touchedDone: touched.filter((s) => (s.realized_generation ?? 0) >= generation).length,
  };
}

/**
 * Follows until every host realized `generation` or `capMs` passed: the ms to the first host (of those whose
 * view it changed, or any for the initial policy) and to the last, how many made it, how many it touched.
 */
async function follow(
  svc: BenchService,
  generation: number,
  total: number,
  capMs: number,
  initial = false,
): Promise<{
  firstMs: number | null;
  ms: number;
  done: number;
  touched: number;
  touchedDone: number;
  touchedMs: number | null;
}> {
  const t0 = performance.now();
  let firstMs: number | null = null;
  let touchedMs: number | null = null;
  let p = { done: 0, touched: 0, touchedDone: 0 };
  try {
    await eventually(
      `${total} hosts realize generation ${generation}`,
      async () => {
        p = await progress(svc, generation);
        if ((initial ? p.done : p.touchedDone) > 0) firstMs ??= performance.now() - t0;
        if (p.touched > 0 && p.touchedDone >= p.touched) touchedMs ??= performance.now() - t0;
        return p.done >= total;
      },
      { timeoutMs: capMs, intervalMs: 25 },
    );
  } catch (e) {
    if (!(e instanceof EventuallyTimeout)) throw e;
  }
  return { firstMs, ms: performance.now() - t0, ...p, touchedMs };
}

export const scaleSuite: Suite = {
  name: 'scale',
  figures: [
    { name: NAMES[0], unit: 'ms', target: 2000 },
    { name: NAMES[1], unit: 'ms', target: 2000 },
    { name: NAMES[2], unit: '% of one core', target: null },
    { name: NAMES[3], unit: 'bytes', target: null },
  ],
  async run(ctx) {
    const H = ctx.quick ? 50 : 1000;
    const N = ctx.quick ? 1000 : 20000;
    const processes = ctx.quick ? 2 : 4;
    const capMs = ctx.quick ? 60_000 : 150_000;
    // 1,000 hosts loading 20k entities' views take longer than a change: their own, longer cap.
    const initialCapMs = ctx.quick ? 60_000 : 300_000;
    const objects = inventoryObjects({ entities: N, hosts: H });
    const snapshot = snapshotOf(objects);
    const t0 = Date.now();
    const svc = await startBenchService({ objects, database: ':memory:' });
    ctx.log(`scale: ${N} entities, ${H} hosts stored in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const children: ChildProcess[] = [];
    try {
      const entry = await bundle('bench/sim/hosts-process.ts');
      for (let p = 0; p < processes; p++) {
        const hosts = Array.from({ length: H }, (_, h) => h)
          .filter((h) => h % processes === p)
          .map((h) => ({
            name: hostName(h),
            token: agentSecret(hostName(h)),
            ports: hostPorts(snapshot, hostName(h)),
          }));
        const config = join(svc.dir, `sim-${p}.json`);
        writeFileSync(config, JSON.stringify({ service: svc.url, intervalMs: 2000, concurrency: 4, hosts }), {
          mode: 0o600,
        });
        const child = spawn(process.execPath, ['--max-old-space-size=3072', entry, config], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        children.push(child);
      }
      // The change is timed from hosts that hold the initial policy (a host still loading it would be timed
      // for that): wait for all of them, bounded; the note says how many had it.
      const g0 = svc.store.generation();
      const initial = await follow(svc, g0, H, initialCapMs, true);
      if (initial.done < 1) {
        const reason = `no host realized the initial policy in ${initialCapMs / 1000} s`;
        return NAMES.map((n, i) => failed(n, scaleSuite.figures[i].unit, scaleSuite.figures[i].target, reason));
      }
      const start = `${initial.done} of ${H} hosts held the initial policy (${(initial.ms / 1000).toFixed(0)} s after they started${initial.done < H ? `, the ${initialCapMs / 1000} s cap` : ''}) when the rule changed`;
      ctx.log(`scale: ${start}`);
      const idleS = 5;
      const c0 = cpuSeconds('self');
      await new Promise((r) => setTimeout(r, idleS * 1000));
      const idleCpu = ((cpuSeconds('self') - c0) / idleS) * 100;
      svc.bytesSent.clear();
      const body = applicationRuleBody(0, Math.ceil(snapshot.application_rules.length / 2));
      body.inbound[0].services = [{ protocol: 'tcp', ports: ['443', '31000'] }];
      const c1 = cpuSeconds('self');
      await svc.api('PUT', '/v1/application-rules/rule0', body);
      const r = await follow(svc, svc.store.generation(), H, capMs);
      const cpu = ((cpuSeconds('self') - c1) / (r.ms / 1000)) * 100;
      const bytes = [...svc.bytesSent.values()].reduce((s, v) => s + v, 0);
      const whole = Buffer.byteLength(JSON.stringify(await svc.store.getSnapshot()));
      const complete = r.done >= H;
      const ms = complete ? r.ms : r.done > 0 ? (r.ms * H) / r.done : null;
      const how =
        (complete
          ? `all ${H} hosts realized it in ${(r.ms / 1000).toFixed(1)} s`
          : `extrapolated: only ${r.done} of ${H} hosts realized it within the ${capMs / 1000} s cap (× ${H}/${r.done})`) +
        ` (the change is in the views of ${r.touched} hosts; the others' desired generation did not move, so realized = their view as it was)`;
      ctx.log(`scale: ${how}`);
      const setup = `${H} simulated hosts (${processes} processes, at most 4 passes each at once, each host following its view like microseg-agent, 2 s interval), ${N} entities, one application rule changed`;
      return [
        figure({
          name: NAMES[0],
          value: ms,
          unit: 'ms',
          baseline: r.firstMs,
          target: 2000,
          note: `${how}; ${setup}; ${start}; baseline: the first host to realize it, same change`,
        }),
        figure({
          name: NAMES[1],
          value: r.touchedMs ?? (r.touchedDone > 0 ? (r.ms * r.touched) / r.touchedDone : null),
          unit: 'ms',
          baseline: r.firstMs,
          target: 2000,
          note: `${r.touchedMs !== null ? `all ${r.touched} hosts whose view the change touched realized it` : `extrapolated: ${r.touchedDone} of the ${r.touched} hosts whose view the change touched realized it within the ${capMs / 1000} s cap (× ${r.touched}/${r.touchedDone})`}; ${setup}; ${start}; baseline: the first of them`,
        }),
        figure({
          name: NAMES[2],
          value: cpu,
          unit: '% of one core',
          baseline: idleCpu,
          note: `service process (this process) CPU from the change to the last host realized; baseline: the same process over the ${idleS} s before the change`,
        }),
        figure({
          name: NAMES[3],
          value: bytes,
          unit: 'bytes',
          baseline: whole,
          note: `every response byte the service sent from the change until ${complete ? 'the last host realized' : 'the cap'}; baseline: the whole policy once (ratio = whole policies sent)`,
        }),
      ];
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
      await svc.close();
    }
  },
};
