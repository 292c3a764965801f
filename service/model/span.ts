/**
 * The span of each host: what its enforcement needs of the policy (the
 * AppliedToGroup / AddressGroup model of Antrea, OVN's per-chassis view),
 * kept up to date incrementally as objects change, and the hosts one change
 * touches. Pure (no I/O), in memory.
 *
 * A rule *concerns* a host when the host compiles flows for it
 * (service/compiler/layers.ts): an application rule through its target, an
 * isolation rule through any of its groups, a shared-service rule through its
 * providers or its consumers; a quarantine rule concerns every host (each one
 * lets a quarantined peer's own side decide). Consumers named by address
 * (`any`, CIDRs, address groups) may be on any host, so such a rule concerns
 * every host. Host H's view holds its own host and entities, the rules that
 * concern it, the entities those rules pick as targets or peers, every Strict
 * entity (every host denies them), the address groups and service groups
 * those rules use, and every category (the compiler's peer label encoding
 * follows from the categories, service/compiler/peer-labels.ts: so every view
 * gives the same one, and a host's PEER lines are the same as its neighbours'). Compiling H from its view gives the flows of
 * a full compile with the rules H takes no part in left out: the same verdicts
 * (test/compiler/span-views.test.ts); priorities may differ, being ranks among
 * the rules present.
 *
 * Indexes keep the work of a change proportional to it: entities by host and
 * by category key=value, rules by the key=value pairs of their selectors, per
 * rule the hosts whose entities its targets pick (counted, so an entity
 * leaving is one decrement) and the entities its selectors need (and per
 * entity the rules that need it), per host how many of its rules use each
 * category and group, and how many rules that concern every host need each
 * object. So a view is never recomputed: a change patches these, noting for
 * each host the objects whose membership may move (an entity's is asked of
 * the few rules that need it) as they were before; those that moved, with
 * the changed objects themselves, are that host's delta (view-delta.ts). A
 * rule whose change keeps its reach (services, mode) only replaces itself. `apply` answers the hosts whose view may
 * change (an over-approximation that never misses one) and each one's delta.
 * A host's desired generation is the last generation that touched its view.
 */
import { byName } from './verdicts';
import { selectorMatches } from './match';
import { STRICT, type PeerT, type SelectorT } from './schemas';
import type {
  PolicySnapshot,
  SnapshotEntity,
  SnapshotHost,
  SnapshotInbound,
  SnapshotOutbound,
  SnapshotApplicationRule,
  SnapshotIsolationRule,
  SnapshotQuarantineRule,
  SnapshotSharedServiceRule,
} from './snapshot';
import type { SnapshotList } from './load-snapshot';
import type { ViewDelta } from './view-delta';

export type RuleList = 'application_rules' | 'isolation_rules' | 'quarantine_rules' | 'shared_service_rules';
export const RULE_LISTS: readonly RuleList[] = [
  'application_rules',
  'isolation_rules',
  'quarantine_rules',
  'shared_service_rules',
];
export type AnyRule =
  SnapshotApplicationRule | SnapshotIsolationRule | SnapshotQuarantineRule | SnapshotSharedServiceRule;
type Item = PolicySnapshot[SnapshotList][number];

/** One changed object of the snapshot: its list, and the object before and after (null: created, deleted). */
export interface SpanChange {
  list: SnapshotList;
  before: Item | null;
  after: Item | null;
}

/** What the span needs of one rule: which hosts it concerns, what it brings into their views. */
export interface RuleSpan {
  key: string;
  list: RuleList;
  name: string;
  /** Concerns every host. */
  everywhere: boolean;
  /** The hosts of the entities these pick are concerned. */
  targets: SelectorT[];
  /** The entities these pick are in the view of every concerned host. */
  needs: SelectorT[];
  /** Every selector of the rule (narrowing ones too). */
  all: SelectorT[];
  addressGroups: Set<string>;
  serviceGroups: Set<string>;
}

const pair = (key: string, value: string) => `${key}\0${value}`;
const ruleKey = (list: RuleList, name: string) => `${list}:${name}`;
const isStrict = (e: SnapshotEntity) => e.categories[STRICT.category] === STRICT.value;
const isRuleList = (list: SnapshotList): list is RuleList => (RULE_LISTS as readonly string[]).includes(list);

export function ruleSpan(list: RuleList, rule: AnyRule): RuleSpan {
  const needs: SelectorT[] = [];
  const all: SelectorT[] = [];
  const addressGroups = new Set<string>();
  const serviceGroups = new Set<string>();
  const peer = (p: PeerT) => {
    if (p.categories) needs.push({ categories: p.categories });
    for (const g of p.address_groups ?? []) addressGroups.add(g);
  };
  const inbound = (es: SnapshotInbound[]) => {
    for (const e of es) {
      peer(e.from);
      if (e.to) all.push(e.to);
      for (const g of e.service_groups) serviceGroups.add(g);
    }
  };
  const outbound = (es: SnapshotOutbound[]) => {
    for (const e of es) {
      peer(e.to);
      if (e.from) all.push(e.from);
      for (const g of e.service_groups) serviceGroups.add(g);
    }
  };
  let targets: SelectorT[];
  let everywhere = false;
  if (list === 'application_rules') {
    const r = rule as SnapshotApplicationRule;
    targets = [r.target];
    needs.push(r.target);
    inbound(r.inbound);
    outbound(r.outbound);
  } else if (list === 'isolation_rules') {
    const r = rule as SnapshotIsolationRule;
    targets = r.groups;
    needs.push(...r.groups);
  } else if (list === 'quarantine_rules') {
    const r = rule as SnapshotQuarantineRule;
    targets = [];
    everywhere = true;
    needs.push(r.target);
    inbound(r.inbound);
    outbound(r.outbound);
  } else {
    const r = rule as SnapshotSharedServiceRule;
    targets = [r.providers];
    needs.push(r.providers);
    peer(r.consumers);
    if (r.consumers.categories) targets.push({ categories: r.consumers.categories });
    // Consumers named by address may sit on any host.
    everywhere = r.consumers.any === true || (r.consumers.cidrs ?? []).length > 0 || addressGroups.size > 0;
    for (const g of r.service_groups) serviceGroups.add(g);
  }
  all.push(...needs, ...targets);
  return {
    key: ruleKey(list, rule.name),
    list,
    name: rule.name,
    everywhere,
    targets,
    needs,
    all,
    addressGroups,
    serviceGroups,
  };
}

/** Hosts in a counted multiset: how many of a rule's target-picked entities each host carries. */
type Counts = Map<string, number>;
/** The lists whose membership is counted: entities, and the objects rules use by name. */
type Counted = 'entities' | 'address_groups' | 'service_groups';
const GROUPS = [
  ['address_groups', 'addressGroups'],
  ['service_groups', 'serviceGroups'],
] as const;
const countedLists = (): Record<Counted, Counts> => ({
  entities: new Map(),
  address_groups: new Map(),
  service_groups: new Map(),
});

export class Span {
  private generation: number;
  private readonly entities = new Map<string, SnapshotEntity>();
  /** Every other object by list and name (what a view's upserts carry). */
  private readonly items = new Map<SnapshotList, Map<string, Item>>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly byPair = new Map<string, Set<string>>();
  private readonly strict = new Set<string>();
  private readonly rules = new Map<string, RuleSpan>();
  /** Rules by one key=value pair of each selector that picks (targets, needs; every value of its first key); '' for empty ones. */
  private readonly rulesByPair = new Map<string, Set<string>>();
  private readonly ruleHosts = new Map<string, Counts>();
  private readonly hostRules = new Map<string, Set<string>>();
  private readonly everywhere = new Set<string>();
  /** Per rule, the entities its `needs` pick; per entity, the rules that need it. */
  private readonly needed = new Map<string, Set<string>>();
  private readonly neededBy = new Map<string, Set<string>>();
  /** How many rules concerning every host need each object. */
  private readonly global = countedLists();
  /** Per host, how many of the other rules concerning it use each category and group. */
  private readonly perHost = new Map<string, Record<Counted, Counts>>();
  private readonly desired = new Map<string, number>();
  /** Other hosts' entities without their MAC, one copy per entity object (so views keep identities too). */
  private readonly stripped = new WeakMap<SnapshotEntity, SnapshotEntity>();
  /**
   * During `apply`: per list, per object whose membership may have moved, whether each host's view held it
   * before (the first time it was seen). By object, not by host: an entity reaching 50 hosts is one map of 50,
   * not 100 maps (this runs on every write). Null outside `apply`: building the span records nothing.
   */
  private marks: Map<SnapshotList, Map<string, Map<string, boolean>>> | null = null;
  /** During `apply`: whether a host gets a delta (else only whether its view moved is asked). */
  private delivered: (host: string) => boolean = () => false;
  /** During one change's own mutation: its object, whose membership the change records itself. */
  private own: { list: SnapshotList; names: (string | undefined)[] } | null = null;

  /** Every host starts at the snapshot's generation (nothing older is known). */
  constructor(snapshot: PolicySnapshot) {
    this.generation = snapshot.generation;
    for (const list of ['categories', 'address_groups', 'service_groups', 'hosts', ...RULE_LISTS] as const)
      this.items.set(list, new Map((snapshot[list] as Item[]).map((o) => [o.name, o])));
    for (const h of snapshot.hosts) this.desired.set(h.name, snapshot.generation);
    for (const e of snapshot.entities) this.addEntity(e);
    for (const list of RULE_LISTS) for (const r of snapshot[list]) this.addRule(list, r);
  }

  /** The last generation that touched `host`'s view (the snapshot's generation for a host it never saw). */
  desiredGeneration(host: string): number {
    return this.desired.get(host) ?? this.generation;
  }

  /**
   * Moves to `next`, which is the current snapshot with `changes` applied; returns the hosts whose view they
   * may change (sorted), whose desired generation becomes `next.generation`. `deltas`, when given, gets each
   * of those hosts' delta, from its previous desired generation to the new one (possibly empty), for those
   * that `follows` names (default all: the others' deltas would go nowhere, so only whether theirs moved is asked).
   */
  apply(
    next: Pick<PolicySnapshot, 'generation'>,
    changes: SpanChange[],
    deltas?: Map<string, ViewDelta>,
    follows: (host: string) => boolean = () => true,
  ): string[] {
    const touched = new Set<string>();
    const changed = new Set<string>();
    let all = false;
    this.marks = new Map();
    this.delivered = (host) => deltas !== undefined && follows(host);
    try {
      for (const c of changes) {
        if (c.before) this.eachCandidate(c.list, c.before.name, (h, list, name) => this.mark(h, list, name));
        this.own = { list: c.list, names: [c.before?.name, c.after?.name] };
        if (c.list === 'entities')
          this.entityChange(c.before as SnapshotEntity | null, c.after as SnapshotEntity | null);
        else if (isRuleList(c.list))
          all = this.ruleChange(c.list, c.before as AnyRule | null, c.after as AnyRule | null, touched) || all;
        else {
          this.setItem(c.list, c.before, c.after);
          if (c.list === 'hosts') {
            for (const h of [c.before, c.after] as (SnapshotHost | null)[]) if (h) touched.add(h.name);
            if (c.before) this.desired.delete(c.before.name);
          } else if (c.list === 'categories') {
            all = true; // in every view
          } else {
            // An address group or service group: the hosts of every rule that uses it, by either name.
            const names = new Set([c.before?.name, c.after?.name].filter((n): n is string => n !== undefined));
            const field = c.list === 'address_groups' ? 'addressGroups' : 'serviceGroups';
            for (const r of this.rules.values())
              if ([...names].some((n) => r[field].has(n))) all = this.concerned(r, touched) || all;
          }
        }
        this.own = null;
        if (c.after) {
          changed.add(`${c.list}\0${c.after.name}`);
          // Not marked yet: not in the view before (a new name), so the change may only add it.
          this.eachCandidate(c.list, c.after.name, (h, list, name) => this.mark(h, list, name, false));
        }
      }
      // The hosts as the changes left them (next's hosts), without a pass over them unless every one is touched.
      const present = this.items.get('hosts')!;
      const hosts = new Set(all ? [...touched, ...present.keys()] : touched);
      // A host whose view moved is touched (the over-approximation above never misses one; this keeps it so).
      // Only a host that gets a delta has its marks gathered; of the others it is only asked whether one moved.
      const delivered = new Map<string, Map<SnapshotList, Map<string, boolean>>>();
      this.marks.forEach((names, list) =>
        names.forEach((seen, name) => {
          const isChanged = changed.has(`${list}\0${name}`);
          seen.forEach((was, host) => {
            if (!present.has(host)) return;
            if (deltas && follows(host)) {
              let lists = delivered.get(host);
              if (!lists) delivered.set(host, (lists = new Map()));
              let mine = lists.get(list);
              if (!mine) lists.set(list, (mine = new Map()));
              mine.set(name, was);
            } else if (!hosts.has(host) && (this.inView(host, list, name) ? !was || isChanged : was)) hosts.add(host);
          });
        }),
      );
      const patches = new Map<string, Omit<ViewDelta, 'since' | 'generation'>>();
      for (const [host, lists] of delivered) {
        const patch = this.deltaOf(host, lists, changed);
        if (patch) {
          hosts.add(host);
          patches.set(host, patch);
        }
      }
      const out = [...hosts].filter((h) => present.has(h)).sort();
      for (const h of out) {
        const since = this.desiredGeneration(h);
        if (deltas && follows(h))
          deltas.set(h, { since, generation: next.generation, upsert: {}, remove: {}, ...patches.get(h) });
        this.desired.set(h, next.generation);
      }
      this.generation = next.generation;
      return out;
    } finally {
      this.marks = null;
      this.delivered = () => false;
      this.own = null;
    }
  }

  /** Host `host`'s view: a normalized PolicySnapshot the agent compiles as it would the whole one. */
  view(host: string): PolicySnapshot {
    const mine = this.perHost.get(host);
    const names = new Set<string>([...(this.byHost.get(host) ?? []), ...this.strict, ...this.global.entities.keys()]);
    for (const key of this.hostRules.get(host) ?? []) for (const n of this.needed.get(key) ?? []) names.add(n);
    const entities = [...names]
      .map((n) => this.entities.get(n)!)
      .sort(byName)
      .map((e) => this.asSeenBy(host, e));
    const used = (list: Exclude<Counted, 'entities'>) => {
      const out: Item[] = [];
      for (const n of new Set([...this.global[list].keys(), ...(mine?.[list].keys() ?? [])])) {
        const o = this.items.get(list)!.get(n);
        if (o) out.push(o);
      }
      return out.sort(byName);
    };
    const concerning = [...this.everywhere, ...(this.hostRules.get(host) ?? [])];
    const rules = <R extends AnyRule>(list: RuleList): R[] => {
      const items = this.items.get(list)!;
      const prefix = `${list}:`;
      return concerning
        .filter((k) => k.startsWith(prefix))
        .map((k) => items.get(k.slice(prefix.length)) as R)
        .sort(byName);
    };
    const own = this.items.get('hosts')!.get(host) as SnapshotHost | undefined;
    return {
      generation: this.desiredGeneration(host),
      categories: [...this.items.get('categories')!.values()].sort(byName) as PolicySnapshot['categories'],
      address_groups: used('address_groups') as PolicySnapshot['address_groups'],
      service_groups: used('service_groups') as PolicySnapshot['service_groups'],
      hosts: own ? [own] : [],
      entities,
      application_rules: rules('application_rules'),
      isolation_rules: rules('isolation_rules'),
      quarantine_rules: rules('quarantine_rules'),
      shared_service_rules: rules('shared_service_rules'),
    };
  }

  // ------------------------------------------------------------ internals

  private asSeenBy(host: string, e: SnapshotEntity): SnapshotEntity {
    if (e.host === host || e.mac === undefined) return e;
    let s = this.stripped.get(e);
    if (!s) {
      const { mac: _mac, ...rest } = e;
      s = rest;
      this.stripped.set(e, s);
    }
    return s;
  }

  private setItem(list: SnapshotList, before: Item | null, after: Item | null): void {
    const items = this.items.get(list)!;
    if (before) items.delete(before.name);
    if (after) items.set(after.name, after);
  }

  /** Whether `host`'s view holds the object `name` of `list`, as the span stands. */
  private inView(host: string, list: SnapshotList, name: string): boolean {
    if (list === 'entities')
      return (
        this.entities.has(name) &&
        (this.entities.get(name)!.host === host ||
          this.strict.has(name) ||
          this.global.entities.has(name) ||
          this.neededOn(host, name))
      );
    if (list === 'hosts') return name === host && this.items.get('hosts')!.has(name);
    if (list === 'categories') return this.items.get('categories')!.has(name);
    if (isRuleList(list)) {
      const key = ruleKey(list, name);
      return this.rules.has(key) && (this.everywhere.has(key) || this.hostRules.get(host)?.has(key) === true);
    }
    const l = list as Exclude<Counted, 'entities'>;
    return this.items.get(l)!.has(name) && (this.global[l].has(name) || this.perHost.get(host)?.[l].has(name) === true);
  }

  /** Whether a rule concerning `host` (not every host) needs the entity `name`. */
  private neededOn(host: string, name: string): boolean {
    const rules = this.hostRules.get(host);
    if (!rules) return false;
    for (const key of this.neededBy.get(name) ?? []) if (rules.has(key)) return true;
    return false;
  }

  /**
   * Visits the hosts whose view may hold the object (a superset; a host may come more than once: `mark` keeps
   * the first), without gathering them into a set first.
   */
  private eachCandidate(
    list: SnapshotList,
    name: string,
    visit: (host: string, list: SnapshotList, name: string) => void,
  ): void {
    const every = () => this.items.get('hosts')!.forEach((_, h) => visit(h, list, name));
    if (list === 'hosts') visit(name, list, name);
    else if (list === 'entities') {
      const e = this.entities.get(name);
      if (!e) return;
      if (this.strict.has(name) || this.global.entities.has(name)) return every();
      visit(e.host, list, name);
      this.neededBy.get(name)?.forEach((r) => this.ruleHosts.get(r)?.forEach((_, h) => visit(h, list, name)));
    } else if (isRuleList(list)) {
      const key = ruleKey(list, name);
      if (this.everywhere.has(key)) every();
      else this.ruleHosts.get(key)?.forEach((_, h) => visit(h, list, name));
    } else every();
  }

  /**
   * Notes, once per apply, whether `host`'s view held the object before its membership may move: `was` when the
   * caller knows it, else as the span stands now. Nothing for a host that is not present, nor for the object of
   * the change being made (which notes its own candidates before and after).
   */
  private mark(host: string, list: SnapshotList, name: string, was?: boolean): void {
    if (!this.marks || !this.items.get('hosts')!.has(host)) return;
    if (was === undefined && this.own?.list === list && this.own.names.includes(name)) return;
    let names = this.marks.get(list);
    if (!names) this.marks.set(list, (names = new Map()));
    let seen = names.get(name);
    if (!seen) names.set(name, (seen = new Map()));
    if (!seen.has(host)) seen.set(host, was ?? this.inView(host, list, name));
  }

  private markAll(list: SnapshotList, name: string): void {
    if (this.marks) for (const h of this.items.get('hosts')!.keys()) this.mark(h, list, name);
  }

  /** `host`'s delta from its marks: what entered or changed (upserted), what left (removed); null if nothing. */
  private deltaOf(
    host: string,
    lists: Map<SnapshotList, Map<string, boolean>>,
    changed: Set<string>,
  ): Omit<ViewDelta, 'since' | 'generation'> | null {
    const upsert: ViewDelta['upsert'] = {};
    const remove: ViewDelta['remove'] = {};
    let any = false;
    for (const [list, names] of lists) {
      const up: Item[] = [];
      const gone: string[] = [];
      for (const [name, was] of names) {
        const now = this.inView(host, list, name);
        if (now && (!was || changed.has(`${list}\0${name}`))) up.push(this.itemFor(host, list, name));
        else if (!now && was) gone.push(name);
      }
      if (up.length) (upsert as Record<string, Item[]>)[list] = up.sort(byName);
      if (gone.length) remove[list] = gone.sort();
      any ||= up.length > 0 || gone.length > 0;
    }
    return any ? { upsert, remove } : null;
  }

  private itemFor(host: string, list: SnapshotList, name: string): Item {
    if (list === 'entities') return this.asSeenBy(host, this.entities.get(name)!);
    return this.items.get(list)!.get(name)!;
  }

  /** The entities `selector` picks, from the smallest key=value candidate set (sized before it is read). */
  private pick(selector: SelectorT): SnapshotEntity[] {
    const keys = Object.entries(selector.categories);
    if (keys.length === 0) return [...this.entities.values()];
    let best: Set<string>[] | null = null;
    let bestSize = Infinity;
    for (const [key, values] of keys) {
      const sets = values.map((v) => this.byPair.get(pair(key, v))).filter((x): x is Set<string> => x !== undefined);
      const size = sets.reduce((n, x) => n + x.size, 0);
      if (size === 0) return [];
      if (size < bestSize) [best, bestSize] = [sets, size];
    }
    const out: SnapshotEntity[] = [];
    for (const set of best!)
      for (const n of set) {
        const e = this.entities.get(n)!;
        if (selectorMatches(selector, e)) out.push(e);
      }
    return out;
  }

  /** Adds the hosts `rule` concerns to `into`; true when it concerns every host. */
  private concerned(rule: RuleSpan, into: Set<string>): boolean {
    if (rule.everywhere) return true;
    for (const h of this.ruleHosts.get(rule.key)?.keys() ?? []) into.add(h);
    return false;
  }

  /**
   * Calls `visit` once for each rule whose targets or needs may pick `e` (candidates by its key=value pairs),
   * with whether they do. Narrowing selectors are not indexed: what they pick is already in the views.
   */
  private eachPicking(e: SnapshotEntity, visit: (r: RuleSpan, needs: boolean, targets: boolean) => void): void {
    const seen = new Set<string>();
    const check = (keys: Set<string> | undefined) => {
      if (!keys) return;
      for (const key of keys) {
        if (seen.has(key)) continue;
        seen.add(key);
        const r = this.rules.get(key)!;
        const needs = r.needs.some((s) => selectorMatches(s, e));
        const targets = !r.everywhere && r.targets.some((s) => selectorMatches(s, e));
        if (needs || targets) visit(r, needs, targets);
      }
    };
    check(this.rulesByPair.get(''));
    for (const k in e.categories) check(this.rulesByPair.get(pair(k, e.categories[k])));
  }

  /**
   * An entity's change: its own marks (before and after, in `apply`) and those its indexes' moves make are
   * exactly the hosts whose view it moves, so it adds none to `touched` itself.
   */
  private entityChange(before: SnapshotEntity | null, after: SnapshotEntity | null): void {
    if (before) this.removeEntity(before);
    if (after) this.addEntity(after);
  }

  private ruleChange(list: RuleList, before: AnyRule | null, after: AnyRule | null, touched: Set<string>): boolean {
    let all = false;
    if (before && after && before.name === after.name) {
      const was = this.rules.get(ruleKey(list, before.name))!;
      const now = ruleSpan(list, after);
      // The same reach (only services, modes, logging changed): the views it is in take the new object, no more.
      if (sameReach(was, now)) {
        this.rules.set(now.key, now);
        this.items.get(list)!.set(after.name, after);
        return this.concerned(now, touched);
      }
    }
    if (before) {
      all = this.concerned(this.rules.get(ruleKey(list, before.name))!, touched) || all;
      this.removeRule(list, before);
    }
    if (after) all = this.concerned(this.addRule(list, after), touched) || all;
    return all;
  }

  /** Counts `n` more (or fewer) needs of the object for `host` (null: for every host). */
  private need(host: string | null, list: Counted, name: string, by: 1 | -1): void {
    let counts: Counts;
    if (host === null) counts = this.global[list];
    else {
      let mine = this.perHost.get(host);
      if (!mine) this.perHost.set(host, (mine = countedLists()));
      counts = mine[list];
    }
    const n = (counts.get(name) ?? 0) + by;
    // Crossing zero is when the object may enter or leave a view.
    if (n === 0 || (n === 1 && by === 1)) {
      if (host === null) this.markAll(list, name);
      else this.mark(host, list, name);
    }
    if (n > 0) counts.set(name, n);
    else counts.delete(name);
  }

  /**
   * What a rule's concern brings into a view (null: every view), or takes out of it; called before the concern
   * moves (`hostRules`), so the entities it needs are marked as they were. A host's entities are not counted
   * (views of most entities, times the hosts, would be too many counts): whether one is in a view is asked of
   * the few rules that need it (`neededOn`).
   */
  private needsOf(r: RuleSpan, host: string | null, by: 1 | -1): void {
    // Outside `apply` (building) nothing is marked: no pass over the entities.
    if (host === null) for (const n of this.needed.get(r.key) ?? []) this.need(null, 'entities', n, by);
    // The rule's own entering or leaving the host's concern is marked (count), which is a move: its entities are
    // marked only for a host that gets a delta (a rule of 2,000 entities entering 900 views is 1.8M marks).
    else if (this.marks && this.delivered(host))
      for (const n of this.needed.get(r.key) ?? []) this.mark(host, 'entities', n);
    for (const [list, field] of GROUPS) for (const n of r[field]) this.need(host, list, n, by);
  }

  private count(key: string, host: string, by: 1 | -1): void {
    let counts = this.ruleHosts.get(key);
    if (!counts) this.ruleHosts.set(key, (counts = new Map()));
    const n = (counts.get(host) ?? 0) + by;
    const r = this.rules.get(key)!;
    if (n > 0) {
      counts.set(host, n);
      if (n === 1 && by === 1) {
        this.mark(host, r.list, r.name);
        this.needsOf(r, host, 1);
        let rules = this.hostRules.get(host);
        if (!rules) this.hostRules.set(host, (rules = new Set()));
        rules.add(key);
      }
    } else {
      this.mark(host, r.list, r.name);
      this.needsOf(r, host, -1);
      counts.delete(host);
      this.hostRules.get(host)?.delete(key);
    }
  }

  /** `e` needed by `r` (or no longer): in the views `r` concerns. */
  private neededFor(r: RuleSpan, e: string, by: 1 | -1): void {
    if (by === 1) {
      add(this.needed, r.key, e);
      add(this.neededBy, e, r.key);
    }
    // The entity is the change's own object, which marks its hosts itself; only the shared count moves here.
    if (r.everywhere) this.need(null, 'entities', e, by);
    if (by === -1) {
      remove(this.needed, r.key, e);
      remove(this.neededBy, e, r.key);
    }
  }

  private addEntity(e: SnapshotEntity): void {
    this.entities.set(e.name, e);
    add(this.byHost, e.host, e.name);
    for (const k in e.categories) add(this.byPair, pair(k, e.categories[k]), e.name);
    if (isStrict(e)) this.strict.add(e.name);
    this.eachPicking(e, (r, needs, targets) => {
      if (needs) this.neededFor(r, e.name, 1);
      if (targets) this.count(r.key, e.host, 1);
    });
  }

  private removeEntity(e: SnapshotEntity): void {
    this.eachPicking(e, (r, needs, targets) => {
      if (targets) this.count(r.key, e.host, -1);
      if (needs) this.neededFor(r, e.name, -1);
    });
    this.entities.delete(e.name);
    remove(this.byHost, e.host, e.name);
    for (const k in e.categories) remove(this.byPair, pair(k, e.categories[k]), e.name);
    this.strict.delete(e.name);
  }

  /** Index keys of a selector: every value of its first key ('' when it has none: it picks every entity). */
  private static pairsOf(s: SelectorT): string[] {
    const first = Object.entries(s.categories)[0];
    return first ? first[1].map((v) => pair(first[0], v)) : [''];
  }

  private addRule(list: RuleList, rule: AnyRule): RuleSpan {
    const r = ruleSpan(list, rule);
    this.rules.set(r.key, r);
    this.items.get(list)!.set(rule.name, rule);
    for (const s of pickers(r)) for (const p of Span.pairsOf(s)) add(this.rulesByPair, p, r.key);
    const needed = new Set<string>();
    for (const s of r.needs) for (const e of this.pick(s)) needed.add(e.name);
    if (needed.size) this.needed.set(r.key, needed);
    for (const n of needed) add(this.neededBy, n, r.key);
    if (r.everywhere) {
      this.everywhere.add(r.key);
      this.needsOf(r, null, 1);
    } else {
      const seen = new Set<string>();
      for (const s of r.targets)
        for (const e of this.pick(s)) {
          if (seen.has(e.name)) continue;
          seen.add(e.name);
          this.count(r.key, e.host, 1);
        }
    }
    return r;
  }

  private removeRule(list: RuleList, rule: AnyRule): void {
    const key = ruleKey(list, rule.name);
    const r = this.rules.get(key);
    if (!r) return;
    for (const s of pickers(r)) for (const p of Span.pairsOf(s)) remove(this.rulesByPair, p, key);
    if (r.everywhere) this.needsOf(r, null, -1);
    for (const h of [...(this.ruleHosts.get(key)?.keys() ?? [])]) {
      this.mark(h, list, rule.name);
      this.needsOf(r, h, -1);
      this.hostRules.get(h)?.delete(key);
    }
    for (const n of this.needed.get(key) ?? []) remove(this.neededBy, n, key);
    this.needed.delete(key);
    this.ruleHosts.delete(key);
    this.everywhere.delete(key);
    this.rules.delete(key);
    this.items.get(list)!.delete(rule.name);
  }
}

/** The selectors whose picks a rule's span depends on: its targets (not for a rule concerning every host) and needs. */
const pickers = (r: RuleSpan): SelectorT[] => (r.everywhere ? r.needs : [...r.targets, ...r.needs]);

/** Whether two spans of one rule pick the same hosts and bring the same objects into their views. */
function sameReach(a: RuleSpan, b: RuleSpan): boolean {
  const reach = (r: RuleSpan) =>
    JSON.stringify([
      r.everywhere,
      r.targets,
      r.needs,
      r.all,
      ...[r.addressGroups, r.serviceGroups].map((x) => [...x].sort()),
    ]);
  return reach(a) === reach(b);
}

function add(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}
function remove(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
