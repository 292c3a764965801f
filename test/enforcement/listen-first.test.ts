/**
 * An agent's first full check listens first: the flow monitor is started, and
 * waited for, before the bridge is compared and programmed, so that once the
 * first realization is reported the bridge is not compared again (before, a
 * second whole-bridge comparison followed the monitors' start, right after the
 * first realization: at 60,000 flows per host the first change after start-up
 * waited behind it). The load of an empty bridge is reported by the monitor as
 * the agent's own (no drift); a flow added by hand afterwards still is drift,
 * repaired. Real ovs-vswitchd (dummy datapath).
 */
import { HostAgent } from '../../service/agent/host-agent';
import { OvsDriver } from '../../service/agent/ovs-driver';
import type { AgentStatusReport } from '../../service/model/host-status';
import type { CompiledFlows, HostPorts, PolicyLink } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { snap } from '../policy/fixtures';

jest.setTimeout(120_000);

const PORTS = 40;
/** A few hundred flows in two tables, with cookies, as the compiler's are. */
const compile = (s: PolicySnapshot, host: string, ports: HostPorts): CompiledFlows => ({
  host,
  generation: s.generation,
  flows: [
    'table=0,priority=0,actions=drop',
    'table=1,priority=0,actions=drop',
    ...Object.values(ports).flatMap((p) =>
      Array.from(
        { length: 10 },
        (_, k) =>
          `cookie=0x${(p * 16 + k).toString(16)},table=${k % 2},priority=100,in_port=${p},ip,nw_dst=10.1.${p}.${k},actions=${k % 2 ? 'drop' : 'resubmit(,1)'}`,
      ),
    ),
  ],
});

const view = snap({ hosts: [{ name: 'ha', bridge: 'br.microseg', uplinks: [] }] });

/** The whole-bridge commands a driver has run so far. */
const wholeBridge = (d: OvsDriver) =>
  (d.spawned.get('ovs-ofctl diff-flows') ?? 0) + (d.spawned.get('ovs-ofctl replace-flows') ?? 0);

describe('the first full check listens first', () => {
  let ovs: DummyOvs;
  beforeAll(async () => {
    ovs = await startDummyOvs(
      'br.microseg',
      Array.from({ length: PORTS }, (_, i) => `p${i}`),
    );
  });
  afterAll(async () => {
    await ovs?.stop();
  });

  test('no whole-bridge comparison after the first realization; drift after it is still repaired', async () => {
    const driver = new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
    let atFirstReport: number | null = null;
    let last: AgentStatusReport | null = null;
    const link: PolicyLink = {
      fetchPolicy: async () => view,
      reportStatus: async (_h, s) => {
        if (s.realized_generation === 1 && atFirstReport === null) atFirstReport = wholeBridge(driver);
        last = s;
      },
    };
    const agent = new HostAgent({ host: 'ha', link, driver, compile, intervalMs: 30_000 });
    try {
      agent.start();
      const until = (what: string, f: () => boolean | Promise<boolean>) =>
        eventually(what, f, { timeoutMs: margin(5000), intervalMs: 20 });
      await until('generation 1 realized and the agent settled', () => atFirstReport !== null && agent.settled());
      const flows = compile(view, 'ha', await driver.readPorts()).flows.length;
      process.stdout.write(
        `first realization of ${flows} flows: ${atFirstReport} whole-bridge commands when reported, ${wholeBridge(driver)} once settled\n`,
      );
      expect(wholeBridge(driver)).toBe(atFirstReport);
      expect(last!.drift_repairs).toBe(0);
      expect(agent.last?.action).toBe('programmed');

      // A flow added by hand is drift: the monitor reports it and the agent repairs it.
      await run('ovs-ofctl', [
        'add-flow',
        `unix:${ovs.rundir}/${ovs.bridge}.mgmt`,
        'table=0,priority=5,actions=NORMAL',
      ]);
      await until('the hand-made flow repaired', () => last?.drift_repairs === 1);
      const dump = await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${ovs.rundir}/${ovs.bridge}.mgmt`]);
      expect(dump).not.toMatch(/NORMAL/);
    } finally {
      await agent.stop();
    }
  });
});
