/**
 * What every host of one snapshot shares, built once: the rules in force and
 * indexes over the inventory (entities by category value, selector members
 * memoized, address and service groups by name), so a host's compile costs
 * what its rules name, not rules × entities. Pure; the memo tables fill
 * lazily and never change an answer, so one context may serve any number of
 * hosts.
 *
 * `next(snapshot)` derives the context of the following snapshot when only
 * entities changed (rules, groups and hosts the same objects; entities
 * compared by identity, position by position): it patches the indexes and
 * drops only the memo entries whose selectors match a changed entity before
 * or after (their keys in `invalidated`), and patches the PEER lookup blocks
 * in place. When only rules changed (entities, groups and hosts the same
 * objects) and the peer labels stay the same, it keeps the indexes, members and
 * PEER blocks and drops the memos that list the rules (their order, what
 * targets each entity). A host's compile can record the keys it read (`track`), so the
 * incremental compiler knows whether a host is touched by a change.
 */
import { createHash } from 'node:crypto';
import type { SelectorT } from '../model/schemas';
import {
  inForce,
  type PolicySnapshot,
  type SnapshotAddressGroup,
  type SnapshotEntity,
  type SnapshotHost,
  type SnapshotServiceGroup,
} from '../model/snapshot';
import { selectorMatches } from '../model/match';
import { addressSet } from './address-sets';
import { addressMatches, type AddressFields } from './exclusion-sets';
import { PatchedBlock, type Flow, type FlowBlock } from './flow-set';
import { PeerLabels } from './peer-labels';

/** What a memo entry depends on besides the rules: the members of these selectors, or every entity. */
type Deps = readonly SelectorT[] | 'entities';
interface Entry {
  value: unknown;
  deps: Deps;
  tracked: boolean;
}
interface Members {
  selector: SelectorT;
  list: SnapshotEntity[];
}
/** A changed entity: its object in the previous snapshot and in this one (same position, same name). */
export interface EntityChange {
  before: SnapshotEntity;
  after: SnapshotEntity;
}

/** A selector's memo key: its categories' JSON, computed once per categories object (selectors share them). */
const keys = new WeakMap<object, string>();
function selectorKey(selector: SelectorT): string {
  let key = keys.get(selector.categories);
  if (key === undefined) keys.set(selector.categories, (key = JSON.stringify(selector.categories)));
  return key;
}

/**
 * A copy of the map, filled by forEach: `new Map(map)` and for-of go through an iterator, an entry array
 * per entry (garbage a derivation makes per change, hundreds of entries per map).
 */
function copyMap<K, V>(map: ReadonlyMap<K, V>): Map<K, V> {
  const copy = new Map<K, V>();
  map.forEach((v, k) => copy.set(k, v));
  return copy;
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const RULE_KINDS = ['application_rules', 'isolation_rules', 'quarantine_rules', 'shared_service_rules'] as const;
/** Beyond this many changed entities a fresh context is cheaper than patching. */
const MAX_PATCHED = 64;
/** A patched PEER block is laid out anew past this many rewritten lines (each derivation copies its patches). */
const MAX_PATCHES = 512;
type PeerPatch = { flow: Flow; line: string };

/** The entities that changed from `a` to `b`, or null when anything else changed (or too much). */
function entityChanges(a: PolicySnapshot, b: PolicySnapshot): EntityChange[] | null {
  if (RULE_KINDS.some((k) => !sameItems(a[k] as readonly unknown[], b[k] as readonly unknown[]))) return null;
  if (!sameItems(a.address_groups, b.address_groups) || !sameItems(a.service_groups, b.service_groups)) return null;
  if (!sameItems(a.hosts, b.hosts) || a.entities.length !== b.entities.length) return null;
  const out: EntityChange[] = [];
  // Indexed, not destructured: 20,000 entities a change (a pair array each would be a megabyte of garbage).
  for (let i = 0; i < a.entities.length; i++) {
    const before = a.entities[i];
    const after = b.entities[i];
    if (before === after) continue;
    if (before.name !== after.name || out.length >= MAX_PATCHED) return null;
    out.push({ before, after });
  }
  return out;
}

/** Some rules changed from `a` to `b`, nothing else (the same entities, groups and hosts). */
function onlyRulesChanged(a: PolicySnapshot, b: PolicySnapshot): boolean {
  return (
    sameItems(a.entities, b.entities) &&
    sameItems(a.address_groups, b.address_groups) &&
    sameItems(a.service_groups, b.service_groups) &&
    sameItems(a.hosts, b.hosts)
  );
}

/** The label encoding of the snapshot's categories, for the selectors the rules in force name their peers by. */
function peerLabelsOf(snapshot: PolicySnapshot): PeerLabels {
  const { application_rules, quarantine_rules, isolation_rules } = snapshot;
  const selectors: SelectorT[] = isolation_rules.flatMap((r) => r.groups);
  for (const r of application_rules) if (r.intra_group === 'allow') selectors.push(r.target);
  for (const r of [...application_rules, ...quarantine_rules]) {
    for (const e of r.inbound) if (e.from.categories) selectors.push({ categories: e.from.categories });
    for (const e of r.outbound) if (e.to.categories) selectors.push({ categories: e.to.categories });
  }
  const labels = new PeerLabels(snapshot.categories, selectors);
  // One encoding object per signature in the process: its per-entity loads are then rendered once for every
  // context that has the same entity objects (a process's simulated hosts share them), not once per host.
  const known = labelsBySignature.get(labels.signature)?.deref();
  if (known) return known;
  labelsBySignature.set(labels.signature, new WeakRef(labels));
  labelsCollected.register(labels, labels.signature);
  return labels;
}
const labelsBySignature = new Map<string, WeakRef<PeerLabels>>();
const labelsCollected = new FinalizationRegistry<string>((signature) => {
  if (labelsBySignature.get(signature)?.deref() === undefined) labelsBySignature.delete(signature);
});

let serials = 0;

export class CompileContext {
  /** The snapshot it was built from (compileHost rebuilds when given another one). */
  readonly source: PolicySnapshot;
  /** The rules in force only: drafts (mode off) are never compiled. */
  readonly snapshot: PolicySnapshot;
  /**
   * This context's number and, when derived by `parent.next(source)`, its parent's: a number, not the parent
   * (a chain of derived contexts would hold every one before it, and everything each derived). Also set when
   * derived: the entities that changed and the memo keys dropped.
   */
  private readonly serial = ++serials;
  private readonly parentSerial?: number;
  readonly changes: readonly EntityChange[] = [];
  readonly invalidated = new Set<string>();
  private readonly byCategory: Map<string, Map<string, SnapshotEntity[]>>;
  private readonly byHost: Map<string, SnapshotEntity[]>;
  private readonly members: Map<string, Members>;
  private readonly memos: Map<string, Entry>;
  private readonly addressGroups: Map<string, SnapshotAddressGroup>;
  private readonly serviceGroups: Map<string, SnapshotServiceGroup>;
  private readonly hosts: Map<string, SnapshotHost>;
  private reads?: Set<string>;
  /** A rules-derived context: the parent's Targets, followed to the new rules when their order and targets hold. */
  private readonly previousTargets = new Map<string, Targets<never>>();

  constructor(source: PolicySnapshot, derived?: { parent: CompileContext; changes: EntityChange[]; rules?: true }) {
    this.source = source;
    this.snapshot = inForce(source);
    if (derived) {
      // Derived from the previous context: the same groups and hosts, and copies of what it derived.
      const { parent, changes } = derived;
      this.parentSerial = parent.serial;
      this.addressGroups = parent.addressGroups;
      this.serviceGroups = parent.serviceGroups;
      this.hosts = parent.hosts;
      this.byCategory = copyMap(parent.byCategory);
      this.byHost = copyMap(parent.byHost);
      this.members = copyMap(parent.members);
      this.memos = copyMap(parent.memos);
      if (!derived.rules) {
        this.changes = changes;
        this.patch(changes);
        return;
      }
      // Only rules changed (the same entities, groups and hosts, the same peer labels): what depends on the
      // entities alone stays; what lists the rules (their order, what each entity is targeted by) is dropped.
      for (const [key, entry] of this.memos) {
        if (!key.startsWith('sorted|') && !key.startsWith('targets|')) continue;
        if (key.startsWith('targets|')) this.previousTargets.set(key, entry.value as Targets<never>);
        this.memos.delete(key);
        this.invalidated.add(key);
      }
      return;
    }
    this.byCategory = new Map();
    this.byHost = new Map();
    this.members = new Map();
    this.memos = new Map();
    for (const e of source.entities) this.index(e, this.byHost, this.byCategory);
    this.addressGroups = new Map(source.address_groups.map((g) => [g.name, g]));
    this.serviceGroups = new Map(source.service_groups.map((g) => [g.name, g]));
    this.hosts = new Map(source.hosts.map((h) => [h.name, h]));
  }

  /** Whether this context was derived from `other` (by other.next()). */
  derivedFrom(other: CompileContext): boolean {
    return this.parentSerial === other.serial;
  }

  /**
   * The context of `source`, derived from this one when only entities changed, or only rules (keeping the
   * same peer labels), else built anew.
   */
  next(source: PolicySnapshot): CompileContext {
    if (source === this.source) return this;
    const changes = entityChanges(this.source, source);
    if (changes) return new CompileContext(source, { parent: this, changes });
    if (onlyRulesChanged(this.source, source) && peerLabelsOf(inForce(source)).signature === this.labels.signature) {
      return new CompileContext(source, { parent: this, changes: [], rules: true });
    }
    return new CompileContext(source);
  }

  private index(e: SnapshotEntity, byHost: Map<string, SnapshotEntity[]>, byCategory = this.byCategory): void {
    const onHost = byHost.get(e.host);
    if (onHost) onHost.push(e);
    else byHost.set(e.host, [e]);
    for (const [key, value] of Object.entries(e.categories)) {
      let values = byCategory.get(key);
      if (!values) byCategory.set(key, (values = new Map()));
      const list = values.get(value);
      if (list) list.push(e);
      else values.set(value, [e]);
    }
  }

  /** Copy-on-write patch of the indexes, memo entries dropped by their dependencies, lookup blocks rewritten. */
  private patch(changes: EntityChange[]): void {
    const copied = new Set<unknown>();
    const own = <K, V>(map: Map<K, V>, key: K, copy: (v: V) => V): V | undefined => {
      const v = map.get(key);
      if (v === undefined || copied.has(v)) return v;
      const c = copy(v);
      copied.add(c);
      map.set(key, c);
      return c;
    };
    for (const { before, after } of changes) {
      const hostList = own(this.byHost, before.host, (l) => l.slice());
      hostList?.splice(hostList.indexOf(before), 1);
      for (const [key, value] of Object.entries(before.categories)) {
        const list = own(
          own(this.byCategory, key, (m) => new Map(m))!,
          value,
          (l) => l.slice(),
        )!;
        list.splice(list.indexOf(before), 1);
      }
      const onHost = own(this.byHost, after.host, (l) => l.slice());
      if (onHost) onHost.push(after);
      else {
        const fresh = [after];
        copied.add(fresh);
        this.byHost.set(after.host, fresh);
      }
      for (const [key, value] of Object.entries(after.categories)) {
        const values = own(this.byCategory, key, (m) => new Map(m)) ?? new Map<string, SnapshotEntity[]>();
        if (!this.byCategory.has(key)) {
          this.byCategory.set(key, values);
          copied.add(values);
        }
        const list = own(values, value, (l) => l.slice());
        if (list) list.push(after);
        else {
          const fresh = [after];
          copied.add(fresh);
          values.set(value, fresh);
        }
      }
    }
    const touches = (s: SelectorT) => changes.some((c) => selectorMatches(s, c.before) || selectorMatches(s, c.after));
    // Member lists are patched, not dropped, so the next derivation can still tell whether one became empty.
    const gone = new Set(changes.map((c) => c.before));
    // forEach, not for-of (copyMap); setting or deleting a visited key while iterating is safe.
    this.members.forEach((m, key) => {
      if (!touches(m.selector)) return;
      const list = m.list.filter((e) => !gone.has(e));
      for (const { after } of changes) if (selectorMatches(m.selector, after)) list.push(after);
      this.members.set(key, { selector: m.selector, list });
      this.invalidated.add(`m|${key}`);
      if (m.list.length > 0 !== list.length > 0) this.invalidated.add(`e|${key}`);
    });
    this.memos.forEach((entry, key) => {
      if (key.startsWith('targets|')) {
        this.memos.set(key, { ...entry, value: (entry.value as Targets<never>).with(changes.map((c) => c.after)) });
        return;
      }
      if (key.startsWith('lookup|')) {
        const patched = this.patchLookup(entry.value as FlowBlock, changes);
        if (patched) this.memos.set(key, { ...entry, value: patched });
        else this.memos.delete(key);
        return;
      }
      if (entry.deps === 'entities' || entry.deps.some(touches)) {
        this.memos.delete(key);
        this.invalidated.add(key);
      }
    });
  }

  /**
   * The block with the changed entities' flows rewritten at their positions (over the same base block: no copy
   * of its arrays, folded into a new base past MAX_PATCHES); null when their addresses changed.
   */
  private patchLookup(block: FlowBlock, changes: EntityChange[]): FlowBlock | null {
    const { table, fields } = block.source!;
    const base = block instanceof PatchedBlock ? block.base : block;
    const patches = block instanceof PatchedBlock ? copyMap(block.patches) : new Map<number, PeerPatch>();
    for (const { before, after } of changes) {
      if (!sameItems(before.ips, after.ips)) return null;
      const next = this.labels.entityLines(table, fields, after);
      for (let k = 0; k < next.flows.length; k++) {
        const at = base.index.get(next.flows[k].match);
        if (at === undefined) return null;
        patches.set(at, { flow: next.flows[k], line: next.lines[k] });
      }
    }
    const patched = new PatchedBlock(base, patches);
    if (patches.size <= MAX_PATCHES) return patched;
    // The same index: a host still tells it from a rebuilt block (HostCompiler's peerDifference).
    return { flows: patched.flows, lines: patched.lines, index: base.index, source: base.source };
  }

  /**
   * Runs `fn`, returning the memo and member keys it read (a host's dependencies on the snapshot, or a piece
   * of them); an enclosing `track` sees them too unless `apart` (a piece's reads, counted by its host apart).
   */
  track<T>(fn: () => T, apart = false): { value: T; reads: Set<string> } {
    const outer = this.reads;
    const reads = new Set<string>();
    this.reads = reads;
    try {
      return { value: fn(), reads };
    } finally {
      this.reads = outer;
      if (outer && !apart) for (const key of reads) outer.add(key);
    }
  }

  private untracked<T>(fn: () => T): T {
    const outer = this.reads;
    this.reads = undefined;
    try {
      return fn();
    } finally {
      this.reads = outer;
    }
  }

  host(name: string): SnapshotHost | undefined {
    return this.hosts.get(name);
  }

  /** The entities placed on the host (in no particular order). */
  entitiesOn(host: string): readonly SnapshotEntity[] {
    return this.byHost.get(host) ?? [];
  }

  addressGroup(name: string): SnapshotAddressGroup | undefined {
    return this.addressGroups.get(name);
  }

  serviceGroup(name: string): SnapshotServiceGroup | undefined {
    return this.serviceGroups.get(name);
  }

  /** The entities the selector matches (in no particular order): candidates from its narrowest key, then checked. */
  selectorMembers(selector: SelectorT): SnapshotEntity[] {
    const key = selectorKey(selector);
    this.reads?.add(`m|${key}`);
    const known = this.members.get(key);
    if (known) return known.list;
    let list: SnapshotEntity[];
    const keys = Object.keys(selector.categories);
    if (keys.length === 0) list = this.source.entities;
    else {
      // The key whose listed values hold the fewest entities yields the candidates.
      let best: SnapshotEntity[][] = [];
      let size = Infinity;
      for (const k of keys) {
        const values = this.byCategory.get(k);
        const lists = (selector.categories[k] ?? []).map((v) => values?.get(v) ?? []);
        const n = lists.reduce((sum, l) => sum + l.length, 0);
        if (n < size) [best, size] = [lists, n];
      }
      list = best.flat().filter((e) => selectorMatches(selector, e)); // one key's values are disjoint: no duplicates
    }
    this.members.set(key, { selector, list });
    return list;
  }

  /** Whether the selector has members (read as such: a change of members that keeps it non-empty is no change). */
  nonEmpty(selector: SelectorT): boolean {
    const key = selectorKey(selector);
    this.reads?.add(`e|${key}`);
    return this.untracked(() => this.selectorMembers(selector)).length > 0;
  }

  /** The label encoding of the snapshot's categories (peer-labels.ts). */
  get labels(): PeerLabels {
    return this.memo('labels', [], () => peerLabelsOf(this.snapshot));
  }

  /**
   * A side's PEER table: every entity's addresses on `fields`, shared by the hosts of this snapshot, and by
   * every context of this process whose table comes out the same (sharedPeerBlock).
   */
  peerLookup(table: number, fields: AddressFields): FlowBlock {
    return this.memo(
      `lookup|${table}`,
      'entities',
      () => sharedPeerBlock(this.labels.lookupBlock(table, fields, this.source.entities)),
      false,
    );
  }

  /**
   * Entity → the rules of `sorted` (one layer's, in their order) whose target selects it (read for local ones:
   * only entities of the snapshot's hosts are listed, so a host's view lists its own, not the 20k peers it holds).
   */
  targetsOf<R extends { name: string; target: SelectorT }>(layer: string, sorted: readonly R[]): Targets<R> {
    return this.memo(
      `targets|${layer}`,
      'entities',
      () => {
        const followed = (this.previousTargets.get(`targets|${layer}`) as Targets<R> | undefined)?.follow(sorted);
        if (followed) return followed;
        const base = new Map<SnapshotEntity, R[]>();
        for (const rule of sorted) {
          for (const e of this.selectorMembers(rule.target)) {
            if (!this.hosts.has(e.host)) continue;
            const list = base.get(e);
            if (list) list.push(rule);
            else base.set(e, [rule]);
          }
        }
        return new Targets(sorted, base, new Map());
      },
      false,
    );
  }

  /**
   * `compute()` once per key for this snapshot. `deps`: the selectors whose members the answer depends on
   * (besides the rules and groups), or every entity. `tracked` false: not a host's dependency (the answer is
   * patched, or only read for the host's own entities).
   */
  memo<T>(key: string, deps: Deps, compute: () => T, tracked = true): T {
    if (tracked) this.reads?.add(key);
    const known = this.memos.get(key);
    if (known) return known.value as T;
    const value = tracked ? compute() : this.untracked(compute);
    this.memos.set(key, { value, deps, tracked });
    return value;
  }

  /** The IPs of the selector's members. */
  ipsOf(selector: SelectorT): string[] {
    return this.selectorMembers(selector).flatMap((e) => e.ips);
  }

  /** The addresses of the union of the selectors' members as matches on `fields`, memoized. */
  memberMatches(fields: AddressFields, selectors: SelectorT[]): string[] {
    const key = `mm|${fields.v4}|${JSON.stringify(selectors.map((s) => s.categories))}`;
    return this.memo(key, selectors, () => {
      const ips = new Set(selectors.flatMap((s) => this.ipsOf(s)));
      return addressMatches(fields, addressSet(ips));
    });
  }
}

/**
 * Entity → the rules of one layer targeting it, in the layer's order. What targets an entity follows from its
 * categories and the rules alone, so an entry never goes stale while the rules stay: a derived context only
 * adds the changed entities' new objects (in a small overlay, folded into the base now and then).
 */
export class Targets<R extends { name: string; target: SelectorT }> {
  /**
   * `swap`: rule objects of `base` and `overlay` → the rule in force now (same name, same target), so a rule
   * change replaces one object instead of listing every entity's rules again.
   */
  constructor(
    private readonly sorted: readonly R[],
    private readonly base: ReadonlyMap<SnapshotEntity, R[]>,
    private readonly overlay: ReadonlyMap<SnapshotEntity, R[]>,
    private readonly swap: ReadonlyMap<R, R> = new Map(),
  ) {}

  get(e: SnapshotEntity): R[] | undefined {
    const rules = this.overlay.get(e) ?? this.base.get(e);
    return rules && this.swap.size > 0 ? rules.map((r) => this.swap.get(r) ?? r) : rules;
  }

  /** The same with `entities` (new objects) looked up too. */
  with(entities: readonly SnapshotEntity[]): Targets<R> {
    const overlay = new Map(this.overlay);
    for (const e of entities) {
      const rules = this.sorted.filter((r) => selectorMatches(r.target, e));
      if (rules.length > 0) overlay.set(e, rules);
    }
    if (overlay.size <= 256) return new Targets(this.sorted, this.base, overlay, this.swap);
    return new Targets(this.sorted, new Map([...this.base, ...overlay]), new Map(), this.swap);
  }

  /**
   * The same for `sorted`, the rules of the next snapshot, when they are these rules in the same order with the
   * same targets (only their content changed); null otherwise, or when the swaps grew too many.
   */
  follow(sorted: readonly R[]): Targets<R> | null {
    if (sorted.length !== this.sorted.length) return null;
    const step = new Map<R, R>();
    for (let i = 0; i < sorted.length; i++) {
      const [was, is] = [this.sorted[i], sorted[i]];
      if (was === is) continue;
      if (was.name !== is.name || selectorKey(was.target) !== selectorKey(is.target)) return null;
      step.set(was, is);
    }
    const swap = new Map<R, R>();
    for (const [original, current] of this.swap) swap.set(original, step.get(current) ?? current);
    // Also the rules as they are now: lists looked up since (`with`) hold those.
    for (const [was, is] of step) swap.set(was, is);
    if (swap.size > MAX_PATCHED) return null;
    return new Targets(sorted, this.base, this.overlay, swap);
  }
}

/**
 * PEER blocks by their flows, held weakly: hosts whose views are different snapshots (every agent's own view;
 * the simulated hosts of a bench process, a compile worker's hosts) may list the same peers with the same
 * labels: their lines are already one copy per entity (PeerLabels.entityLines), and an equal block spares its
 * arrays and index too. The key is the SHA-256 of the lines (the text itself would be megabytes held per
 * block), so a block is shared only where it is the same one (blocks are never changed: patchLookup copies).
 */
const peerBlocks = new Map<string, WeakRef<FlowBlock>>();
const collected = new FinalizationRegistry<string>((key) => {
  if (peerBlocks.get(key)?.deref() === undefined) peerBlocks.delete(key);
});

function sharedPeerBlock(block: FlowBlock): FlowBlock {
  const { table, fields } = block.source!;
  let key = `${table}|${fields.v4}|${fields.v6}`;
  for (const line of block.lines) key += `\n${line}`;
  key = createHash('sha256').update(key).digest('base64');
  const known = peerBlocks.get(key)?.deref();
  if (known) return known;
  peerBlocks.set(key, new WeakRef(block));
  collected.register(block, key);
  return block;
}

/** The context for `snapshot`: `given` if it was built from it, else a new one. */
export function contextFor(snapshot: PolicySnapshot, given?: CompileContext): CompileContext {
  return given && given.source === snapshot ? given : new CompileContext(snapshot);
}
