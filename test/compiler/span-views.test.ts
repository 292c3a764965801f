/**
 * A host's view (service/model/span.ts) is all its enforcement needs: for
 * the corpus and random policies, each host compiled from its view agrees
 * with explain() on the whole policy for every connection traced (real OVS,
 * ofproto/trace on a dummy datapath). The flows are not those of a full
 * compile: rule priorities are ranks among the rules present, and the peer
 * labels number the category values of the snapshot compiled (pipeline.md
 * "Peer labels"), so a view numbers them otherwise; what must hold is the
 * meaning, which every policy's trace checks.
 */
import fc from 'fast-check';
import { policyArb } from '../support/arbitraries';
import { CORPUS } from './corpus';
import { exhaustiveQueries, sampledQueries } from './samples';
import { compileHost } from '../../service/compiler';
import { Span } from '../../service/model/span';
import type { PolicySnapshot } from '../../service/model/snapshot';
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
const lab = dummyPool('v', 3);

function portsOf(snapshot: PolicySnapshot, host: string): Record<string, number> {
  const ports: Record<string, number> = {};
  const h = snapshot.hosts.find((x) => x.name === host)!;
  for (const u of h.uplinks) ports[u] = 1;
  snapshot.entities
    .filter((e) => e.host === host)
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .forEach((e, k) => (ports[e.port] = k + 2));
  return ports;
}

describe.each(Object.entries(CORPUS))('%s', (_name, snapshot) => {
  test('each host compiled from its view agrees with explain() on the whole policy, every pair and packet', async () => {
    const span = new Span(snapshot);
    const plans = planHosts(snapshot, lab.pool.bridges, (h) => span.view(h));
    await loadHosts(lab.ovs, plans);
    const samples = exhaustiveQueries(snapshot)
      .map((q) => planSample(snapshot, plans, q))
      .filter((s): s is PlannedSample => s !== null);
    const mismatches = await checkSamples(lab.ovs, lab.pool, samples);
    if (mismatches.length) throw new Error(describeMismatches(snapshot, mismatches));
    expect(samples.length).toBeGreaterThan(0);
  }, 180_000);
});

test('random policies: each host compiled from its view agrees with explain() on the whole policy under trace', async () => {
  const policies = fc.sample(policyArb(), { seed: SEED, numRuns: 200 });
  let hosts = 0;
  let exact = 0;
  let traced = 0;
  let viewEntities = 0;
  let allEntities = 0;
  for (const [i, snapshot] of policies.entries()) {
    const span = new Span(snapshot);
    for (const h of snapshot.hosts) {
      const view = span.view(h.name);
      const ports = portsOf(snapshot, h.name);
      if (compileHost(snapshot, h.name, ports).flows.join('\n') === compileHost(view, h.name, ports).flows.join('\n'))
        exact++;
      hosts++;
      viewEntities += view.entities.length;
      allEntities += snapshot.entities.length;
    }
    const plans = planHosts(snapshot, lab.pool.bridges, (h) => span.view(h));
    await loadHosts(lab.ovs, plans);
    const samples = sampledQueries(snapshot, SEED + i, 20)
      .map((q) => planSample(snapshot, plans, q))
      .filter((s): s is PlannedSample => s !== null);
    traced += samples.length;
    const mismatches = await checkSamples(lab.ovs, lab.pool, samples);
    if (mismatches.length)
      throw new Error(`random policy #${i} (seed ${SEED}):\n${describeMismatches(snapshot, mismatches)}`);
  }
  console.log(
    `span views: ${policies.length} random policies, ${hosts} hosts, ${traced} connections traced, all agreeing with explain(); ` +
      `flows equal to a full compile byte for byte on ${exact} hosts; views hold ${viewEntities} of ${allEntities} entities`,
  );
  expect(hosts).toBeGreaterThan(policies.length);
  expect(traced).toBeGreaterThan(policies.length);
}, 600_000);
