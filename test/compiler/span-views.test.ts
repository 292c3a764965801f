/**
 * A host's view (service/model/span.ts) is all its enforcement needs: for
 * the corpus and random policies, each host compiled from its view agrees
 * with explain() on the whole policy for every connection traced (real OVS,
 * ofproto/trace on a dummy datapath), and gives the flows of a full compile
 * but for priorities, which are ranks among the rules present (renumbered
 * keeping their order: the same decisions).
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

/** Why `view`'s flows are not `full`'s with priorities renumbered in order, or null. */
function renumberedOnly(full: string[], view: string[]): string | null {
  const split = (flows: string[]) =>
    flows.map((f) => {
      const m = f.match(/priority=(\d+),?/);
      return {
        key: f.replace(/priority=\d+,?/, ''),
        table: f.match(/table=(\d+)/)?.[1] ?? '0',
        priority: m ? Number(m[1]) : -1,
      };
    });
  const a = split(full).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.priority - y.priority));
  const b = split(view).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.priority - y.priority));
  if (a.length !== b.length) return `${a.length} flows in full, ${b.length} from the view`;
  // Per table: priorities only compete within one.
  const maps = new Map<string, Map<number, number>>();
  for (let i = 0; i < a.length; i++) {
    if (a[i].key !== b[i].key) return `flow differs: ${a[i].key} / ${b[i].key}`;
    const map = maps.get(a[i].table) ?? new Map<number, number>();
    maps.set(a[i].table, map);
    const was = map.get(a[i].priority);
    if (was !== undefined && was !== b[i].priority)
      return `table ${a[i].table}: priority ${a[i].priority} maps to ${was} and ${b[i].priority}`;
    map.set(a[i].priority, b[i].priority);
  }
  for (const [table, map] of maps) {
    const pairs = [...map].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < pairs.length; i++)
      if (pairs[i][1] <= pairs[i - 1][1])
        return `table ${table}: priorities ${pairs[i - 1][0]} < ${pairs[i][0]} lose their order`;
  }
  return null;
}

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
    for (const h of snapshot.hosts) {
      const ports = portsOf(snapshot, h.name);
      expect(renumberedOnly(compileHost(snapshot, h.name, ports).flows, plans.get(h.name)!.flows)).toBeNull();
    }
  }, 180_000);
});

test('random policies: each host compiled from its view gives the full compile renumbered, and agrees with explain() under trace', async () => {
  const policies = fc.sample(policyArb(), { seed: SEED, numRuns: 200 });
  let hosts = 0;
  let exact = 0;
  let viewEntities = 0;
  let allEntities = 0;
  for (const [i, snapshot] of policies.entries()) {
    const span = new Span(snapshot);
    for (const h of snapshot.hosts) {
      const view = span.view(h.name);
      const ports = portsOf(snapshot, h.name);
      const full = compileHost(snapshot, h.name, ports).flows;
      const fromView = compileHost(view, h.name, ports).flows;
      const why = renumberedOnly(full, fromView);
      if (why) throw new Error(`random policy #${i} (seed ${SEED}), host ${h.name}: ${why}`);
      hosts++;
      if (full.join('\n') === fromView.join('\n')) exact++;
      viewEntities += view.entities.length;
      allEntities += snapshot.entities.length;
    }
    // Under trace for a share of them (the pure comparison above covers all).
    if (i % 5 !== 0) continue;
    const plans = planHosts(snapshot, lab.pool.bridges, (h) => span.view(h));
    await loadHosts(lab.ovs, plans);
    const samples = sampledQueries(snapshot, SEED + i, 40)
      .map((q) => planSample(snapshot, plans, q))
      .filter((s): s is PlannedSample => s !== null);
    const mismatches = await checkSamples(lab.ovs, lab.pool, samples);
    if (mismatches.length)
      throw new Error(`random policy #${i} (seed ${SEED}):\n${describeMismatches(snapshot, mismatches)}`);
  }
  console.log(
    `span views: ${policies.length} random policies, ${hosts} hosts: flows equal to a full compile byte for byte on ${exact}, ` +
      `renumbered priorities only on ${hosts - exact}; views hold ${viewEntities} of ${allEntities} entities`,
  );
  expect(hosts).toBeGreaterThan(policies.length);
}, 600_000);
