/**
 * Contexts of different snapshots share a PEER block when it comes out the same (each host's own view,
 * parsed on its own, lists the same peers with the same labels), and only then.
 */
import { CompileContext, TABLE } from '../../service/compiler';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { Span } from '../../service/model/span';
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

test('views with other rules and other peers share the label encoding and each entity’s PEER flows', () => {
  // 10 entities a host: each host's rules are a few of the 20.
  const many = snapshotOf(inventoryObjects({ entities: 300, hosts: 30, rules: 20 }));
  const span = new Span(many);
  const views = many.hosts.slice(0, 3).map((h) => span.view(h.name));
  // Each host's rules name other application types: the encoding still follows from the categories alone.
  expect(new Set(views.map((v) => JSON.stringify(v.application_rules.map((r) => r.name)))).size).toBe(3);
  const contexts = views.map((v) => new CompileContext(v));
  expect(new Set(contexts.map((c) => c.labels.signature)).size).toBe(1);
  expect(contexts[1].labels).toBe(contexts[0].labels);
  // A table without one peer is another block, yet every entity's flow in it is the same object as in the other.
  const fewer = { ...views[0], entities: views[0].entities.filter((_, i) => i !== 5) };
  const a = contexts[0].peerLookup(TABLE.INGRESS_PEER, SRC);
  const b = new CompileContext(fewer).peerLookup(TABLE.INGRESS_PEER, SRC);
  expect(b).not.toBe(a);
  expect(b.flows.length).toBe(a.flows.length - 1);
  const byMatch = new Map(a.flows.map((f) => [f.match, f]));
  for (const f of b.flows) expect(byMatch.get(f.match)).toBe(f);
});
