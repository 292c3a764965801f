/**
 * Contexts of different snapshots share a PEER block when it comes out the same (each host's own view,
 * parsed on its own, lists the same peers with the same labels), and only then. A derived context patches
 * its parent's blocks without copying them, and the patched block is the one a fresh context builds.
 */
import { CompileContext, compileHost, HostCompiler, TABLE } from '../../service/compiler';
import { blockSize, lineAt, PatchedBlock } from '../../service/compiler/flow-set';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { Span } from '../../service/model/span';
import { hostPorts, inventoryObjects, snapshotOf } from '../../bench/lib/inventory';

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

test('a PEER block patched along a chain of changes is the table a fresh context builds, until and after it is laid out anew', () => {
  // 600 entities (one address each) change AppTier one after another, each context derived from the one before:
  // the blocks are patched over one base, then (past 512 rewritten lines) laid out into a new base.
  const first = snapshotOf(inventoryObjects({ entities: 600, hosts: 2, rules: 20 }));
  const sides = [
    { table: TABLE.INGRESS_PEER, fields: SRC },
    { table: TABLE.EGRESS_PEER, fields: { v4: 'nw_dst', v6: 'ipv6_dst' } },
  ];
  const hc = new HostCompiler('h0');
  let s = first;
  let ctx = new CompileContext(s);
  let held = new Set(hc.update(s, hostPorts(s, 'h0'), ctx).flows);
  const kinds = { patched: 0, laidOut: 0 };
  for (let i = 0; i < s.entities.length; i++) {
    const e = s.entities[i];
    const is = { ...e, categories: { ...e.categories, AppTier: e.categories.AppTier === 'web' ? 'db' : 'web' } };
    s = { ...s, generation: s.generation + 1, entities: s.entities.map((x, j) => (j === i ? is : x)) };
    const next = ctx.next(s);
    expect(next.derivedFrom(ctx)).toBe(true);
    ctx = next;
    for (const { table, fields } of sides) {
      const block = ctx.peerLookup(table, fields);
      const fresh = new CompileContext(s).peerLookup(table, fields);
      if (block instanceof PatchedBlock) kinds.patched++;
      else kinds.laidOut++;
      expect(blockSize(block)).toBe(fresh.lines.length);
      if (i % 50 === 0 || i === 511 || i === 512) {
        expect(block.lines.map((_, k) => lineAt(block, k))).toEqual(fresh.lines);
        expect(block.lines).toEqual(fresh.lines);
        expect(block.flows).toEqual(fresh.flows);
      }
    }
    // The host follows: its flows are the full compile's, its delta takes the held ones there.
    const ports = hostPorts(s, 'h0');
    const u = hc.update(s, ports, ctx);
    for (const l of u.removed) expect(held.delete(l)).toBe(true);
    for (const l of u.added) held.add(l);
    if (i % 100 === 0 || i === 512 || i === s.entities.length - 1) {
      const full = compileHost(s, 'h0', ports).flows;
      expect(u.flows).toEqual(full);
      expect([...held].sort()).toEqual([...full].sort());
      held = new Set(full);
    }
  }
  console.log(`PEER blocks along ${s.entities.length} changes: ${JSON.stringify(kinds)}`);
  expect(kinds.patched).toBeGreaterThan(0);
  expect(kinds.laidOut).toBeGreaterThan(0);
});
