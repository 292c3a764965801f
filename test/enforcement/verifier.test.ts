/**
 * The agent's verifier against a real ovs-vswitchd (dummy datapath) programmed
 * by the real agent and compiler with the three-tier policy (apply) of host ha:
 * on the healthy bridge verified_generation reaches realized_generation with no
 * disagreement and idle passes trace nothing; with the agent stopped, the test
 * loads flows that allow what the policy denies, runs one verifier pass, and
 * that pass reports the connections with both verdicts, leaving the flows alone.
 */
import { HostAgent } from '../../service/agent/host-agent';
import { OvsDriver } from '../../service/agent/ovs-driver';
import { Verifier } from '../../service/agent/verifier';
import { compileHost } from '../../service/compiler';
import { MAX_REPORTED_DISAGREEMENTS, type AgentStatusReport } from '../../service/model/host-status';
import type { PolicyLink } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { eventually } from '../../lab/eventually';
import { threeTier } from '../policy/fixtures';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';

class MemoryLink implements PolicyLink {
  statuses: AgentStatusReport[] = [];
  constructor(public snap: PolicySnapshot) {}
  async fetchPolicy() {
    return this.snap;
  }
  async reportStatus(_host: string, s: AgentStatusReport) {
    this.statuses.push(s);
  }
}

describe('verifier', () => {
  let ovs: DummyOvs;
  let driver: OvsDriver;
  const policy = threeTier('apply');
  const local = policy.entities.filter((e) => e.host === 'ha');
  let traces = 0;

  beforeAll(async () => {
    ovs = await startDummyOvs('br.microseg', ['up', ...local.map((e) => e.port)]);
    driver = new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge });
  });
  afterAll(async () => {
    await ovs?.stop();
  });

  const counting = () => (flow: string, ctNext: string[]) => {
    traces++;
    return driver.trace(flow, ctNext);
  };

  test('healthy bridge: verified_generation equals realized_generation; idle passes trace nothing', async () => {
    const link = new MemoryLink(policy);
    const verifier = new Verifier({ host: 'ha', trace: counting() });
    const agent = new HostAgent({ host: 'ha', link, driver, compile: compileHost, verifier, intervalMs: 50 });
    agent.start();
    try {
      const last = () => link.statuses[link.statuses.length - 1];
      await eventually('ha verified', () => last()?.verified_generation === 1, { timeoutMs: 30_000 });
      expect(last()).toMatchObject({ realized_generation: 1, verified_generation: 1, verify_disagreements: [] });
      const afterFirst = traces;
      console.log(`first verification: ${afterFirst} traces (sample 8)`);
      expect(afterFirst).toBeGreaterThan(0);
      expect(afterFirst).toBeLessThanOrEqual(8);
      // Idle passes (the same generation and ports) spawn no trace.
      const reports = link.statuses.length;
      await eventually('five more passes', () => link.statuses.length >= reports + 5, { timeoutMs: 30_000 });
      expect(traces).toBe(afterFirst);
      // A new generation is verified again, with the next connections of the rotation.
      link.snap = { ...policy, generation: 2 };
      await eventually('generation 2 verified', () => last()?.verified_generation === 2, { timeoutMs: 30_000 });
      expect(last()).toMatchObject({ realized_generation: 2, verify_disagreements: [] });
      expect(traces).toBeGreaterThan(afterFirst);
    } finally {
      await agent.stop();
    }
  }, 90_000);

  test('wrong flows loaded while the agent is stopped: one pass reports the disagreements, changes nothing', async () => {
    const ports = await driver.readPorts();
    // The policy's flows without its application rule: everything the shop rule denies is allowed.
    const wrong = compileHost({ ...policy, application_rules: [] }, 'ha', ports).flows;
    await driver.replaceFlows(wrong);
    const before = await driver.dumpFlows();
    // A sample as large as the host's connections: one pass covers them all.
    const verifier = new Verifier({ host: 'ha', trace: counting(), sample: 1000 });
    const result = await verifier.verify(policy, ports, policy.generation);
    console.log(
      `one pass: ${result.checked} connections traced, ${result.skipped} skipped, ${result.disagreements.length} disagreements; first ${JSON.stringify(result.disagreements[0])}`,
    );
    expect(result.checked).toBeGreaterThan(20);
    expect(result.disagreements.length).toBeGreaterThan(0);
    // web1 → app1 ssh: the shop rule denies it; the loaded flows let it through.
    expect(result.disagreements).toContainEqual({
      src: 'web1',
      dst: 'app1',
      protocol: 'tcp',
      port: 22,
      explain: { verdict: 'deny', rule: 'shop' },
      bridge: { verdict: 'allow', rule: null, dropped_at: null },
      problem: 'both ends on this host: the traced verdict or rule differs from explain()',
    });
    // The bridge allows each of them by default (no rule): explain() denies it, or allows it by the shop rule.
    for (const d of result.disagreements) {
      expect(d.bridge).toEqual({ verdict: 'allow', rule: null, dropped_at: null });
      expect(d.explain.rule).toBe('shop');
    }
    expect(result.disagreements.filter((d) => d.explain.verdict === 'deny').length).toBeGreaterThan(0);
    expect(verifier.status()).toEqual({
      verified_generation: null,
      verify_disagreements: result.disagreements.slice(0, MAX_REPORTED_DISAGREEMENTS),
    });
    // The verifier only traced: the wrong flows are still there.
    expect(await driver.dumpFlows()).toEqual(before);

    // The policy's own flows back: a whole-host pass finds nothing.
    await driver.replaceFlows(compileHost(policy, 'ha', ports).flows);
    const healthy = await verifier.verify(policy, ports, policy.generation);
    expect(healthy.disagreements).toEqual([]);
    expect(healthy.checked).toBe(result.checked);
    expect(verifier.status().verified_generation).toBe(policy.generation);
  }, 90_000);

  test('the rotating cursor: passes of 8 cover every connection of the host, then start over', async () => {
    const ports = await driver.readPorts();
    await driver.replaceFlows(compileHost(policy, 'ha', ports).flows);
    const traced = (into: string[]) => (flow: string, ctNext: string[]) => {
      into.push(flow);
      return driver.trace(flow, ctNext);
    };
    const all: string[] = [];
    const whole = await new Verifier({ host: 'ha', trace: traced(all), sample: 1000 }).verify(policy, ports, 1);
    const rotated: string[] = [];
    const verifier = new Verifier({ host: 'ha', trace: traced(rotated) });
    let passes = 0;
    while (new Set(rotated).size < new Set(all).size && passes < 100) {
      const r = await verifier.verify(policy, ports, 1);
      expect(r.checked + r.skipped).toBeLessThanOrEqual(8);
      expect(r.disagreements).toEqual([]);
      passes++;
    }
    console.log(`${whole.checked} connections covered by ${passes} passes of 8 (${rotated.length} traces)`);
    expect(new Set(rotated)).toEqual(new Set(all));
    expect(passes).toBe(Math.ceil(whole.checked / 8));
    // The next pass starts over from the first connections.
    const before = rotated.length;
    await verifier.verify(policy, ports, 1);
    expect(rotated.slice(before)).toEqual(rotated.slice(0, 8));
  }, 120_000);
});
