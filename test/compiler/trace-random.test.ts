/**
 * Trace tests on random policies and inventories: for each generated
 * snapshot (fast-check, fixed seed), sampled (src, dst, protocol, port) get
 * from the compiled flows the verdict explain() gives.
 * MICROSEG_TRACE_SEED and MICROSEG_TRACE_RUNS (default 42 and 200) and
 * MICROSEG_TRACE_SAMPLES (per policy, default 40) change the sweep.
 */
import fc from 'fast-check';
import { policyArb } from '../support/arbitraries';
import { sampledQueries } from './samples';
import {
  dummyPool,
  checkSamples,
  describeMismatches,
  loadHosts,
  planHosts,
  planSample,
  type PlannedSample,
} from './trace-harness';

const SEED = Number(process.env.MICROSEG_TRACE_SEED ?? 42);
const RUNS = Number(process.env.MICROSEG_TRACE_RUNS ?? 200);
const SAMPLES = Number(process.env.MICROSEG_TRACE_SAMPLES ?? 40);

const lab = dummyPool('r', 3);

test(`${RUNS} random policies (seed ${SEED}) agree with explain() under trace`, async () => {
  const policies = fc.sample(policyArb(), { seed: SEED, numRuns: RUNS });
  const started = Date.now();
  let traces = 0;
  let largest = { flows: 0, policy: -1, host: '' };
  const verdicts: Record<string, number> = {};
  for (const [i, snapshot] of policies.entries()) {
    const plans = planHosts(snapshot, lab.pool.bridges);
    for (const p of plans.values())
      if (p.flows.length > largest.flows) largest = { flows: p.flows.length, policy: i, host: p.host };
    await loadHosts(lab.ovs, plans);
    // Each packet twice: as a new connection, and as an established one re-checked after a policy change.
    const samples = sampledQueries(snapshot, SEED + i, SAMPLES)
      .flatMap((q) => [planSample(snapshot, plans, q, 'trk,new'), planSample(snapshot, plans, q, 'trk,est')])
      .filter((s): s is PlannedSample => s !== null);
    for (const s of samples) verdicts[s.expected.verdict] = (verdicts[s.expected.verdict] ?? 0) + 1;
    traces += samples.reduce((n, s) => n + s.steps.length, 0);
    const mismatches = await checkSamples(lab.ovs, lab.pool, samples);
    if (mismatches.length)
      throw new Error(`random policy #${i} (seed ${SEED}):\n${describeMismatches(snapshot, mismatches)}`);
  }
  console.log(
    `random: ${policies.length} policies, ${traces} traces in ${Date.now() - started} ms; verdicts ${JSON.stringify(verdicts)}; ` +
      `largest host flow set ${largest.flows} flows (policy #${largest.policy}, host ${largest.host})`,
  );
  // Every verdict must have been exercised, or the sweep proves little.
  expect(Object.keys(verdicts).sort()).toEqual(['allow', 'deny', 'would-deny']);
}, 600_000);
