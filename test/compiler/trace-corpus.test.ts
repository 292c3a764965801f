/**
 * Trace tests on a fixed corpus: every ordered endpoint pair × packet of each
 * corpus policy gets from the compiled flows (ofproto/trace on a dummy OVS)
 * the verdict explain() gives, with the would-deny mark and rule checked.
 */
import { OvsDummy } from '../support/ovs-dummy';
import { CORPUS } from './corpus';
import { exhaustiveQueries } from './samples';
import { BridgePool, checkSamples, describeMismatches, loadHosts, planHosts, planSample, type PlannedSample } from './trace-harness';

let ovs: OvsDummy;
let pool: BridgePool;

beforeAll(async () => {
  ovs = await OvsDummy.start();
  pool = await BridgePool.create(ovs, `c${process.pid % 100000}`, 2);
}, 60_000);
afterAll(async () => { await ovs?.stop(); });

const counts: Record<string, { traces: number; verdicts: Record<string, number> }> = {};

describe.each(Object.entries(CORPUS))('%s', (name, snapshot) => {
  test('compiled flows agree with explain() for every pair and packet', async () => {
    const plans = planHosts(snapshot, pool.bridges);
    await loadHosts(ovs, plans);
    const samples = exhaustiveQueries(snapshot).map((q) => planSample(snapshot, plans, q)).filter((s): s is PlannedSample => s !== null);
    const mismatches = await checkSamples(ovs, pool, samples);
    const verdicts: Record<string, number> = {};
    for (const s of samples) verdicts[s.expected.verdict] = (verdicts[s.expected.verdict] ?? 0) + 1;
    counts[name] = { traces: samples.reduce((n, s) => n + s.steps.length, 0), verdicts };
    if (mismatches.length) throw new Error(describeMismatches(snapshot, mismatches));
    expect(samples.length).toBeGreaterThan(0);
  }, 180_000);
});

afterAll(() => {
  const total = Object.values(counts).reduce((n, c) => n + c.traces, 0);
  console.log(`corpus: ${Object.keys(counts).length} policies, ${total} traces\n${JSON.stringify(counts, null, 1)}`);
});
