/**
 * Trace tests on a fixed corpus: every ordered endpoint pair × packet of each
 * corpus policy gets from the compiled flows (ofproto/trace on a dummy OVS)
 * the verdict explain() gives, with the would-deny mark and rule checked.
 */
import { CORPUS } from './corpus';
import { exhaustiveQueries } from './samples';
import {
  dummyPool,
  checkSamples,
  describeMismatches,
  loadHosts,
  planHosts,
  planSample,
  type PlannedSample,
} from './trace-harness';

const lab = dummyPool('c', 2);

const counts: Record<string, { traces: number; verdicts: Record<string, number> }> = {};

describe.each(Object.entries(CORPUS))('%s', (name, snapshot) => {
  test('compiled flows agree with explain() for every pair and packet', async () => {
    const plans = planHosts(snapshot, lab.pool.bridges);
    await loadHosts(lab.ovs, plans);
    // OVS holds exactly the flows compiled: none rejected, none folded into another.
    for (const plan of plans.values()) {
      const dumped = (await lab.ovs.dumpFlows(plan.bridge)).split('\n').filter((l) => l.includes('cookie='));
      expect(dumped).toHaveLength(plan.flows.length);
    }
    const samples = exhaustiveQueries(snapshot)
      .map((q) => planSample(snapshot, plans, q))
      .filter((s): s is PlannedSample => s !== null);
    const mismatches = await checkSamples(lab.ovs, lab.pool, samples);
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
