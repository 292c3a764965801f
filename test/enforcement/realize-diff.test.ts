/**
 * How the agent realizes a change, against real ovs-vswitchd instances (dummy
 * datapath): one `ovs-ofctl --bundle add-flows` of only the changed flows (and
 * the bridge after it holds what a full load of the compiled set gives), no
 * process at all while nothing changes (observations and verifier included: they
 * speak to ovs-vswitchd over its sockets), and a one-rule change on a
 * 50,000-flow bridge in one small bundle.
 */
import { ChildProcess } from 'node:child_process';
import { HostAgent } from '../../service/agent/host-agent';
import { Verifier } from '../../service/agent/verifier';
import { observationAfterPass } from '../../service/agent/observe';
import { pipelineDecoder } from '../../service/agent/decode';
import type { ObservationReportT } from '../../service/model/observation';
import { OvsDriver } from '../../service/agent/ovs-driver';
import { normalizeDump } from '../../service/agent/flows';
import { parseFlowEvent } from '../../service/agent/ovs-driver';
import { bundleOf, flowIdentity, bundleText, type FlowDiff } from '../../service/agent/flow-diff';
import { setDelta } from '../../service/agent/host-compile';
import { compileHost } from '../../service/compiler';
import type { AgentStatusReport } from '../../service/model/host-status';
import type { CompiledFlows, HostFlowCompiler, HostPorts, PolicyLink } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { threeTier } from '../policy/fixtures';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { addReferenceBridge, startDummyOvs, type DummyOvs } from './dummy-ovs';

jest.setTimeout(180_000);

class MemoryLink implements PolicyLink {
  reports = 0;
  observations: ObservationReportT[] = [];
  constructor(public snap: PolicySnapshot) {}
  async fetchPolicy() {
    return this.snap;
  }
  async reportStatus(_host: string, _s: AgentStatusReport) {
    this.reports++;
  }
  async reportObservations(_host: string, report: ObservationReportT) {
    this.observations.push(report);
  }
}

/** An OvsDriver that keeps what it was asked to send. */
class RecordingDriver extends OvsDriver {
  diffs: FlowDiff[] = [];
  replaced = 0;
  override async applyDiff(diff: FlowDiff): Promise<void> {
    this.diffs.push(diff);
    await super.applyDiff(diff);
  }
  override async replaceFlows(flows: string[]): Promise<void> {
    this.replaced++;
    await super.replaceFlows(flows);
  }
}

/** What grew in `now` since `before`, by key. */
function grown(now: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of now) if (v !== (before.get(k) ?? 0)) d[k] = v - (before.get(k) ?? 0);
  return d;
}
/** Processes started since `before` (driver.spawned), by program and subcommand. */
const started = (driver: OvsDriver, before: Map<string, number>) => grown(driver.spawned, before);

/** Every child process this test process starts (spawn, execFile and exec all go through ChildProcess#spawn). */
function countSpawns(): { count: () => number; restore: () => void } {
  // Internal to Node (not in its types), and what every child process goes through.
  const spy = jest.spyOn(ChildProcess.prototype as unknown as { spawn: (o: unknown) => void }, 'spawn');
  return { count: () => spy.mock.calls.length, restore: () => spy.mockRestore() };
}

const mgmt = (o: DummyOvs, bridge = o.bridge) => `unix:${o.rundir}/${bridge}.mgmt`;
const dump = (o: DummyOvs, bridge = o.bridge) =>
  run('ovs-ofctl', ['--no-names', '--no-stats', 'dump-flows', mgmt(o, bridge)]).then(normalizeDump);

describe('realizing the difference', () => {
  let ovs: DummyOvs;
  const agents: HostAgent[] = [];
  const figures: string[] = [];

  beforeAll(async () => {
    ovs = await startDummyOvs('br.microseg', ['p-web1', 'p-app1', 'p-db1']);
  });
  // A failed test must not leave its loop fighting the next one over the bridge.
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
  });
  afterAll(async () => {
    await ovs?.stop();
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  test('the pure parts: a diff names only changed flows, deletes by identity first, and monitor lines parse', () => {
    const a = 'cookie=0x1,table=0,priority=100,ip,nw_src=10.0.0.1 actions=drop';
    const b = 'cookie=0x2,table=0,priority=100,ip,nw_src=10.0.0.2 actions=drop';
    const b2 = 'cookie=0x3,table=0,priority=100,ip,nw_src=10.0.0.2 actions=goto_table:1';
    const c = 'cookie=0x4,table=1,priority=0 actions=drop';
    expect(flowIdentity(b2)).toBe('table=0,priority=100,ip,nw_src=10.0.0.2');
    // b → b2 keeps its identity: one add replaces it; a goes; c stays untouched.
    const { added, removed } = setDelta(new Set([a, b, c]), new Set([b2, c]));
    const d = bundleOf(added, removed);
    expect(d).toEqual({ add: [b2], remove: [a] });
    expect(bundleText(d)).toBe(
      'delete_strict table=0,priority=100,ip,nw_src=10.0.0.1\nadd cookie=0x3,table=0,priority=100,ip,nw_src=10.0.0.2 actions=goto_table:1\n',
    );
    expect(parseFlowEvent(' event=DELETED reason=delete table=2 cookie=0x2a ip,in_port=1 actions=drop')).toEqual({
      event: 'DELETED',
      table: 2,
      cookie: 42n,
    });
    expect(parseFlowEvent(' event=ADDED table=0 cookie=0 in_port=2')).toEqual({ event: 'ADDED', table: 0, cookie: 0n });
    expect(parseFlowEvent(' event=SOMETHING')).toBeNull();
  });

  test('a policy change is one bundle of only the changed flows; the bridge then equals a full load', async () => {
    const driver = new RecordingDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    const link = new MemoryLink(threeTier());
    const verifier = new Verifier({ host: 'ha', trace: (flow, ctNext) => driver.trace(flow, ctNext) });
    const agent = new HostAgent({ host: 'ha', link, driver, verifier, compile: compileHost, intervalMs: 60_000 });
    agents.push(agent);
    agent.start();
    await eventually('programmed and settled', () => agent.last?.realized_generation === 1 && agent.settled(), {
      timeoutMs: margin(2000),
    });
    const ports: HostPorts = { 'p-web1': 1, 'p-app1': 2, 'p-db1': 3 };
    const before = compileHost(link.snap, 'ha', ports).flows;
    const replacedBefore = driver.replaced;
    const spawns = new Map(driver.spawned);
    const requests = new Map(driver.unixctl.calls);

    // One rule changes: web → app moves from tcp/8080-8089 to tcp/9090.
    const next = structuredClone(link.snap);
    next.generation = 2;
    next.application_rules[0].inbound[0].services = [{ protocol: 'tcp', ports: ['9090'] }];
    link.snap = next;
    agent.poke();
    await eventually(
      'generation 2 realized and verified',
      () => agent.last?.realized_generation === 2 && agent.settled() && verifier.status().verified_generation === 2,
      { timeoutMs: margin(2000) },
    );
    const after: CompiledFlows = compileHost(next, 'ha', ports);
    const sent = driver.diffs[driver.diffs.length - 1];
    // What was sent: exactly the new lines, and the old lines whose flow is gone, nothing else.
    const old = new Set(before);
    const now = new Set(after.flows);
    expect(new Set(sent.add)).toEqual(new Set(after.flows.filter((l) => !old.has(l))));
    for (const l of sent.remove) expect(now.has(l)).toBe(false);
    expect(sent.add.length + sent.remove.length).toBeGreaterThan(0);
    expect(sent.add.length + sent.remove.length).toBeLessThan(after.flows.length / 4);
    expect(driver.replaced).toBe(replacedBefore);
    // One process realizes it; one conntrack dump (after the report) finds what it now denies, and the
    // verifier's traces follow, both over ovs-vswitchd's control socket (no process).
    const cost = started(driver, spawns);
    expect(cost).toEqual({ 'ovs-ofctl add-flows': 1 });
    const asked = grown(driver.unixctl.calls, requests);
    expect(asked).toEqual({ 'dpctl/dump-conntrack': 1, 'ofproto/trace': expect.any(Number) });
    expect(asked['ofproto/trace']).toBeGreaterThan(0);

    // The bridge: the same as a second bridge loaded with the full compile in one replace-flows.
    const reference = await addReferenceBridge(ovs, {
      'p-web1': ports['p-web1'],
      'p-app1': ports['p-app1'],
      'p-db1': ports['p-db1'],
    });
    await reference.replaceFlows(after.flows);
    expect(await dump(ovs)).toEqual(await dump(ovs, 'br.full'));
    expect(await driver.diffFlows(after.flows)).toEqual({ missing: 0, unexpected: 0 });
    figures.push(
      `one-rule change on a ${after.flows.length}-flow bridge: ${sent.add.length} adds + ${sent.remove.length} deletes in one bundle; processes: ${JSON.stringify(cost)}; control-socket requests: ${JSON.stringify(asked)}`,
    );
  });

  test('an idle agent starts no process across many intervals, observations and verifier included', async () => {
    const driver = new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    const link = new MemoryLink(threeTier());
    const verifier = new Verifier({ host: 'ha', trace: (flow, ctNext) => driver.trace(flow, ctNext) });
    // Observations on every pass (the default is every 5 s): conntrack and the rule counters each time, and
    // each round sent even with nothing new (by default a quiet round sends nothing), so the rounds are seen.
    const observe = observationAfterPass({ link, decoderFor: pipelineDecoder, intervalMs: 1, quietMs: 0 });
    const agent = new HostAgent({
      host: 'ha',
      link,
      driver,
      verifier,
      compile: compileHost,
      intervalMs: 50,
      afterPass: () => observe('ha', ovs.rundir, ovs.bridge),
    });
    agents.push(agent);
    agent.start();
    await eventually(
      'programmed, verified and settled',
      () => agent.last?.reachable && agent.settled() && verifier.status().verified_generation === 1,
      { timeoutMs: margin(2000) },
    );
    const spawns = driver.spawns;
    const reports = link.reports;
    const observed = link.observations.length;
    const children = countSpawns();
    const t0 = Date.now();
    try {
      await eventually('twenty idle passes', () => link.reports >= reports + 20, { timeoutMs: margin(20 * 50) });
      expect(children.count()).toBe(0);
    } finally {
      children.restore();
    }
    expect(driver.spawns).toBe(spawns);
    expect(agent.last).toMatchObject({ action: 'none', reachable: true, last_error: null });
    // The observations did run, and read the bridge's counters: its microseg cookies, decoded.
    const rounds = link.observations.slice(observed);
    expect(rounds.length).toBeGreaterThanOrEqual(10);
    expect(rounds[rounds.length - 1].counters?.length).toBeGreaterThan(0);
    figures.push(
      `idle: ${link.reports - reports} passes and ${rounds.length} observation rounds in ${Date.now() - t0} ms (interval 50 ms), ${children.count()} processes started`,
    );
  });

  test('a one-rule change on a 50,000-flow bridge is realized by one ovs-ofctl of the changed flow alone (promise 100 ms)', async () => {
    const N = 50_000;
    const line = (i: number, actions = 'goto_table:1') =>
      `cookie=0x${(i + 1).toString(16)},table=0,priority=100,ip,nw_src=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} actions=${actions}`;
    // As an incremental compiler answers (host-compile.ts): the whole set first, then only what changed.
    const base = ['cookie=0x0,table=0,priority=0 actions=drop', 'cookie=0x0,table=1,priority=0 actions=drop'];
    for (let i = 0; i < N; i++) base.push(line(i));
    const changed = line(777, 'drop');
    const compile: HostFlowCompiler = {
      update: (s, _ports, restart) =>
        s.generation === 2 && !restart
          ? { generation: 2, since: 1, seq: 2, added: [changed], removed: [line(777)], count: N + 2 }
          : {
              generation: s.generation,
              since: 0,
              seq: 1,
              added: s.generation === 2 ? base.map((l) => (l === line(777) ? changed : l)) : base,
              removed: [],
              count: N + 2,
            },
      close: () => undefined,
    };
    const link = new MemoryLink({ ...threeTier(), generation: 1 });
    const driver = new RecordingDriver({ rundir: ovs.rundir, bridge: ovs.bridge, timeoutMs: 120_000 });
    const agent = new HostAgent({
      host: 'ha',
      link,
      driver,
      compile,
      intervalMs: 60_000,
    });
    agents.push(agent);
    const t0 = Date.now();
    agent.start();
    await eventually('50,000 flows programmed and settled', () => agent.last?.flow_count === N + 2 && agent.settled(), {
      timeoutMs: 150_000,
      intervalMs: 100,
    });
    const loadMs = Date.now() - t0;
    const spawns = new Map(driver.spawned);
    link.snap = { ...link.snap, generation: 2 };
    const t1 = Date.now();
    agent.poke();
    const { ms } = await eventually('the one-rule change realized', () => agent.last?.realized_generation === 2, {
      timeoutMs: margin(100) + 5_000,
      intervalMs: 2,
    });
    const sent = driver.diffs[driver.diffs.length - 1];
    expect(sent.add).toEqual([line(777, 'drop')]);
    expect(sent.remove).toEqual([]);
    await eventually('settled', () => agent.settled(), { timeoutMs: margin(1000) });
    expect(started(driver, spawns)).toEqual({ 'ovs-ofctl add-flows': 1 });
    expect((await dump(ovs)).filter((l) => l.includes('nw_src=10.0.3.9 '))).toEqual([
      'cookie=0x30a, priority=100,ip,nw_src=10.0.3.9 actions=drop',
    ]);
    figures.push(
      `one-rule change on a ${N + 2}-flow bridge realized in ${ms} ms (promise 100, bound ${margin(100)}; poke → realized, ${Date.now() - t1} ms to here); the first full load took ${loadMs} ms`,
    );
    expect(ms).toBeLessThan(margin(100));
  });
});
