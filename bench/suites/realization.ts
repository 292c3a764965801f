/**
 * Realization: 20 Open vSwitch instances (dummy datapath) programmed by the
 * service's embedded agents. From the API write that changes one rule to every
 * host reporting the new generation, against the same flow files pushed with
 * `ovs-ofctl --bundle replace-flows` to 20 other bridges (same instances, same
 * port numbers) in parallel, interleaved change by change. Then a one-rule
 * change on a bridge of ~50,000 flows against a bundle of just the changed
 * flows, and the CPU of 20 idle hosts against the same daemons without agents.
 */
import { join } from 'node:path';
import { compileHost } from '../../service/compiler';
import { failed, figure, type Figure } from '../lib/figures';
import { applicationRuleBody, hostName, hostPorts, inventoryObjects, snapshotOf, type Objects } from '../lib/inventory';
import { cpuSeconds, median, percentile, timed } from '../lib/measure';
import { daemonCpu, diffBundle, flowCount, ofctlBundle, OvsDummy, writeFlows } from '../lib/ovs';
import { startBenchService, touchedBy, waitRealized, type BenchService } from '../lib/service';
import { runParts, type BenchContext, type Suite } from '../lib/suite';

const BASE = 'br.base';
const IDLE = { name: 'agent_idle_cpu_20_hosts', unit: '% of one core', target: 5 };

/** Starts one instance per host with br.microseg and br.base, both with the host's ports at the same numbers. */
async function startInstances(objects: Objects, hosts: number[]): Promise<Map<number, OvsDummy>> {
  const snap = snapshotOf(objects);
  const out = new Map<number, OvsDummy>();
  try {
    await Promise.all(
      hosts.map(async (h) => {
        const ovs = await OvsDummy.start();
        out.set(h, ovs);
        const ports = Object.keys(hostPorts(snap, hostName(h)));
        await ovs.addBridge('br.microseg', ports);
        await ovs.addBridge(
          BASE,
          ports.map((p) => `b${p}`),
        );
      }),
    );
  } catch (e) {
    await Promise.all([...out.values()].map((o) => o.stop()));
    throw e;
  }
  return out;
}

/**
 * The rule every change rewrites (rule0 unless named): its CIDR entry into the web tier (whose peer is
 * never empty) gets a port that differs each time.
 */
function changedRule(k: number, apps: number, rule = 0) {
  const body = applicationRuleBody(rule, apps);
  body.inbound[3].services = [{ protocol: 'tcp', ports: ['80', String(20000 + k)] }];
  return body;
}

async function compiledFor(svc: BenchService, host: string): Promise<string[]> {
  const s = await svc.store.getSnapshot();
  return compileHost(s, host, hostPorts(s, host)).flows;
}

async function twentyHosts(ctx: BenchContext): Promise<Figure[]> {
  const H = ctx.quick ? 4 : 20;
  const changes = ctx.quick ? 8 : 30;
  const rules = 50;
  const apps = Math.ceil(rules / 2);
  const plain = inventoryObjects({ entities: H * 10, hosts: H, rules, isolation: 4 });
  const hostIds = Array.from({ length: H }, (_, h) => h);
  const instances = await startInstances(plain, hostIds);
  let svc: BenchService | null = null;
  try {
    const objects = inventoryObjects({ entities: H * 10, hosts: H, rules, isolation: 4 }, (h) => ({
      ovs_rundir: instances.get(h)!.dir,
    }));
    svc = await startBenchService({ objects });
    await waitRealized(svc, svc.store.generation(), 60_000);
    const flowsPerHost = (await compiledFor(svc, 'h0')).length;
    ctx.log(`realization: ${H} hosts realized, ${flowsPerHost} flows on h0`);

    // The baseline bridges start from the same flows as br.microseg.
    let previous = await Promise.all(
      hostIds.map(async (h) =>
        writeFlows(join(instances.get(h)!.dir, 'base-0.flows'), await compiledFor(svc!, hostName(h))),
      ),
    );
    await Promise.all(hostIds.map((h) => ofctlBundle(instances.get(h)!, BASE, 'replace-flows', previous[h])));
    const a: number[] = [];
    const b: number[] = [];
    /** Hosts whose view each change touched (only their agents are woken). */
    const touched: number[] = [];
    // Bounded: at least 5 changes, then as many of the `changes` as the budget allows (the notes say how many).
    const budgetMs = ctx.quick ? 60_000 : 180_000;
    const t0 = Date.now();
    for (let k = 1; k <= changes && (k <= 5 || Date.now() - t0 < budgetMs); k++) {
      const s = svc;
      a.push(
        await timed(async () => {
          await s.api('PUT', '/v1/application-rules/rule0', changedRule(k, apps));
          await waitRealized(s, s.store.generation(), 30_000);
        }),
      );
      touched.push(await touchedBy(s, s.store.generation()));
      // The same flow files the agents just programmed, pushed by hand.
      const files = await Promise.all(
        hostIds.map(async (h) =>
          writeFlows(join(instances.get(h)!.dir, `base-${k}.flows`), await compiledFor(s, hostName(h))),
        ),
      );
      b.push(
        await timed(() =>
          Promise.all(hostIds.map((h) => ofctlBundle(instances.get(h)!, BASE, 'replace-flows', files[h]))),
        ),
      );
      previous = files;
    }
    const done =
      a.length < changes
        ? `${a.length} of ${changes} changes (the ${budgetMs / 1000} s budget ran out)`
        : `${changes} changes`;
    ctx.log(
      `realization: ${done}: p50 ${median(a).toFixed(0)} vs ${median(b).toFixed(0)} ms by hand, p99 ${percentile(a, 99).toFixed(0)} vs ${percentile(b, 99).toFixed(0)} ms`,
    );

    const setup = `${H} hosts, ${flowsPerHost} flows on h0, ${done} of one application rule (in the views of ${median(touched)} of the ${H} hosts, median; the others' agents are not woken)`;
    const figures = [
      figure({
        name: 'realization_p50_ratio',
        value: median(a),
        unit: 'ms',
        baseline: median(b),
        target: 1.5,
        targetOn: 'ratio',
        note: `API PUT → every host has realized it (median); ${setup}; baseline: the same flow files, ovs-ofctl --bundle replace-flows to ${H} bridges in parallel`,
      }),
      figure({
        name: 'realization_p99_ratio',
        value: percentile(a, 99),
        unit: 'ms',
        baseline: percentile(b, 99),
        target: 1.5,
        targetOn: 'ratio',
        note: `p99 (nearest rank) of the same ${a.length} interleaved pairs; ${setup}`,
      }),
    ];

    // Idle: nothing changes for W seconds; the service process (and the ovs-ofctl it spawns) plus the daemons.
    // Its failure keeps the figures above.
    const W = ctx.quick ? 4 : 20;
    const agents = svc.app.embeddedAgents!;
    const idle = async (): Promise<number> => {
      const c0 = cpuSeconds('self', true) + daemonCpu([...instances.values()]);
      await new Promise((r) => setTimeout(r, W * 1000));
      return ((cpuSeconds('self', true) + daemonCpu([...instances.values()]) - c0) / W) * 100;
    };
    const busy: number[] = [];
    const quiet: number[] = [];
    try {
      for (let round = 0; round < (ctx.quick ? 1 : 2); round++) {
        busy.push(await idle());
        await agents.stop();
        quiet.push(await idle());
        await agents.start();
        await waitRealized(svc, svc.store.generation(), 120_000);
      }
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      ctx.log(`realization: idle CPU not measured: ${reason}`);
      return [...figures, failed(IDLE.name, IDLE.unit, IDLE.target, reason)];
    }
    ctx.log(`realization: idle ${median(busy).toFixed(1)} % of a core vs ${median(quiet).toFixed(1)} % without agents`);
    return [
      ...figures,
      figure({
        name: IDLE.name,
        value: median(busy),
        unit: IDLE.unit,
        baseline: median(quiet),
        target: IDLE.target,
        note: `${H} hosts realized, nothing changes for ${W} s: service process + the ovs-ofctl it spawns + every ovsdb-server/ovs-vswitchd; baseline: the same with the embedded agents stopped; median of ${busy.length}`,
      }),
    ];
  } finally {
    await svc?.close();
    await Promise.all([...instances.values()].map((o) => o.stop()));
  }
}

/** h0's flow count at `entities` over `hosts` (the compiler as it is today). */
function flowsOnH0(entities: number, hosts: number): number {
  const s = snapshotOf(inventoryObjects({ entities, hosts }));
  return compileHost(s, 'h0', hostPorts(s, 'h0')).flows.length;
}

/** The inventory size (at most 40k entities) at which h0 holds about `flows` flows, so the bridge stays that big as the compiler shrinks. */
function bigEnough(flows: number, hosts: number): { entities: number; hosts: number } {
  let entities = 9000;
  for (let tries = 0; tries < 3; tries++) {
    const got = flowsOnH0(entities, hosts);
    if (Math.abs(got - flows) < flows * 0.15 || entities >= 40_000) break;
    entities = Math.min(40_000, Math.round((entities * flows) / got / 100) * 100);
  }
  return { entities, hosts };
}

async function bigBridge(ctx: BenchContext): Promise<Figure> {
  const size = ctx.quick ? { entities: 1000, hosts: 10 } : bigEnough(50_000, 50);
  const rounds = ctx.quick ? 3 : 5;
  const apps = 250;
  const instances = await startInstances(inventoryObjects(size), [0]);
  const ovs = instances.get(0)!;
  let svc: BenchService | null = null;
  try {
    // Only h0 has an OVS here: the other hosts' agents are elsewhere.
    svc = await startBenchService({ objects: inventoryObjects(size, (h) => (h === 0 ? { ovs_rundir: ovs.dir } : {})) });
    const only = new Set(['h0']);
    // A rule whose CIDR entry into the web tier lands on h0, so the change changes h0's flows.
    const web = snapshotOf(inventoryObjects(size)).entities.find(
      (e) => e.host === 'h0' && e.categories.AppTier === 'web',
    )!;
    const rule = Number(web.categories.AppType.slice(3));
    await waitRealized(svc, svc.store.generation(), 120_000, only);
    let before = await compiledFor(svc, 'h0');
    await ofctlBundle(ovs, BASE, 'replace-flows', await writeFlows(join(ovs.dir, 'big-0.flows'), before));
    const a: number[] = [];
    const b: number[] = [];
    let changed = 0;
    // Bounded: at least one change, then as many of the `rounds` as the budget allows.
    const budgetMs = ctx.quick ? 60_000 : 150_000;
    const t0 = Date.now();
    for (let k = 1; k <= rounds && (k === 1 || Date.now() - t0 < budgetMs); k++) {
      const s = svc;
      a.push(
        await timed(async () => {
          await s.api('PUT', `/v1/application-rules/rule${rule}`, changedRule(k, apps, rule));
          await waitRealized(s, s.store.generation(), 120_000, only);
        }),
      );
      const after = await compiledFor(s, 'h0');
      const diff = diffBundle(before, after);
      changed = diff.length;
      const file = await writeFlows(join(ovs.dir, `big-${k}.diff`), diff);
      b.push(await timed(() => ofctlBundle(ovs, BASE, 'add-flows', file)));
      before = after;
    }
    // The baseline did the real thing: its bridge holds the whole new set.
    const held = await flowCount(ovs, BASE);
    if (changed === 0) throw new Error(`the change of rule${rule} changed no flow on h0`);
    if (held !== before.length) throw new Error(`baseline bridge holds ${held} flows, expected ${before.length}`);
    return figure({
      name: 'realization_incremental_ms',
      value: median(a),
      unit: 'ms',
      baseline: median(b),
      target: 100,
      note: `one-rule change on a bridge of ${before.length} flows (h0 of ${size.entities} entities, ${size.hosts} hosts): API PUT → realized, median of ${a.length}${a.length < rounds ? ` of ${rounds} (the ${budgetMs / 1000} s budget ran out)` : ''}; baseline: one ovs-ofctl --bundle add-flows of the ${changed} changed flows (delete_strict + add)`,
    });
  } finally {
    await svc?.close();
    await ovs.stop();
  }
}

export const realizationSuite: Suite = {
  name: 'realization',
  figures: [
    { name: 'realization_p50_ratio', unit: 'ms', target: 1.5 },
    { name: 'realization_p99_ratio', unit: 'ms', target: 1.5 },
    IDLE,
    { name: 'realization_incremental_ms', unit: 'ms', target: 100 },
  ],
  run: (ctx) =>
    runParts(ctx, 'realization', [
      { figures: realizationSuite.figures.slice(0, 3), run: () => twentyHosts(ctx) },
      { figures: realizationSuite.figures.slice(3), run: async () => [await bigBridge(ctx)] },
    ]),
};
