/**
 * The simulated hosts' in-memory bridge (bench/sim/memory-driver.ts) behaves
 * as Open vSwitch does for the agent: a whole set replaces the bridge, a
 * difference (the bundle of two real compiles' delta) leaves exactly the new set,
 * an add replaces the flow of its identity, and its own comparison counts
 * what differs, on the compiler's real lines; flows whose identities hash alike stay apart.
 */
import { aroundRule0Change, hostPorts, inventoryObjects } from '../../bench/lib/inventory';
import { identityHash, MemoryDriver } from '../../bench/sim/memory-driver';
import { compileHost } from '../../service/compiler';
import { bundleOf, flowIdentity } from '../../service/agent/flow-diff';
import { setDelta } from '../../service/agent/host-compile';

const { before, after } = aroundRule0Change(inventoryObjects({ entities: 400, hosts: 4, rules: 20 }), 10);
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

test('flows whose identities hash alike share a slot and stay apart', async () => {
  // Two distinct identities with one 32-bit hash (found by a search over made-up source addresses).
  const [x, y] = ['10.3.232.194', '10.3.237.90'].map(
    (ip) => `cookie=0x0,table=40,priority=100,ip,nw_src=${ip} actions=drop`,
  );
  expect(identityHash(x)).toBe(identityHash(y));
  expect(flowIdentity(x)).not.toBe(flowIdentity(y));
  const bridge = new MemoryDriver(ports);
  await bridge.replaceFlows([x, y]);
  expect(bridge.size).toBe(2);
  expect(await bridge.diffFlows([x, y])).toEqual({ missing: 0, unexpected: 0 });
  const y2 = y.replace('actions=drop', 'actions=goto_table:41');
  await bridge.applyDiff({ add: [y2], remove: [] });
  expect(bridge.size).toBe(2);
  expect(await bridge.dumpFlows()).toEqual([x, y2].sort());
  await bridge.applyDiff({ add: [], remove: [x] });
  expect(await bridge.dumpFlows()).toEqual([y2]);
  expect(await bridge.diffFlows([x, y2])).toEqual({ missing: 1, unexpected: 0 });
});
