/**
 * The agent with its host's incremental compiler in the compile pool (as the
 * embedded agents run), against a real ovs-vswitchd (dummy datapath): a change
 * (one rule, then one peer entity) is programmed as exactly the flows that
 * changed, by one ovs-ofctl, and leaves the bridge as a fresh full compile
 * loaded whole would; a compile error, a dead worker or a refused bundle keeps
 * the flows last programmed and reports why (no drift), and the next good
 * compile realizes.
 */
import type { Worker } from 'node:worker_threads';
import { HostAgent } from '../../service/agent/host-agent';
import { OvsDriver } from '../../service/agent/ovs-driver';
import { CompilePool } from '../../service/agent/compile-pool';
import { normalizeDump } from '../../service/agent/flows';
import { bundleOf, type FlowDiff } from '../../service/agent/flow-diff';
import { setDelta } from '../../service/agent/host-compile';
import { compileHost } from '../../service/compiler';
import type { AgentStatusReport } from '../../service/model/host-status';
import type { HostFlowCompiler, HostPorts, PolicyLink } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { inventoryObjects, snapshotOf, hostPorts } from '../../bench/lib/inventory';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { addReferenceBridge, startDummyOvs, type DummyOvs } from './dummy-ovs';

jest.setTimeout(180_000);

class MemoryLink implements PolicyLink {
  constructor(public snap: PolicySnapshot) {}
  async fetchPolicy() {
    return this.snap;
  }
  async reportStatus(_host: string, _s: AgentStatusReport) {}
}

/** An OvsDriver that keeps the bundles it was asked to apply. */
class RecordingDriver extends OvsDriver {
  diffs: FlowDiff[] = [];
  override async applyDiff(diff: FlowDiff): Promise<void> {
    this.diffs.push(diff);
    await super.applyDiff(diff);
  }
}

/** Processes started since `before` (driver.spawned), by program and subcommand. */
function started(driver: OvsDriver, before: Map<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of driver.spawned) if (v !== (before.get(k) ?? 0)) d[k] = v - (before.get(k) ?? 0);
  return d;
}

const mgmt = (o: DummyOvs, bridge: string) => `unix:${o.rundir}/${bridge}.mgmt`;
const dump = (o: DummyOvs, bridge = o.bridge) =>
  run('ovs-ofctl', ['--no-names', '--no-stats', 'dump-flows', mgmt(o, bridge)]).then(normalizeDump);

const SIZE = { entities: 120, hosts: 4 };
const HOST = 'h0';

describe('incremental realization', () => {
  let ovs: DummyOvs;
  let reference: OvsDriver;
  let ports: HostPorts;
  const pool = new CompilePool(1);
  const agents: HostAgent[] = [];
  const figures: string[] = [];
  const first = snapshotOf(inventoryObjects(SIZE), 1);

  /** The bridge equals a second one loaded whole with a fresh compileHost of `snap`. */
  const expectFreshCompile = async (snap: PolicySnapshot) => {
    await reference.replaceFlows(compileHost(snap, HOST, ports).flows);
    expect(await dump(ovs)).toEqual(await dump(ovs, 'br.full'));
  };

  beforeAll(async () => {
    const names = Object.keys(hostPorts(first, HOST));
    ovs = await startDummyOvs('br.microseg', names);
    ports = await new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }).readPorts();
    // br.full gets the same port numbers.
    reference = await addReferenceBridge(ovs, ports);
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
  });
  afterAll(async () => {
    await pool.close();
    await ovs?.stop();
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  test('a rule change and a peer entity change each program exactly the changed flows; the bridge equals a fresh full compile', async () => {
    const driver = new RecordingDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    const link = new MemoryLink(first);
    const agent = new HostAgent({ host: HOST, link, driver, compile: pool.forHost(HOST), intervalMs: 60_000 });
    agents.push(agent);
    agent.start();
    await eventually(
      'generation 1 programmed and settled',
      () => agent.last?.realized_generation === 1 && agent.settled(),
      {
        timeoutMs: margin(5000),
      },
    );
    await expectFreshCompile(first);

    // A rule of h0's: its CIDR entry into the web tier (as the bench changes it) gets another port.
    const target = first.entities.find((e) => e.host === HOST && e.categories.AppTier === 'web')!;
    const ruleName = `rule${Number(target.categories.AppType.slice(3))}`;
    const byRule = { ...first, generation: 2 };
    byRule.application_rules = first.application_rules.map((r) => {
      if (r.name !== ruleName) return r;
      const inbound = r.inbound.map((i, k) =>
        k === 3 ? { ...i, services: [{ protocol: 'tcp' as const, ports: ['80', '20001'] }] } : i,
      );
      return { ...r, inbound };
    });
    // A peer on another host moves to a new address (the same objects otherwise: only its flows change).
    const peer = first.entities.find((e) => e.host !== HOST && e.categories.AppType === target.categories.AppType)!;
    const byEntity = {
      ...byRule,
      generation: 3,
      entities: byRule.entities.map((e) => (e === peer ? { ...e, ips: ['10.200.0.7'] } : e)),
    };

    let before = first;
    for (const [what, next] of [
      ['one rule', byRule],
      ['one peer entity', byEntity],
    ] as const) {
      const bundles = driver.diffs.length;
      const spawns = new Map(driver.spawned);
      link.snap = next;
      const t0 = Date.now();
      agent.poke();
      await eventually(
        `generation ${next.generation} realized`,
        () => agent.last?.realized_generation === next.generation,
        {
          timeoutMs: margin(2000),
          intervalMs: 5,
        },
      );
      const ms = Date.now() - t0;
      await eventually('settled', () => agent.settled(), { timeoutMs: margin(1000) });
      // Exactly the lines that differ between the two whole compiles, in one bundle, by one ovs-ofctl.
      const d = setDelta(
        new Set(compileHost(before, HOST, ports).flows),
        new Set(compileHost(next, HOST, ports).flows),
      );
      const want = bundleOf(d.added, d.removed);
      expect(want.add.length + want.remove.length).toBeGreaterThan(0);
      expect(driver.diffs.length).toBe(bundles + 1);
      const sent = driver.diffs[bundles];
      expect(new Set(sent.add)).toEqual(new Set(want.add));
      expect(new Set(sent.remove)).toEqual(new Set(want.remove));
      const cost = started(driver, spawns);
      expect(cost['ovs-ofctl add-flows']).toBe(1);
      for (const whole of ['ovs-ofctl replace-flows', 'ovs-ofctl diff-flows', 'ovs-ofctl dump-flows'])
        expect(cost[whole]).toBeUndefined();
      await expectFreshCompile(next);
      figures.push(
        `${what} changed on a ${agent.last!.flow_count}-flow bridge: ${sent.add.length} adds + ${sent.remove.length} deletes in one bundle, realized in ${ms} ms; processes ${JSON.stringify(cost)}`,
      );
      before = next;
    }
  });

  test('a compile error, a dead worker or a refused bundle keeps the flows last programmed and says why; the next good compile realizes', async () => {
    const driver = new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    const link = new MemoryLink({ ...first, generation: 10 });
    const inner = pool.forHost(HOST);
    let killWorker = false;
    let inject: string | null = null;
    const compile: HostFlowCompiler = {
      async update(snapshot, p, restart) {
        if (killWorker) {
          killWorker = false;
          // The worker dies with the update on its way to it.
          for (const { worker } of (pool as unknown as { slots: { worker: Worker }[] }).slots) void worker.terminate();
        }
        const u = await inner.update(snapshot, p, restart);
        if (!inject) return u;
        const added = [...u.added, inject];
        inject = null;
        return { ...u, added, count: u.count + 1 };
      },
      close: () => inner.close(),
    };
    const agent = new HostAgent({ host: HOST, link, driver, compile, intervalMs: 60_000 });
    agents.push(agent);
    agent.start();
    await eventually('generation 10 realized', () => agent.last?.realized_generation === 10 && agent.settled(), {
      timeoutMs: margin(5000),
    });
    const kept = await dump(ovs);

    link.snap = { ...first, generation: 11, entities: null } as never;
    agent.poke();
    await eventually('the compile error reported', () => /cannot compile/.test(agent.last?.last_error ?? ''), {
      timeoutMs: margin(2000),
    });
    expect(agent.last).toMatchObject({ action: 'error', reachable: true, realized_generation: 10 });
    expect(await dump(ovs)).toEqual(kept);

    const good = { ...first, generation: 12, entities: first.entities.filter((e) => e.name !== 'e5') };
    const byPort = { ...good, generation: 14, entities: good.entities.filter((e) => e.name !== 'e9') };
    link.snap = good;
    killWorker = true;
    agent.poke();
    await eventually('the dead worker reported', () => /compile worker failed/.test(agent.last?.last_error ?? ''), {
      timeoutMs: margin(2000),
    });
    expect(agent.last).toMatchObject({ action: 'error', reachable: true, realized_generation: 10 });
    expect(await dump(ovs)).toEqual(kept);
    figures.push(`fail closed: "${agent.last!.last_error}"; the bridge kept generation 10's ${kept.length} flows`);

    agent.poke();
    await eventually('generation 12 realized on a new worker', () => agent.last?.realized_generation === 12, {
      timeoutMs: margin(5000),
    });
    expect(agent.last?.last_error).toBeNull();
    await expectFreshCompile(good);

    // A bundle the bridge refuses (an answer carrying a line ovs-ofctl rejects): atomic, so the bridge keeps
    // generation 12 and says why; that is no drift. The next answer, out of step with the bad one, is
    // compiled again whole and realized.
    inject = 'table=0,priority=7,actions=no_such_action';
    link.snap = { ...good, generation: 13 };
    agent.poke();
    await eventually(
      'the refused bundle reported',
      () => /cannot program the bridge/.test(agent.last?.last_error ?? ''),
      {
        timeoutMs: margin(2000),
      },
    );
    expect(agent.last).toMatchObject({ action: 'error', reachable: true, realized_generation: 12 });
    await expectFreshCompile(good);
    link.snap = { ...byPort, generation: 14 };
    agent.poke();
    await eventually('generation 14 realized', () => agent.last?.realized_generation === 14, {
      timeoutMs: margin(5000),
    });
    expect(agent.last).toMatchObject({ last_error: null, drift_repairs: 0 });
    await expectFreshCompile(byPort);
  });
});
