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
 * entity (every host denies them), and the categories, address groups and
 * service groups those rules use. Compiling H from its view gives the flows of
 * a full compile with the rules H takes no part in left out: the same verdicts
 * (test/compiler/span-views.test.ts); priorities may differ, being ranks among
 * the rules present.
 *
 * Indexes keep the work of a change proportional to it: entities by host and
 * by category key=value, rules by the key=value pairs of their selectors, and
 * per rule the hosts whose entities its targets pick (counted, so an entity
 * leaving is one decrement). `apply` answers the hosts whose view may change:
 * an over-approximation that never misses one. A host's desired generation is
 * the last generation that touched its view.
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

export type RuleList = 'application_rules' | 'isolation_rules' | 'quarantine_rules' | 'shared_service_rules';
export const RULE_LISTS: readonly RuleList[] = [
  'application_rules',
  'isolation_rules',
  'quarantine_rules',
  'shared_service_rules',
];
type AnyRule = SnapshotApplicationRule | SnapshotIsolationRule | SnapshotQuarantineRule | SnapshotSharedServiceRule;
type Item = PolicySnapshot[SnapshotList][number];

/** One changed object of the snapshot: its list, and the object before and after (null: created, deleted). */
export interface SpanChange {
  list: SnapshotList;
  before: Item | null;
  after: Item | null;
}

/** What the span needs of one rule. */
interface RuleSpan {
  key: string;
  /** Concerns every host. */
  everywhere: boolean;
  /** The hosts of the entities these pick are concerned. */
  targets: SelectorT[];
  /** The entities these pick are in the view of every concerned host. */
  needs: SelectorT[];
  /** Every selector of the rule (narrowing ones too): indexed, so an entity change finds the rule. */
  all: SelectorT[];
  categories: Set<string>;
  addressGroups: Set<string>;
  serviceGroups: Set<string>;
}

const pair = (key: string, value: string) => `${key}\0${value}`;
const ruleKey = (list: RuleList, name: string) => `${list}:${name}`;
const isStrict = (e: SnapshotEntity) => e.categories[STRICT.category] === STRICT.value;
const isRuleList = (list: SnapshotList): list is RuleList => (RULE_LISTS as readonly string[]).includes(list);

function ruleSpan(list: RuleList, rule: AnyRule): RuleSpan {
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
  const categories = new Set(all.flatMap((s) => Object.keys(s.categories)));
  return { key: ruleKey(list, rule.name), everywhere, targets, needs, all, categories, addressGroups, serviceGroups };
}

/** Hosts in a counted multiset: how many of a rule's target-picked entities each host carries. */
type Counts = Map<string, number>;

export class Span {
  private snapshot: PolicySnapshot;
  private readonly entities = new Map<string, SnapshotEntity>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly byPair = new Map<string, Set<string>>();
  private readonly strict = new Set<string>();
  private readonly rules = new Map<string, RuleSpan>();
  /** Rules by one key=value pair of each of their selectors (every value of its first key); '' for empty selectors. */
  private readonly rulesByPair = new Map<string, Set<string>>();
  private readonly ruleHosts = new Map<string, Counts>();
  private readonly hostRules = new Map<string, Set<string>>();
  private readonly everywhere = new Set<string>();
  private readonly desired = new Map<string, number>();
  /** Other hosts' entities without their MAC, one copy per entity object (so views keep identities too). */
  private readonly stripped = new WeakMap<SnapshotEntity, SnapshotEntity>();

  /** Every host starts at the snapshot's generation (nothing older is known). */
  constructor(snapshot: PolicySnapshot) {
    this.snapshot = snapshot;
    for (const h of snapshot.hosts) this.desired.set(h.name, snapshot.generation);
    for (const e of snapshot.entities) this.addEntity(e);
    for (const list of RULE_LISTS) for (const r of snapshot[list]) this.addRule(list, r);
  }

  /** The last generation that touched `host`'s view (the snapshot's generation for a host it never saw). */
  desiredGeneration(host: string): number {
    return this.desired.get(host) ?? this.snapshot.generation;
  }

  /**
   * Moves to `next`, which is the current snapshot with `changes` applied; returns the hosts whose view
   * they may change (sorted), whose desired generation becomes `next.generation`.
   */
  apply(next: PolicySnapshot, changes: SpanChange[]): string[] {
    const touched = new Set<string>();
    let all = false;
    for (const c of changes) {
      if (c.list === 'entities')
        all = this.entityChange(c.before as SnapshotEntity | null, c.after as SnapshotEntity | null, touched) || all;
      else if (isRuleList(c.list))
        all = this.ruleChange(c.list, c.before as AnyRule | null, c.after as AnyRule | null, touched) || all;
      else if (c.list === 'hosts') {
        for (const h of [c.before, c.after] as (SnapshotHost | null)[]) if (h) touched.add(h.name);
        if (c.before) this.desired.delete(c.before.name);
      } else {
        // A category, address group or service group: the hosts of every rule that uses it, by either name.
        const names = new Set([c.before?.name, c.after?.name].filter((n): n is string => n !== undefined));
        const field =
          c.list === 'categories' ? 'categories' : c.list === 'address_groups' ? 'addressGroups' : 'serviceGroups';
        for (const r of this.rules.values())
          if ([...names].some((n) => r[field].has(n))) all = this.concerned(r, touched) || all;
      }
    }
    this.snapshot = next;
    const hosts = all ? [...new Set([...touched, ...next.hosts.map((h) => h.name)])] : [...touched];
    const present = new Set(next.hosts.map((h) => h.name));
    const out = hosts.filter((h) => present.has(h)).sort();
    for (const h of out) this.desired.set(h, next.generation);
    for (const h of next.hosts) if (!this.desired.has(h.name)) this.desired.set(h.name, next.generation);
    return out;
  }

  /** Host `host`'s view: a normalized PolicySnapshot the agent compiles as it would the whole one. */
  view(host: string): PolicySnapshot {
    const s = this.snapshot;
    const concerning = new Set([...this.everywhere, ...(this.hostRules.get(host) ?? [])]);
    const names = new Set<string>([...(this.byHost.get(host) ?? []), ...this.strict]);
    const categories = new Set<string>();
    const addressGroups = new Set<string>();
    const serviceGroups = new Set<string>();
    for (const key of concerning) {
      const r = this.rules.get(key)!;
      for (const sel of r.needs) for (const e of this.pick(sel)) names.add(e.name);
      for (const c of r.categories) categories.add(c);
      for (const g of r.addressGroups) addressGroups.add(g);
      for (const g of r.serviceGroups) serviceGroups.add(g);
    }
    const entities = [...names]
      .map((n) => this.entities.get(n)!)
      .sort(byName)
      .map((e) => (e.host === host ? e : this.withoutMac(e)));
    const rules = <R extends AnyRule>(list: RuleList, items: R[]) =>
      items.filter((r) => concerning.has(ruleKey(list, r.name)));
    return {
      generation: this.desiredGeneration(host),
      categories: s.categories.filter((c) => categories.has(c.name)),
      address_groups: s.address_groups.filter((g) => addressGroups.has(g.name)),
      service_groups: s.service_groups.filter((g) => serviceGroups.has(g.name)),
      hosts: s.hosts.filter((h) => h.name === host),
      entities,
      application_rules: rules('application_rules', s.application_rules),
      isolation_rules: rules('isolation_rules', s.isolation_rules),
      quarantine_rules: rules('quarantine_rules', s.quarantine_rules),
      shared_service_rules: rules('shared_service_rules', s.shared_service_rules),
    };
  }

  // ------------------------------------------------------------ internals

  private withoutMac(e: SnapshotEntity): SnapshotEntity {
    if (e.mac === undefined) return e;
    let s = this.stripped.get(e);
    if (!s) {
      const { mac: _mac, ...rest } = e;
      s = rest;
      this.stripped.set(e, s);
    }
    return s;
  }

  /** The entities `selector` picks, from the smallest key=value candidate set. */
  private pick(selector: SelectorT): SnapshotEntity[] {
    const keys = Object.entries(selector.categories);
    if (keys.length === 0) return [...this.entities.values()];
    let best: string[] | null = null;
    for (const [key, values] of keys) {
      const names = values.flatMap((v) => [...(this.byPair.get(pair(key, v)) ?? [])]);
      if (best === null || names.length < best.length) best = names;
      if (best.length === 0) return [];
    }
    return best!.map((n) => this.entities.get(n)!).filter((e) => selectorMatches(selector, e));
  }

  /** Adds the hosts `rule` concerns to `into`; true when it concerns every host. */
  private concerned(rule: RuleSpan, into: Set<string>): boolean {
    if (rule.everywhere) return true;
    for (const h of this.ruleHosts.get(rule.key)?.keys() ?? []) into.add(h);
    return false;
  }

  /** The rules some selector of which may pick `e` (candidates by its key=value pairs, checked). */
  private rulesPicking(e: SnapshotEntity): RuleSpan[] {
    const keys = new Set(this.rulesByPair.get('') ?? []);
    for (const [k, v] of Object.entries(e.categories))
      for (const r of this.rulesByPair.get(pair(k, v)) ?? []) keys.add(r);
    return [...keys].map((k) => this.rules.get(k)!).filter((r) => r.all.some((s) => selectorMatches(s, e)));
  }

  private entityChange(before: SnapshotEntity | null, after: SnapshotEntity | null, touched: Set<string>): boolean {
    let all = false;
    const around = (e: SnapshotEntity) => {
      touched.add(e.host);
      if (isStrict(e)) all = true;
      for (const r of this.rulesPicking(e)) all = this.concerned(r, touched) || all;
    };
    if (before) {
      around(before);
      this.removeEntity(before);
    }
    if (after) {
      this.addEntity(after);
      around(after);
    }
    return all;
  }

  private ruleChange(list: RuleList, before: AnyRule | null, after: AnyRule | null, touched: Set<string>): boolean {
    let all = false;
    if (before) {
      all = this.concerned(this.rules.get(ruleKey(list, before.name))!, touched) || all;
      this.removeRule(list, before);
    }
    if (after) all = this.concerned(this.addRule(list, after), touched) || all;
    return all;
  }

  private count(ruleKey: string, host: string, by: 1 | -1): void {
    let counts = this.ruleHosts.get(ruleKey);
    if (!counts) this.ruleHosts.set(ruleKey, (counts = new Map()));
    const n = (counts.get(host) ?? 0) + by;
    if (n > 0) {
      counts.set(host, n);
      if (n === 1 && by === 1) {
        let rules = this.hostRules.get(host);
        if (!rules) this.hostRules.set(host, (rules = new Set()));
        rules.add(ruleKey);
      }
    } else {
      counts.delete(host);
      this.hostRules.get(host)?.delete(ruleKey);
    }
  }

  private targetsPick(r: RuleSpan, e: SnapshotEntity): boolean {
    return !r.everywhere && r.targets.some((s) => selectorMatches(s, e));
  }

  private addEntity(e: SnapshotEntity): void {
    this.entities.set(e.name, e);
    add(this.byHost, e.host, e.name);
    for (const [k, v] of Object.entries(e.categories)) add(this.byPair, pair(k, v), e.name);
    if (isStrict(e)) this.strict.add(e.name);
    for (const r of this.rulesPicking(e)) if (this.targetsPick(r, e)) this.count(r.key, e.host, 1);
  }

  private removeEntity(e: SnapshotEntity): void {
    for (const r of this.rulesPicking(e)) if (this.targetsPick(r, e)) this.count(r.key, e.host, -1);
    this.entities.delete(e.name);
    remove(this.byHost, e.host, e.name);
    for (const [k, v] of Object.entries(e.categories)) remove(this.byPair, pair(k, v), e.name);
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
    for (const s of r.all) for (const p of Span.pairsOf(s)) add(this.rulesByPair, p, r.key);
    if (r.everywhere) this.everywhere.add(r.key);
    else {
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
    for (const s of r.all) for (const p of Span.pairsOf(s)) remove(this.rulesByPair, p, key);
    for (const h of this.ruleHosts.get(key)?.keys() ?? []) this.hostRules.get(h)?.delete(key);
    this.ruleHosts.delete(key);
    this.everywhere.delete(key);
    this.rules.delete(key);
  }
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
