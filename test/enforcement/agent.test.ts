/**
 * The agent's reconcile loop against real ovs-vswitchd instances (dummy
 * datapath), with a stand-in compiler so only the agent is under test:
 * convergence, drift repair, late ports, unreachable hosts, restarts, atomicity.
 */
import { HostAgent } from '../../service/agent/host-agent';
import { OvsDriver } from '../../service/agent/ovs-driver';
import { normalizeDump } from '../../service/agent/flows';
import type { AgentStatusReport } from '../../service/model/host-status';
import type { CompiledFlows, CompileHost, HostPorts, PolicyLink } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { run } from '../../lab/exec';
import { vsctl } from '../../lab/ovs';
import { eventually, margin } from '../../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';

const fakeCompile = (snap: PolicySnapshot, host: string, ports: HostPorts): CompiledFlows => ({
  host,
  generation: snap.generation,
  flows: [
    'table=0,priority=0,actions=drop',
    ...snap.entities
      .filter((e) => e.host === host && ports[e.port] !== undefined)
      .map(
        (e) =>
          `cookie=0x${(e.ips.length + 1).toString(16)},table=0,priority=100,in_port=${ports[e.port]},ip,nw_src=${e.ips[0]},actions=resubmit(,1)`,
      ),
    'table=1,priority=0,actions=drop',
  ],
});

function snapshot(
  generation: number,
  hosts: string[],
  entities: { name: string; host: string; port: string; ip: string }[],
): PolicySnapshot {
  return {
    generation,
    categories: [],
    address_groups: [],
    service_groups: [],
    application_rules: [],
    isolation_rules: [],
    quarantine_rules: [],
    shared_service_rules: [],
    hosts: hosts.map((name) => ({ name, bridge: 'br.microseg', uplinks: [] })),
    entities: entities.map((e) => ({ name: e.name, host: e.host, port: e.port, ips: [e.ip], categories: {} })),
  };
}

class MemoryLink implements PolicyLink {
  statuses = new Map<string, AgentStatusReport>();
  reports = 0;
  constructor(public snap: PolicySnapshot) {}
  async fetchPolicy() {
    return this.snap;
  }
  async reportStatus(host: string, s: AgentStatusReport) {
    this.statuses.set(host, s);
    this.reports++;
  }
}

const dump = (o: DummyOvs) =>
  run('ovs-ofctl', ['--no-names', '--no-stats', 'dump-flows', `unix:${o.rundir}/${o.bridge}.mgmt`]).then(normalizeDump);

describe('host agent', () => {
  let ovs: DummyOvs;
  let link: MemoryLink;
  let agent: HostAgent;
  const agents: HostAgent[] = [];

  beforeAll(async () => {
    ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
    link = new MemoryLink(
      snapshot(
        1,
        ['ha', 'hx'],
        [
          { name: 'e1', host: 'ha', port: 'p1', ip: '10.0.0.1' },
          { name: 'e2', host: 'ha', port: 'p2', ip: '10.0.0.2' },
          { name: 'e3', host: 'ha', port: 'p3', ip: '10.0.0.3' },
        ],
      ),
    );
    agent = new HostAgent({
      host: 'ha',
      link,
      driver: new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }),
      compile: fakeCompile,
    });
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await ovs?.stop();
  });

  test('normalizeDump reads ovs-ofctl text', () => {
    expect(normalizeDump('NXST_FLOW reply (xid=0x4):\n table=1, b\n a\n\n')).toEqual(['a', 'table=1, b']);
  });

  test('the driver reads the ports and the fail mode as Open vSwitch has them, without a process', async () => {
    const driver = new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    const ofport = async (name: string) =>
      Number((await vsctl(ovs.rundir, ['get', 'Interface', name, 'ofport'])).trim());
    expect(await driver.readPorts()).toEqual({ p1: await ofport('p1'), p2: await ofport('p2') });
    expect(await driver.ensureSecure()).toBeNull();
    expect(driver.spawns).toBe(0);
    // A mode set by hand is read as such and made secure (by ovs-vsctl, which waits until it is applied).
    await vsctl(ovs.rundir, ['set-fail-mode', ovs.bridge, 'standalone']);
    expect(await driver.ensureSecure()).toBe('standalone');
    expect((await vsctl(ovs.rundir, ['get-fail-mode', ovs.bridge])).trim()).toBe('secure');
    expect(driver.spawned.get('ovs-vsctl set-fail-mode')).toBe(1);
    expect(driver.spawns).toBe(1);
  });

  test('first pass programs the bridge and reports the generation', async () => {
    const r = await agent.pass();
    expect(r).toMatchObject({
      action: 'programmed',
      realized_generation: 1,
      flow_count: 4,
      reachable: true,
      last_error: null,
      drift_repairs: 0,
    });
    expect(link.statuses.get('ha')).toEqual({
      realized_generation: 1,
      flow_count: 4,
      reachable: true,
      last_error: null,
      drift_repairs: 0,
      notice: null,
    });
    expect((await dump(ovs)).join('\n')).toMatch(/in_port=2/);
    expect((await agent.pass()).action).toBe('none');
  });

  test('out-of-band deletion and additions are repaired and counted', async () => {
    await run('ovs-ofctl', ['del-flows', `unix:${ovs.rundir}/${ovs.bridge}.mgmt`]);
    expect(await agent.pass()).toMatchObject({ action: 'repaired', drift_repairs: 1, flow_count: 4 });
    await run('ovs-ofctl', ['add-flow', `unix:${ovs.rundir}/${ovs.bridge}.mgmt`, 'table=3,priority=5,actions=drop']);
    expect(await agent.pass()).toMatchObject({ action: 'repaired', drift_repairs: 2, flow_count: 4 });
    await run('ovs-ofctl', ['mod-flows', `unix:${ovs.rundir}/${ovs.bridge}.mgmt`, 'table=1,actions=normal']);
    expect(await agent.pass()).toMatchObject({ action: 'repaired', drift_repairs: 3 });
    expect((await dump(ovs)).join('\n')).not.toMatch(/NORMAL|table=3/);
  });

  test('a policy change reprograms; a generation bump alone only moves realized_generation', async () => {
    link.snap = { ...link.snap, generation: 2 };
    expect(await agent.pass()).toMatchObject({ action: 'none', realized_generation: 2 });
    link.snap = { ...link.snap, generation: 3, entities: link.snap.entities.filter((e) => e.name !== 'e2') };
    expect(await agent.pass()).toMatchObject({ action: 'programmed', realized_generation: 3, flow_count: 3 });
  });

  test('an entity whose port appears later is enforced once the port exists', async () => {
    expect((await dump(ovs)).join('\n')).not.toMatch(/10\.0\.0\.3/);
    await ovs.addPort('p3');
    expect(await agent.pass()).toMatchObject({ action: 'programmed', flow_count: 4 });
    expect((await dump(ovs)).join('\n')).toMatch(/in_port=3,nw_src=10\.0\.0\.3/);
  });

  test('bad flows are refused atomically: the bridge keeps the old set and the error is reported', async () => {
    const before = await dump(ovs);
    const bad: CompileHost = (s, h, p) => ({
      ...fakeCompile(s, h, p),
      flows: [...fakeCompile(s, h, p).flows.slice(0, 2), 'table=0,priority=7,actions=no_such_action'],
    });
    const badAgent = new HostAgent({
      host: 'ha',
      link,
      driver: new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }),
      compile: bad,
    });
    const r = await badAgent.pass();
    expect(r.action).toBe('error');
    expect(r.last_error).toMatch(/cannot program the bridge: ovs-ofctl replace-flows: .*no_such_action/);
    expect(await dump(ovs)).toEqual(before);
  });

  test('an unreachable host reports its error and holds no other host back', async () => {
    const dead = new HostAgent({
      host: 'hx',
      link,
      driver: new OvsDriver({ rundir: '/nonexistent/ovs', bridge: 'br.microseg' }),
      compile: fakeCompile,
      intervalMs: 100,
    });
    const live = new HostAgent({
      host: 'ha',
      link,
      driver: new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }),
      compile: fakeCompile,
      intervalMs: 100,
    });
    agents.push(dead, live);
    link.snap = { ...link.snap, generation: 4 };
    dead.start();
    live.start();
    await eventually(
      'hx and ha report',
      () => link.statuses.get('hx') && link.statuses.get('ha')?.realized_generation === 4,
      { timeoutMs: margin(1000) },
    );
    expect(link.statuses.get('hx')).toMatchObject({ reachable: false, realized_generation: null, flow_count: null });
    expect(link.statuses.get('hx')!.last_error).toMatch(
      /cannot reach Open vSwitch: openflow port-desc: .*\/nonexistent\/ovs\/br\.microseg\.mgmt/,
    );
    expect(link.statuses.get('ha')).toMatchObject({ reachable: true, realized_generation: 4, last_error: null });
    await dead.stop();
    await live.stop();
  });

  test('a host missing from the policy is reported, not guessed at', async () => {
    const a = new HostAgent({
      host: 'nope',
      link,
      driver: new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }),
      compile: fakeCompile,
    });
    expect((await a.pass()).last_error).toBe('host "nope" is not in the policy');
  });

  test('a running loop repairs drift at once through its flow monitor, long before the interval', async () => {
    const slowDriver = new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    const slow = new HostAgent({
      host: 'ha',
      link,
      driver: slowDriver,
      compile: fakeCompile,
      intervalMs: 60_000,
    });
    agents.push(slow);
    slow.start();
    await eventually('the first pass', () => slow.last?.realized_generation === link.snap.generation, {
      timeoutMs: margin(1000),
    });
    const want = await dump(ovs);
    const repairs = slow.last!.drift_repairs;
    await run('ovs-ofctl', ['del-flows', `unix:${ovs.rundir}/${ovs.bridge}.mgmt`]);
    // At once: promise 1 s, bound margin(1000), far below the 60 s interval.
    const repaired = await eventually('drift repaired', async () => (await dump(ovs)).length === want.length, {
      timeoutMs: margin(1000),
      intervalMs: 20,
    });
    expect(await dump(ovs)).toEqual(want);
    await eventually('the repair reported', () => slow.last!.drift_repairs === repairs + 1, {
      timeoutMs: margin(1000),
    });
    // A port that appears is enforced at once too (ovsdb monitor), not at the next interval.
    link.snap = {
      ...link.snap,
      generation: link.snap.generation + 1,
      entities: [...link.snap.entities, { name: 'e4', host: 'ha', port: 'p4', ips: ['10.0.0.4'], categories: {} }],
    };
    await ovs.addPort('p4');
    const port = await eventually(
      'the new port enforced',
      async () => (await dump(ovs)).join('\n').includes('nw_src=10.0.0.4'),
      { timeoutMs: margin(1000), intervalMs: 20 },
    );
    process.stdout.write(
      `flow monitor: drift repaired in ${repaired.ms} ms, new port enforced in ${port.ms} ms (promise 1000, bound ${margin(1000)})\n`,
    );
    // The new port was realized as a bundle of its flow alone: the monitor's events for it are ours, not drift.
    await eventually('the new generation reported', () => slow.last?.realized_generation === link.snap.generation, {
      timeoutMs: margin(1000),
    });
    expect(slow.last!.drift_repairs).toBe(repairs + 1);
    // A pass in which nothing changed starts no process (the idle test counts across intervals).
    await eventually('nothing left to check', () => slow.settled(), { timeoutMs: margin(1000) });
    const spawns = slowDriver.spawns;
    const reports = link.reports;
    slow.poke();
    await eventually('the poked pass reported', () => link.reports > reports, { timeoutMs: margin(1000) });
    expect(slow.last).toMatchObject({ action: 'none', drift_repairs: repairs + 1 });
    expect(slowDriver.spawns).toBe(spawns);
    await slow.stop();
  });

  test('a change never waits behind the periodic full check: it is realized while the check is held up', async () => {
    /** The real driver whose whole-bridge comparison can be held: a full check that takes long. */
    class HeldDriver extends OvsDriver {
      hold: { release: () => void; held: boolean; done: Promise<void> } | null = null;
      override async diffFlows(flows: string[]) {
        if (this.hold) {
          this.hold.held = true;
          await this.hold.done;
        }
        return super.diffFlows(flows);
      }
    }
    const driver = new HeldDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    // A full check due at every pass: without the backstop beside the loop each change would wait for one.
    const a = new HostAgent({ host: 'ha', link, driver, compile: fakeCompile, intervalMs: 60_000, fullCheckMs: 1 });
    agents.push(a);
    a.start();
    await eventually(
      'realized and settled',
      () => a.last?.realized_generation === link.snap.generation && a.settled(),
      {
        timeoutMs: margin(2000),
      },
    );
    let release = () => undefined as void;
    const done = new Promise<void>((r) => (release = r));
    const hold = { release, held: false, done };
    driver.hold = hold;
    a.poke();
    await eventually('a full check held up', () => hold.held, { timeoutMs: margin(1000) });
    const repairs = a.last!.drift_repairs;
    link.snap = {
      ...link.snap,
      generation: link.snap.generation + 1,
      entities: [...link.snap.entities, { name: 'e9', host: 'ha', port: 'p1', ips: ['10.0.0.9'], categories: {} }],
    };
    a.poke();
    const { ms } = await eventually(
      'the change on the bridge',
      async () =>
        a.last?.realized_generation === link.snap.generation &&
        (await dump(ovs)).join('\n').includes('nw_src=10.0.0.9'),
      { timeoutMs: margin(1000), intervalMs: 20 },
    );
    process.stdout.write(
      `a change realized in ${ms} ms while a full check was held (promise 1000, bound ${margin(1000)})\n`,
    );
    // Still held: the change did not wait for it.
    expect(a.settled()).toBe(false);
    driver.hold = null;
    hold.release();
    // Its comparison predates the change: dropped, not taken for drift.
    await eventually('settled', () => a.settled(), { timeoutMs: margin(2000) });
    expect(a.last!.drift_repairs).toBe(repairs);
    await a.stop();
  });

  test('after an ovs-vswitchd restart the empty bridge is reprogrammed by the running loop', async () => {
    const looping = new HostAgent({
      host: 'ha',
      link,
      driver: new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }),
      compile: fakeCompile,
      intervalMs: 200,
    });
    agents.push(looping);
    looping.start();
    await eventually('the first pass', () => looping.last?.realized_generation === link.snap.generation, {
      timeoutMs: margin(1000),
    });
    const want = await dump(ovs);
    await ovs.restartVswitchd();
    // Promise 2 s, bound margin(2000).
    const { ms, value: now } = await eventually(
      'the bridge reprogrammed',
      async () => {
        const flows = await dump(ovs);
        return flows.length === want.length && flows;
      },
      { timeoutMs: margin(2000), intervalMs: 50 },
    );
    process.stdout.write(
      `bridge reprogrammed ${ms} ms after the ovs-vswitchd restart (promise 2000, bound ${margin(2000)})\n`,
    );
    expect(now).toEqual(want);
    await looping.stop();
  });
});
