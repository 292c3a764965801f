/**
 * Contexts of different snapshots share a PEER block when it comes out the same (each host's own view,
 * parsed on its own, lists the same peers with the same labels), and only then.
 */
import { CompileContext, TABLE } from '../../service/compiler';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { inventoryObjects, snapshotOf } from '../../bench/lib/inventory';

const snapshot = snapshotOf(inventoryObjects({ entities: 300, hosts: 3, rules: 20 }));
const copy = () => JSON.parse(JSON.stringify(snapshot)) as PolicySnapshot;
const SRC = { v4: 'nw_src', v6: 'ipv6_src' };

test('equal PEER tables are one block; another address is another block', () => {
  const a = new CompileContext(copy()).peerLookup(TABLE.INGRESS_PEER, SRC);
  const b = new CompileContext(copy()).peerLookup(TABLE.INGRESS_PEER, SRC);
  expect(a.lines.length).toBe(300);
  expect(b).toBe(a);
  const moved = copy();
  moved.entities[7] = { ...moved.entities[7], ips: ['10.200.0.7'] };
  const c = new CompileContext(moved).peerLookup(TABLE.INGRESS_PEER, SRC);
  expect(c).not.toBe(a);
  expect(c.lines.filter((l) => !a.lines.includes(l))).toEqual([expect.stringContaining('nw_src=10.200.0.7')]);
  // The other side's table is a block of its own.
  expect(new CompileContext(copy()).peerLookup(TABLE.EGRESS_PEER, { v4: 'nw_dst', v6: 'ipv6_dst' })).not.toBe(a);
});
