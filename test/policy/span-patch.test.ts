/**
 * The span patches each host's view as objects change (service/model/span.ts):
 * after random chains of changes (creates, updates, deletes, renames, several
 * in one write), every host's view is the one computed from scratch from the
 * whole policy, and the deltas `apply` answers, applied to the views an agent
 * held, give that view too; a host whose view moved is always among the hosts
 * a change answers.
 */
import fc from 'fast-check';
import { policyArb } from '../support/arbitraries';
import { RULE_LISTS, Span, ruleSpan, type AnyRule, type SpanChange } from '../../service/model/span';
import { selectorMatches } from '../../service/model/match';
import { STRICT } from '../../service/model/schemas';
import { applyDelta, type ViewDelta } from '../../service/model/view-delta';
import { SNAPSHOT_LISTS, withObject, type SnapshotList } from '../../service/model/load-snapshot';
import { byName } from '../../service/model/verdicts';
import type { PolicySnapshot, SnapshotEntity } from '../../service/model/snapshot';

type Item = PolicySnapshot[SnapshotList][number];
const SEED = Number(process.env.MICROSEG_SPAN_SEED ?? 7);

/** Host `host`'s view by its definition, from every object of the policy (no index, nothing kept). */
function fromScratch(s: PolicySnapshot, host: string): Omit<PolicySnapshot, 'generation'> {
  const rules = RULE_LISTS.flatMap((list) =>
    (s[list] as AnyRule[]).map((r) => ({ list, rule: r, span: ruleSpan(list, r) })),
  );
  const concerning = rules.filter(
    ({ span }) =>
      span.everywhere || s.entities.some((e) => e.host === host && span.targets.some((t) => selectorMatches(t, e))),
  );
  const picked = (e: SnapshotEntity) =>
    e.host === host ||
    e.categories[STRICT.category] === STRICT.value ||
    concerning.some(({ span }) => span.needs.some((n) => selectorMatches(n, e)));
  const used = (field: 'addressGroups' | 'serviceGroups', name: string) =>
    concerning.some(({ span }) => span[field].has(name));
  const list = (l: (typeof RULE_LISTS)[number]) => concerning.filter((c) => c.list === l).map((c) => c.rule) as never;
  return {
    categories: s.categories, // every view holds every category (the peer label encoding follows from them)
    address_groups: s.address_groups.filter((g) => used('addressGroups', g.name)),
    service_groups: s.service_groups.filter((g) => used('serviceGroups', g.name)),
    hosts: s.hosts.filter((h) => h.name === host),
    entities: s.entities.filter(picked).map((e) => {
      if (e.host === host || e.mac === undefined) return e;
      const { mac: _mac, ...rest } = e;
      return rest;
    }),
    application_rules: list('application_rules'),
    isolation_rules: list('isolation_rules'),
    quarantine_rules: list('quarantine_rules'),
    shared_service_rules: list('shared_service_rules'),
  };
}
/** As the store builds them: every list sorted by name. */
const sorted = (s: PolicySnapshot): PolicySnapshot =>
  Object.fromEntries(
    Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? [...(v as Item[])].sort(byName) : v]),
  ) as unknown as PolicySnapshot;
const withoutGeneration = ({ generation: _g, ...rest }: PolicySnapshot) => rest;

/** The changes that turn `a` into `b`; objects of `a` named in `renamed` become `b`'s object `${name}r` in one change. */
function changesBetween(a: PolicySnapshot, b: PolicySnapshot): SpanChange[] {
  const out: SpanChange[] = [];
  for (const list of SNAPSHOT_LISTS) {
    const was = new Map((a[list] as Item[]).map((o) => [o.name, o]));
    const now = new Map((b[list] as Item[]).map((o) => [o.name, o]));
    for (const [name, before] of was) {
      const renamed = now.get(`${name}r`);
      const after = now.get(name) ?? null;
      if (renamed && !after) out.push({ list, before, after: renamed });
      else if (!after) out.push({ list, before, after: null });
      else if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ list, before, after });
    }
    for (const [name, after] of now)
      if (!was.has(name) && !(name.endsWith('r') && was.has(name.slice(0, -1)) && !now.has(name.slice(0, -1))))
        out.push({ list, before: null, after });
  }
  return out;
}

/**
 * `b` with some of its entities and rules renamed (`${name}r`) where `a` has them too, and some of the other
 * rules `a` has too made `a`'s rule with `b`'s mode and log (a change that keeps the rule's reach).
 */
function withRenames(a: PolicySnapshot, b: PolicySnapshot, pick: boolean[]): PolicySnapshot {
  let k = 0;
  const out = { ...b };
  for (const list of ['entities', ...RULE_LISTS] as const) {
    const inA = new Map((a[list] as Item[]).map((o) => [o.name, o]));
    (out as unknown as Record<string, Item[]>)[list] = (b[list] as Item[])
      .map((o) => {
        const was = inA.get(o.name);
        if (!was) return o;
        if (pick[k++ % pick.length]) return { ...o, name: `${o.name}r` };
        if (list === 'entities' || !pick[k++ % pick.length]) return o;
        const { mode, log } = o as AnyRule;
        return { ...was, mode, log } as Item;
      })
      .sort(byName);
  }
  return out;
}

test('after random change chains every patched view, and every view followed by deltas, is the view computed from scratch', () => {
  let chains = 0;
  let steps = 0;
  let checked = 0;
  let moved = 0;
  let deltaObjects = 0;
  fc.assert(
    fc.property(
      policyArb({ maxEntities: 10 }),
      policyArb({ maxEntities: 10 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 10 }),
      (a0, b0, renames, order, batches) => {
        const a = sorted(a0);
        const b = withRenames(a, sorted(b0), renames);
        const changes = changesBetween(a, b);
        // A random order of the changes, applied a few at a time (a rename writes several in one).
        for (let i = changes.length - 1; i > 0; i--) {
          const j = (order[i % Math.max(1, order.length)] ?? i) % (i + 1);
          [changes[i], changes[j]] = [changes[j], changes[i]];
        }
        const span = new Span(a);
        // The same chain where only some views are followed (the others' deltas are not made), and none.
        const some = new Span(a);
        const none = new Span(a);
        const follows = (h: string) => h.charCodeAt(h.length - 1) % 2 === 0;
        let snapshot = a;
        const followed = new Map(a.hosts.map((h) => [h.name, span.view(h.name)]));
        for (const h of a.hosts) expect(withoutGeneration(span.view(h.name))).toEqual(fromScratch(a, h.name));
        let at = 0;
        let k = 0;
        while (at < changes.length) {
          const batch = changes.slice(at, at + batches[k++ % batches.length]);
          at += batch.length;
          let next: PolicySnapshot = { ...snapshot, generation: snapshot.generation + 1 };
          for (const c of batch) next = withObject(next, c.list, c.before?.name ?? null, c.after as never);
          const before = new Map(next.hosts.map((h) => [h.name, fromScratch(snapshot, h.name)]));
          const deltas = new Map<string, ViewDelta>();
          const hosts = span.apply(next, batch, deltas);
          const someDeltas = new Map<string, ViewDelta>();
          expect(some.apply(next, batch, someDeltas, follows)).toEqual(hosts);
          expect(none.apply(next, batch)).toEqual(hosts);
          expect([...someDeltas.keys()].sort()).toEqual(hosts.filter(follows));
          for (const [h, d] of someDeltas) expect(d).toEqual(deltas.get(h));
          snapshot = next;
          steps++;
          for (const h of next.hosts) {
            const want = fromScratch(next, h.name);
            expect(withoutGeneration(span.view(h.name))).toEqual(want);
            if (JSON.stringify(before.get(h.name)) !== JSON.stringify(want)) {
              moved++;
              expect(hosts).toContain(h.name);
            }
            const delta = deltas.get(h.name);
            let view = followed.get(h.name);
            if (!view) {
              // A host created in this chain: its agent starts from the whole view.
              view = span.view(h.name);
            } else if (delta) {
              deltaObjects += Object.values(delta.upsert).flat().length + Object.values(delta.remove).flat().length;
              view = applyDelta(view, delta);
            }
            expect(view.generation).toBe(span.desiredGeneration(h.name));
            expect(withoutGeneration(view)).toEqual(want);
            followed.set(h.name, view);
            checked++;
          }
          expect([...deltas.keys()].sort()).toEqual(hosts);
          for (const name of followed.keys()) if (!next.hosts.some((h) => h.name === name)) followed.delete(name);
        }
        chains++;
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
  console.log(
    `span patches: ${chains} random change chains, ${steps} applies, ${checked} host views equal to the view computed from scratch ` +
      `(patched and followed by deltas); ${moved} views moved, always among the hosts answered; ${deltaObjects} objects in deltas`,
  );
  expect(moved).toBeGreaterThan(chains);
});

test('with 1,000 hosts a change works on the hosts whose view holds what it changed, and gives each exactly that', () => {
  const HOSTS = 1000;
  const APPS = 100;
  const app = (i: number) => `a${i % APPS}`;
  const snapshot = sorted({
    generation: 1,
    categories: [{ name: 'App', values: Array.from({ length: APPS }, (_, i) => app(i)) }],
    address_groups: [],
    service_groups: [],
    hosts: Array.from({ length: HOSTS }, (_, h) => ({ name: `h${h}`, bridge: 'br.microseg', uplinks: ['up'] })),
    entities: Array.from({ length: 10 * HOSTS }, (_, i) => ({
      name: `vm${i}`,
      host: `h${i % HOSTS}`,
      port: `tap${i}`,
      ips: [`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`],
      categories: { App: app(Math.floor(i / 7)) },
    })),
    // Rule i protects app i from app i+1: a rule's view reaches the hosts of its targets.
    application_rules: Array.from({ length: APPS }, (_, i) => ({
      name: `r${i}`,
      id: i + 1,
      mode: 'apply' as const,
      target: { categories: { App: [app(i)] } },
      inbound: [{ from: { categories: { App: [app(i + 1)] } }, services: [], service_groups: [] }],
      outbound_policy: 'allow_all' as const,
      outbound: [],
      intra_group: 'allow' as const,
      log: false,
    })),
    isolation_rules: [],
    quarantine_rules: [],
    shared_service_rules: [],
  });
  let t = performance.now();
  const span = new Span(snapshot);
  const buildMs = performance.now() - t;
  const e = snapshot.entities.find((x) => x.name === 'vm4242')!;
  const holding = snapshot.hosts.map((h) => h.name).filter((h) => span.view(h).entities.some((x) => x.name === e.name));
  expect(holding.length).toBeGreaterThan(1);
  expect(holding.length).toBeLessThan(HOSTS / 2);
  const after = { ...e, ips: ['10.200.0.1'] };
  const next = withObject({ ...snapshot, generation: 2 }, 'entities', e.name, after);
  const deltas = new Map<string, ViewDelta>();
  t = performance.now();
  const hosts = span.apply(next, [{ list: 'entities', before: e, after }], deltas);
  const applyMs = performance.now() - t;
  expect(hosts).toEqual([...holding].sort());
  for (const h of hosts) {
    const d = deltas.get(h)!;
    expect([d.since, d.generation, d.remove]).toEqual([1, 2, {}]);
    expect(d.upsert.entities!.map((x) => [x.name, (x as SnapshotEntity).ips])).toEqual([[e.name, ['10.200.0.1']]]);
  }
  // The other hosts: not answered, their desired generation unchanged.
  expect(span.desiredGeneration('h0') === 2).toBe(hosts.includes('h0'));
  console.log(
    `span at ${HOSTS} hosts, ${snapshot.entities.length} entities, ${APPS} rules: built in ${buildMs.toFixed(0)} ms; ` +
      `one entity's change answered ${hosts.length} hosts (those holding it) in ${applyMs.toFixed(2)} ms`,
  );
});
