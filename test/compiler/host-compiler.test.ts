/**
 * The incremental compiler against the full one: along a chain of random changes (whole new random policies,
 * single entities changing a category and single application rules changing, with every other object shared by
 * identity), every update's flows
 * equal compileHost's byte for byte (also when read only after later updates: they are listed lazily), its count
 * is their number, and the previous flows plus `added` minus `removed` are the new flows.
 */
import fc from 'fast-check';
import { CompileContext, compileHost, HostCompiler, type HostPorts, type HostUpdate } from '../../service/compiler';
import type { PolicySnapshot, SnapshotEntity } from '../../service/model/snapshot';
import { policyArb } from '../support/arbitraries';

const SEED = 7;

function portsOf(snapshot: PolicySnapshot, host: string): HostPorts {
  const ports: HostPorts = {};
  for (const uplink of snapshot.hosts.find((h) => h.name === host)?.uplinks ?? []) ports[uplink] = 1;
  snapshot.entities
    .filter((e) => e.host === host)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .forEach((e, k) => {
      ports[e.port] = k + 2;
    });
  return ports;
}

/**
 * One entity (picked by `pick`) changes, everything else keeps its identity: another value of one of its
 * categories (most steps), another host (every third), or another address (every fifth).
 */
function change(snapshot: PolicySnapshot, pick: number): PolicySnapshot {
  if (pick % 4 === 1 && snapshot.application_rules.length > 0) return changeRule(snapshot, pick);
  if (snapshot.entities.length === 0) return { ...snapshot, generation: snapshot.generation + 1 };
  const i = pick % snapshot.entities.length;
  const values = [...new Set(snapshot.entities.flatMap((e) => Object.values(e.categories)))];
  const entities = snapshot.entities.slice();
  const e = entities[i];
  if (pick % 5 === 0) entities[i] = { ...e, ips: [`10.9.${pick % 250}.${(i % 250) + 1}`] };
  else if (pick % 3 === 0) entities[i] = { ...e, host: snapshot.hosts[pick % snapshot.hosts.length].name };
  else {
    const keys = Object.keys(e.categories);
    const key = keys.length ? keys[pick % keys.length] : 'AppTier';
    entities[i] = { ...e, categories: { ...e.categories, [key]: values[pick % Math.max(1, values.length)] ?? 'web' } };
  }
  return { ...snapshot, generation: snapshot.generation + 1, entities };
}

/**
 * One application rule (picked by `pick`) changes, keeping its name, everything else keeps its identity: its
 * mode flips between apply and monitor, it takes another rule's target, or it loses its first inbound entry.
 */
function changeRule(snapshot: PolicySnapshot, pick: number): PolicySnapshot {
  const rules = snapshot.application_rules.slice();
  const i = (pick >> 2) % rules.length;
  const r = rules[i];
  const variant = (pick >> 2) % 3;
  if (variant === 0) rules[i] = { ...r, mode: r.mode === 'apply' ? 'monitor' : 'apply' };
  else if (variant === 1) rules[i] = { ...r, target: rules[(i + 1) % rules.length].target };
  else rules[i] = { ...r, inbound: r.inbound.slice(1) };
  return { ...snapshot, generation: snapshot.generation + 1, application_rules: rules };
}

test('HostCompiler.update equals compileHost along random chains of changes', () => {
  const policies = fc.sample(policyArb(), { seed: SEED, numRuns: 25 });
  let updates = 0;
  let changed = 0;
  let patched = 0;
  let pieces = 0;
  let rulePieces = 0;
  for (const [i, first] of policies.entries()) {
    const compilers = new Map(first.hosts.map((h) => [h.name, new HostCompiler(h.name)]));
    const previous = new Map<string, string[]>();
    // Every other update is read only at the end of the chain, after the compiler moved on.
    const unread: { update: HostUpdate; full: string[] }[] = [];
    // The chain: this policy, three recategorizations, then the next policy's inventory on the same compilers.
    let snapshot = first;
    const chain = [first];
    for (let k = 1; k <= 12; k++) chain.push((snapshot = change(snapshot, i * 7 + k)));
    const next = policies[(i + 1) % policies.length];
    chain.push({ ...next, hosts: first.hosts, generation: snapshot.generation + 1 });
    // Even policies: one context per snapshot shared by the hosts (derived from the previous one); odd: none given.
    let shared: CompileContext | undefined;
    for (const [k, s] of chain.entries()) {
      const ruleStep = k > 0 && s.entities === chain[k - 1].entities;
      shared = i % 2 === 0 ? (shared ? shared.next(s) : new CompileContext(s)) : undefined;
      for (const [host, hc] of compilers) {
        const ports = portsOf(s, host);
        const update = hc.update(s, ports, shared);
        const full = compileHost(s, host, ports).flows;
        expect(update.count).toBe(full.length);
        const later = (k + updates) % 2 === 0;
        if (later) unread.push({ update, full });
        else expect(update.flows).toEqual(full);
        const before = new Set(previous.get(host) ?? []);
        for (const f of update.removed) expect(before.delete(f)).toBe(true);
        for (const f of update.added) before.add(f);
        expect([...before].sort()).toEqual([...full].sort());
        expect(update.changed).toBe(update.added.length + update.removed.length > 0);
        const again = hc.update(s, { ...ports });
        expect([again.changed, again.added, again.removed, again.count]).toEqual([false, [], [], full.length]);
        if (later) unread.push({ update: again, full });
        else expect(again.flows).toEqual(full);
        previous.set(host, full);
        updates++;
        if (update.changed) changed++;
        if (hc.lastWasPatched) patched++;
        if (hc.lastKeptPieces > 0) pieces++;
        if (ruleStep && hc.lastKeptPieces > 0) rulePieces++;
      }
    }
    for (const { update, full } of unread) expect(update.flows).toEqual(full);
  }
  console.log(
    `${updates} incremental updates checked against full compiles (${changed} changed, ${patched} patched, ${pieces} recompiled taking rule pieces again, ${rulePieces} of them after a rule changed)`,
  );
  expect(changed).toBeGreaterThan(0);
  expect(patched).toBeGreaterThan(0); // the derived path was exercised, not only whole recompiles
  expect(pieces).toBeGreaterThan(0); // and the recompile of a touched host that keeps its untouched rules' flows
  expect(rulePieces).toBeGreaterThan(0); // a rule change recompiles that rule's pieces, not the host's
});

/** A step of the random chains: what changes in the snapshot, and the ports each host's agent reports. */
interface Step {
  snapshot: PolicySnapshot;
  ports: (host: string) => HostPorts;
}

/**
 * One random step from `s` (`pick` chooses what and where): one or two entities change a category value, take
 * Strict quarantine, move host, change address; an entity is deleted or one deleted before comes back; a rule
 * changes; an entity's port leaves the bridge or is renumbered; the ports are listed in another order (one
 * renumbered or none); or nothing changes but the generation.
 */
function randomStep(s: PolicySnapshot, deleted: SnapshotEntity[], pick: number[]): Step {
  const [what, a, b] = pick;
  const at = (n: number) => n % Math.max(1, s.entities.length);
  const next = (entities: SnapshotEntity[]) => ({ ...s, generation: s.generation + 1, entities });
  const plain = (snapshot: PolicySnapshot): Step => ({ snapshot, ports: (h) => portsOf(snapshot, h) });
  const recategorized = (e: SnapshotEntity, n: number): SnapshotEntity => {
    const values = [...new Set(s.entities.flatMap((x) => Object.values(x.categories)))];
    const keys = Object.keys(e.categories);
    const key = keys.length ? keys[n % keys.length] : 'Tier';
    return { ...e, categories: { ...e.categories, [key]: values[n % Math.max(1, values.length)] ?? 'web' } };
  };
  if (s.entities.length === 0 && what % 10 !== 5) return plain({ ...s, generation: s.generation + 1 });
  const entities = s.entities.slice();
  switch (what % 10) {
    case 0:
      entities[at(a)] = recategorized(entities[at(a)], b);
      return plain(next(entities));
    case 1:
      entities[at(a)] = recategorized(entities[at(a)], b);
      entities[at(a + 1)] = recategorized(entities[at(a + 1)], b + 1);
      return plain(next(entities));
    case 2: {
      const e = entities[at(a)];
      entities[at(a)] = { ...e, categories: { ...e.categories, Quarantine: b % 2 ? 'Strict' : 'Forensic' } };
      return plain(next(entities));
    }
    case 3:
      entities[at(a)] = { ...entities[at(a)], host: s.hosts[b % s.hosts.length].name };
      return plain(next(entities));
    case 4: {
      const v6 = b % 2 === 1;
      entities[at(a)] = { ...entities[at(a)], ips: [v6 ? `fd00:9::${(b % 250) + 1}` : `10.9.${b % 250}.${at(a) + 1}`] };
      return plain(next(entities));
    }
    case 5: {
      // A deleted entity comes back (its name and address are still its own), else one is deleted.
      const back = deleted.shift();
      if (back) return plain(next([...entities, back]));
      deleted.push(...entities.splice(at(a), 1));
      return plain(next(entities));
    }
    case 6:
      return plain(s.application_rules.length ? changeRule(s, a) : next(entities));
    case 7:
    case 8: {
      // The snapshot stays; one entity's port leaves the bridge (7) or is renumbered (8).
      const snapshot = { ...s, generation: s.generation + 1 };
      const e = s.entities[at(a)];
      return {
        snapshot,
        ports: (h) => {
          const ports = portsOf(snapshot, h);
          if (e.host !== h) return ports;
          if (what % 10 === 7) delete ports[e.port];
          else ports[e.port] = 200 + (b % 50);
          return ports;
        },
      };
    }
    default: {
      // Nothing changes but the generation (b even), or the ports are listed in another order (an agent's
      // reading of its bridge need not keep one), some with one renumbered too (b % 4 = 3).
      const snapshot = { ...s, generation: s.generation + 1 };
      if (b % 2 === 0) return plain(snapshot);
      const e = s.entities[at(a)];
      return {
        snapshot,
        ports: (h) => {
          const ports = portsOf(snapshot, h);
          if (b % 4 === 3 && e.host === h && e.port in ports) ports[e.port] = 200 + (a % 50);
          return Object.fromEntries(Object.entries(ports).reverse());
        },
      };
    }
  }
}

test('HostCompiler.update equals compileHost along random chains of entity, port and rule changes in random order', () => {
  const cases = fc.sample(
    fc.tuple(
      policyArb(),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 10, maxLength: 20 }),
      fc.boolean(),
    ),
    { seed: SEED + 1, numRuns: 25 },
  );
  const kinds = new Map<string, number>();
  let updates = 0;
  for (const [first, picks, share] of cases) {
    const compilers = new Map(first.hosts.map((h) => [h.name, new HostCompiler(h.name)]));
    const previous = new Map<string, string[]>();
    const deleted: SnapshotEntity[] = [];
    let step: Step = { snapshot: first, ports: (h) => portsOf(first, h) };
    let shared: CompileContext | undefined;
    for (const [k, pick] of [[-1, 0, 0], ...picks].entries()) {
      if (k > 0) step = randomStep(step.snapshot, deleted, pick);
      const s = step.snapshot;
      shared = share ? (shared ? shared.next(s) : new CompileContext(s)) : undefined;
      for (const [host, hc] of compilers) {
        const ports = step.ports(host);
        const update = hc.update(s, ports, shared);
        const full = compileHost(s, host, ports).flows;
        expect(update.count).toBe(full.length);
        expect(update.flows).toEqual(full);
        const before = new Set(previous.get(host) ?? []);
        for (const f of update.removed) expect(before.delete(f)).toBe(true);
        for (const f of update.added) before.add(f);
        expect([...before].sort()).toEqual([...full].sort());
        previous.set(host, full);
        updates++;
        const kind = hc.lastWasPatched ? 'patched' : hc.lastKeptPieces > 0 ? 'pieces kept' : 'whole';
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
  }
  console.log(`${updates} updates along random chains checked against full compiles: ${JSON.stringify([...kinds])}`);
  for (const kind of ['patched', 'pieces kept', 'whole']) expect(kinds.get(kind) ?? 0).toBeGreaterThan(0);
});
