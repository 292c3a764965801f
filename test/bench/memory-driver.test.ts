/**
 * The simulated hosts' in-memory bridge (bench/sim/memory-driver.ts) behaves
 * as Open vSwitch does for the agent: a whole set replaces the bridge, a
 * difference (the bundle of two real compiles' delta) leaves exactly the new set,
 * an add replaces the flow of its identity, and its own comparison counts
 * what differs, on the compiler's real lines.
 */
import { applicationRuleBody, hostPorts, inventoryObjects, snapshotOf } from '../../bench/lib/inventory';
import { MemoryDriver } from '../../bench/sim/memory-driver';
import { compileHost } from '../../service/compiler';
import { bundleOf, flowIdentity } from '../../service/agent/flow-diff';
import { setDelta } from '../../service/agent/host-compile';

const objects = inventoryObjects({ entities: 400, hosts: 4, rules: 20 });
const before = snapshotOf(objects, 1);
const rule = applicationRuleBody(0, 10);
rule.inbound[0].services = [{ protocol: 'tcp', ports: ['443', '31000'] }];
const after = snapshotOf(
  objects.map((o) => (o.kind === 'application_rule' && o.body.name === 'rule0' ? { ...o, body: rule } : o)),
  2,
);
const host = 'h0';
const ports = hostPorts(before, host);
const a = compileHost(before, host, ports).flows;
const b = compileHost(after, host, ports).flows;

test('a difference of two real compiles leaves exactly the new set; the bridge compares itself', async () => {
  const { added, removed } = setDelta(new Set(a), new Set(b));
  const diff = bundleOf(added, removed);
  expect(diff.add.length).toBeGreaterThan(0);
  const bridge = new MemoryDriver(ports);
  await bridge.replaceFlows(a);
  expect(await bridge.dumpFlows()).toEqual([...a].sort());
  expect(await bridge.diffFlows(a)).toEqual({ missing: 0, unexpected: 0 });
  await bridge.applyDiff(diff);
  expect(await bridge.dumpFlows()).toEqual([...b].sort());
  expect(await bridge.diffFlows(b)).toEqual({ missing: 0, unexpected: 0 });
  const differs = await bridge.diffFlows(a);
  expect(differs.missing + differs.unexpected).toBeGreaterThan(0);
  expect(bridge.size).toBe(new Set(b.map(flowIdentity)).size);
});

test('an add replaces the flow of its identity (table, priority, match; not the cookie)', async () => {
  const bridge = new MemoryDriver(ports);
  await bridge.replaceFlows(a);
  const line = a[a.length - 1];
  const replaced = `${line.split(' actions=')[0].replace(/^cookie=0x[0-9a-f]+/, 'cookie=0x1')} actions=drop`;
  expect(flowIdentity(replaced)).toBe(flowIdentity(line));
  await bridge.applyDiff({ add: [replaced], remove: [] });
  expect(bridge.size).toBe(a.length);
  expect(await bridge.dumpFlows()).toContain(replaced);
  expect(await bridge.dumpFlows()).not.toContain(line);
  expect(await bridge.diffFlows(a)).toEqual({ missing: 1, unexpected: 1 });
});
