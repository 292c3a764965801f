/**
 * The four policy layers, once for each side: egress (the sending entity is
 * local: reg4 = its port, the peer is the destination address) and ingress
 * (the receiving entity is local: reg5, the peer is the source address).
 * Each layer either decides (loads the side's verdict and rule, goes to the
 * commit table) or falls through to the next. See docs/semantics.md "Layers".
 */
import { canonicalProtocol, hasPorts, isIcmp, protocolNumber } from '../model/protocols';
import { STRICT, type PeerT, type SelectorT, type ServiceT } from '../model/schemas';
import type {
  SnapshotApplicationRule,
  SnapshotEntity,
  SnapshotInbound,
  SnapshotOutbound,
  SnapshotQuarantineRule,
} from '../model/snapshot';
import { parsePortSpec, selectorMatches } from '../model/match';
import { byName } from '../model/verdicts';
import { addressSet } from './address-sets';
import type { CompileContext, Targets } from './context';
import { addressMatches, ExclusionSets, type AddressFields, type SetCall } from './exclusion-sets';
import { flow, type Conjunction, type Decide, type Flow, type FlowBlock, type FlowSet } from './flow-set';
import type { HostView, LocalEntity } from './host-view';
import { portMasks } from './port-masks';
import { cookieFor, encodeMark, PRIORITY, REG_MATCH, TABLE, type Side } from './pipeline';
import type { Layer, Verdict } from '../model/verdicts';

interface SideSpec {
  side: Side;
  entityReg: string; // reg4 / reg5
  peer: AddressFields; // nw_dst / nw_src
  own: AddressFields; // nw_src / nw_dst
  tables: {
    sets: number;
    setLookup: number;
    peer: number;
    quarantine: number;
    shared: number;
    isolation: number;
    application: number;
    commit: number;
  };
  /** This side's excluding address sets (filled while its layers compile). */
  sets: ExclusionSets;
  /** Some clause of this side matches the peer's labels: the side looks its peer up (peer-labels.ts). */
  labels: boolean;
  cache?: PieceCache;
}

/**
 * A piece of a host's flows: one rule's on one side, at that rule's own table and priority (so it merges with
 * no other flow), computed apart and kept by HostCompiler: its next compile takes it again as it was when
 * its inputs (the rule, its priority, the local entities it compiles for and their ports) are the same
 * objects and the context dropped none of the keys it read.
 */
export interface Piece {
  inputs: readonly unknown[];
  reads: ReadonlySet<string>;
  segment: FlowBlock;
  /** null: a conjunction of it took another id than its hash (a collision): never taken again. */
  conjunctions: readonly Conjunction[] | null;
  sets: readonly SetCall[];
  labels: boolean;
}

/** The pieces of the host's previous compile, the memo keys the context dropped since, and this compile's. */
export interface PieceCache {
  previous: ReadonlyMap<string, Piece>;
  invalidated: ReadonlySet<string>;
  next: Map<string, Piece>;
}

/** A kept piece's excluding sets came out otherwise than before: the compile starts again without pieces. */
export class StaleCache extends Error {}

/** Inputs compared item by item; an item that is a list of members, member by member (no copy is made of it). */
const sameInputs = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i];
    if (x === y) return true;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
    return true;
  });

function readsAny(reads: ReadonlySet<string>, keys: ReadonlySet<string>): boolean {
  const [small, large] = reads.size < keys.size ? [reads, keys] : [keys, reads];
  for (const k of small) if (large.has(k)) return true;
  return false;
}

/**
 * `body`'s flows as a piece of `fs` (see Piece): the kept one when it still holds, else computed, and
 * recorded in the side's cache (when there is one) for the next compile.
 */
/**
 * A piece's key in the caches, `${side}|${layer}|${rank}`: each made once (a host looks up 800 a compile; a key
 * made anew each time would be hashed anew each time).
 */
const pieceKeys = new Map<Side, Map<string, string[]>>();
function pieceKey(side: Side, layer: string, rank: number): string {
  let layers = pieceKeys.get(side);
  if (!layers) pieceKeys.set(side, (layers = new Map()));
  let keys = layers.get(layer);
  if (!keys) layers.set(layer, (keys = []));
  return (keys[rank] ??= `${side}|${layer}|${rank}`);
}

function piece(
  fs: FlowSet,
  ctx: CompileContext,
  spec: SideSpec,
  layer: string,
  rank: number,
  inputsOf: () => readonly unknown[],
  body: (fs: FlowSet) => void,
): void {
  const cache = spec.cache;
  if (!cache) {
    const part = fs.piece(false);
    body(part);
    fs.addSegment(part.parts().own);
    return;
  }
  const at = pieceKey(spec.side, layer, rank);
  const old = cache.previous.get(at);
  const inputs = inputsOf();
  if (
    old?.conjunctions &&
    sameInputs(old.inputs, inputs) &&
    !readsAny(old.reads, cache.invalidated) &&
    fs.claim(old.conjunctions)
  ) {
    if (!spec.sets.replay(old.sets)) throw new StaleCache();
    if (old.labels) spec.labels = true;
    fs.addSegment(old.segment);
    cache.next.set(at, old);
    return;
  }
  const part = fs.piece(true);
  const sets: SetCall[] = [];
  const [outerLog, outerLabels] = [spec.sets.log, spec.labels];
  spec.sets.log = sets;
  spec.labels = false;
  let reads: Set<string>;
  try {
    ({ reads } = ctx.track(() => body(part), true)); // the host counts its pieces' reads apart
  } finally {
    spec.sets.log = outerLog;
  }
  const labels = spec.labels;
  spec.labels = outerLabels || labels;
  const segment = part.parts().own;
  fs.addSegment(segment);
  cache.next.set(at, { inputs, reads, segment, conjunctions: part.conjunctions(), sets, labels });
}

const SRC: AddressFields = { v4: 'nw_src', v6: 'ipv6_src' };
const DST: AddressFields = { v4: 'nw_dst', v6: 'ipv6_dst' };
const SIDES: Omit<SideSpec, 'sets' | 'labels'>[] = [
  {
    side: 'egress',
    entityReg: REG_MATCH.SRC_PORT,
    peer: DST,
    own: SRC,
    tables: {
      sets: TABLE.EGRESS_SETS,
      setLookup: TABLE.EGRESS_SET_LOOKUP,
      peer: TABLE.EGRESS_PEER,
      quarantine: TABLE.EGRESS_QUARANTINE,
      shared: TABLE.EGRESS_SHARED,
      isolation: TABLE.EGRESS_ISOLATION,
      application: TABLE.EGRESS_APPLICATION,
      commit: TABLE.EGRESS_COMMIT,
    },
  },
  {
    side: 'ingress',
    entityReg: REG_MATCH.DST_PORT,
    peer: SRC,
    own: DST,
    tables: {
      sets: TABLE.INGRESS_SETS,
      setLookup: TABLE.INGRESS_SET_LOOKUP,
      peer: TABLE.INGRESS_PEER,
      quarantine: TABLE.INGRESS_QUARANTINE,
      shared: TABLE.INGRESS_SHARED,
      isolation: TABLE.INGRESS_ISOLATION,
      application: TABLE.INGRESS_APPLICATION,
      commit: TABLE.INGRESS_COMMIT,
    },
  },
];

type Present = LocalEntity & { ofport: number };

/** Ends a flow with the side's verdict and deciding rule, on to the commit table. */
const decides =
  (spec: SideSpec, verdict: Verdict, layer: Layer, rule: number): Decide =>
  (f) =>
    f
      .load('VERDICT', encodeMark(verdict, layer, spec.side))
      .load('RULE', rule)
      .goto(spec.tables.commit);

/**
 * The addresses of the selectors' members on the side's peer fields: each selector with members as its
 * label matches when it has them (the side then looks its peer up), else as its members' addresses.
 */
function peerSelectorMatches(ctx: CompileContext, spec: SideSpec, selectors: SelectorT[]): string[] {
  const out = new Set<string>();
  for (const selector of selectors) {
    if (!ctx.nonEmpty(selector)) continue;
    const labels = ctx.labels.selectorMatches(selector);
    if (labels) spec.labels = true;
    for (const m of labels ?? ctx.memberMatches(spec.peer, [selector])) out.add(m);
  }
  return [...out].sort();
}

/** Memo key texts, once per object (snapshot objects are never changed, only replaced). */
const peerKeys = new WeakMap<PeerT, string>();
const serviceKeys = new WeakMap<object, string>();
function keyOf<T extends object>(keys: WeakMap<T, string>, o: T, text: () => string): string {
  let key = keys.get(o);
  if (key === undefined) keys.set(o, (key = text()));
  return key;
}

/** The match on a local entity's port, rendered once per register and port (ports are below 0xff00: bounded). */
const portMatches = new Map<string, string[]>();
function entityMatch(spec: SideSpec, m: Present): string {
  let texts = portMatches.get(spec.entityReg);
  if (!texts) portMatches.set(spec.entityReg, (texts = []));
  return (texts[m.ofport] ??= `${spec.entityReg}=0x${m.ofport.toString(16)}`);
}
const entityMatches = (spec: SideSpec, members: Present[]) => members.map((m) => entityMatch(spec, m));

/**
 * The peer as address matches on `fields`; null = any address (no dimension). Parts with exclusions
 * (the peer's `except`, an address group's own `except`) go through the side's excluding sets.
 */
function peerMatches(ctx: CompileContext, spec: SideSpec, fields: AddressFields, peer: PeerT): string[] | null {
  const except = peer.except ?? [];
  if (peer.any && except.length === 0) return null;
  // Without exclusions the answer depends on the snapshot alone: shared by every rule and host naming this peer.
  const pure = except.length === 0 && (peer.address_groups ?? []).every((n) => !ctx.addressGroup(n)?.except.length);
  if (!pure) return peerAddresses(ctx, spec, fields, peer);
  // Its categories as labels (on the side's own peer fields): the rest as addresses.
  const byLabel = fields === spec.peer && peer.categories ? { categories: peer.categories } : null;
  const labels = byLabel ? ctx.labels.selectorMatches(byLabel) : null;
  const labelled = labels !== null && ctx.nonEmpty(byLabel!);
  if (labelled) spec.labels = true;
  const key = `peer|${fields.v4}|${labels ? `labels:${labelled}` : ''}|${keyOf(peerKeys, peer, () => JSON.stringify(peer))}`;
  // By labels the answer depends on the members only through `labelled` (in the key).
  const deps = peer.categories && !labels ? [{ categories: peer.categories }] : [];
  return ctx.memo(key, deps, () => {
    if (!labels) return peerAddresses(ctx, spec, fields, peer);
    const rest = peerAddresses(ctx, spec, fields, { ...peer, categories: undefined });
    return [...new Set([...rest, ...(labelled ? labels : [])])].sort();
  });
}

function peerAddresses(ctx: CompileContext, spec: SideSpec, fields: AddressFields, peer: PeerT): string[] {
  const except = peer.except ?? [];
  const plain: string[] = [];
  const groups: { cidrs: string[]; except: string[] }[] = [];
  if (peer.categories) plain.push(...ctx.ipsOf({ categories: peer.categories }));
  plain.push(...(peer.cidrs ?? []));
  for (const name of peer.address_groups ?? []) {
    const group = ctx.addressGroup(name);
    if (!group) continue;
    if (group.except.length === 0) plain.push(...group.cidrs);
    else groups.push(group);
  }
  // Each part minus its exclusions; the peer's own `except` cuts every part.
  const out = new Set(spec.sets.matches(fields, plain, except, peer.any === true));
  for (const g of groups) for (const m of spec.sets.matches(fields, g.cidrs, [...g.except, ...except])) out.add(m);
  return [...out].sort();
}

function serviceMatches(service: ServiceT): string[] {
  if (service.protocol === 'any') return ['ip', 'ipv6'];
  const protocol = canonicalProtocol(service.protocol)!; // validated; `6` compiles as tcp
  if (hasPorts(protocol)) {
    const protos = [protocol, `${protocol}6`]; // tcp tcp6, udp udp6, sctp sctp6
    const ports = service.ports ?? [];
    if (ports.length === 0) return protos;
    const masks = ports.flatMap((spec) => portMasks(...parsePortSpec(spec)));
    return protos.flatMap((p) => masks.map((m) => `${p},tp_dst=${m}`));
  }
  if (isIcmp(protocol)) {
    let m = protocol === 'icmp' ? 'icmp' : 'icmp6';
    if (service.icmp_type !== undefined) {
      m += `,icmp_type=${service.icmp_type}`;
      if (service.icmp_code !== undefined) m += `,icmp_code=${service.icmp_code}`;
    }
    return [m];
  }
  const n = protocolNumber(protocol)!; // validated
  return [`ip,nw_proto=${n}`, `ipv6,nw_proto=${n}`];
}

/** The entry's services as matches; null = every protocol and port (no dimension). */
function entryServiceMatches(
  ctx: CompileContext,
  entry: { services: ServiceT[]; service_groups: string[] },
): string[] | null {
  const key = `services|${keyOf(serviceKeys, entry, () => JSON.stringify([entry.services, entry.service_groups]))}`;
  return ctx.memo(key, [], () => listedServiceMatches(ctx, entry));
}

function listedServiceMatches(
  ctx: CompileContext,
  entry: { services: ServiceT[]; service_groups: string[] },
): string[] | null {
  const services = [
    ...entry.services,
    ...entry.service_groups.flatMap((name) => ctx.serviceGroup(name)?.services ?? []),
  ];
  if (services.length === 0 && entry.service_groups.length === 0) return null;
  if (services.some((s) => s.protocol === 'any')) return null;
  return [...new Set(services.flatMap(serviceMatches))].sort();
}

interface TargetedRule {
  name: string;
  id: number;
  mode: string;
  target: { categories: Record<string, string[]> };
}

/** What a targeted rule allows on one side. */
interface Allowing {
  allowAll: boolean;
  entries: (SnapshotInbound | SnapshotOutbound)[];
  intraGroup?: boolean;
}

/**
 * Quarantine and application layers: per local entity, the rules targeting it
 * of the deciding mode (apply if any, else monitor); allowing entries at the
 * rule's priority (first by name highest); the entity's default below them.
 */
function targetedLayer<R extends TargetedRule>(
  fs: FlowSet,
  ctx: CompileContext,
  spec: SideSpec,
  present: Present[],
  layer: Layer,
  table: number,
  rules: R[],
  allowing: (rule: R) => Allowing,
): void {
  const sorted = ctx.memo(`sorted|${layer}`, [], () => rules.slice().sort(byName));
  const { decided, first } = decide(present, ctx.targetsOf(layer, sorted));
  for (const [member, rule] of first) fs.add(sideDefault(spec, layer, table, rule, member));
  sorted.forEach((rule, rank) => {
    const members = decided.get(rule);
    if (!members) return;
    const priority = PRIORITY.RULE_BASE + (sorted.length - rank);
    piece(
      fs,
      ctx,
      spec,
      layer,
      rank,
      () => [rule, priority, members],
      (fs) => targetedRule(fs, ctx, spec, layer, table, rule, priority, members, allowing(rule)),
    );
  });
}

/** Which rules decide each present entity (targetedLayer): the same on both sides of one compile. */
interface Decision<R> {
  /** Rule → the members it decides (those of the deciding mode: apply if any, else monitor). */
  decided: Map<R, Present[]>;
  /** Each targeted member and the first rule deciding it. */
  first: [Present, R][];
}
const decisions = new WeakMap<Present[], Map<Targets<TargetedRule>, Decision<TargetedRule>>>();
function decide<R extends TargetedRule>(present: Present[], targets: Targets<R>): Decision<R> {
  let byTargets = decisions.get(present) as Map<Targets<R>, Decision<R>> | undefined;
  if (!byTargets) decisions.set(present, (byTargets = new Map()) as Map<Targets<TargetedRule>, Decision<TargetedRule>>);
  const known = byTargets.get(targets);
  if (known) return known;
  const decision: Decision<R> = { decided: new Map(), first: [] };
  for (const member of present) {
    const targeting = targets.get(member.entity);
    if (!targeting) continue;
    const apply = targeting.filter((r) => r.mode === 'apply');
    const chosen = apply.length > 0 ? apply : targeting;
    for (const r of chosen) {
      const list = decision.decided.get(r);
      if (list) list.push(member);
      else decision.decided.set(r, [member]);
    }
    decision.first.push([member, chosen[0]]);
  }
  byTargets.set(targets, decision);
  return decision;
}

/**
 * The entity's default below the rules when `first` decides it: one flow object per rule object, table and port
 * (so a recompile adds the same object again, rendered and compared once).
 */
const defaults = new WeakMap<TargetedRule, Map<number, Flow>>();
function sideDefault(spec: SideSpec, layer: Layer, table: number, first: TargetedRule, member: Present): Flow {
  let byPort = defaults.get(first);
  if (!byPort) defaults.set(first, (byPort = new Map()));
  const at = table * 0x10000 + member.ofport; // ports are below 0xff00
  let f = byPort.get(at);
  if (!f) {
    const deny = decides(spec, first.mode === 'apply' ? 'deny' : 'would-deny', layer, first.id);
    byPort.set(
      at,
      (f = deny(flow(table, PRIORITY.SIDE_DEFAULT, cookieFor(layer, first.id)).match(entityMatch(spec, member)))),
    );
  }
  return f;
}

/** One rule's allowing flows for its members (targetedLayer). */
function targetedRule<R extends TargetedRule>(
  fs: FlowSet,
  ctx: CompileContext,
  spec: SideSpec,
  layer: Layer,
  table: number,
  rule: R,
  priority: number,
  members: Present[],
  { allowAll, entries, intraGroup }: Allowing,
): void {
  const id = rule.id;
  const cookie = cookieFor(layer, id);
  const allow = decides(spec, 'allow', layer, id);
  if (allowAll) {
    fs.addProduct(table, priority, cookie, [entityMatches(spec, members)], allow);
    return;
  }
  if (intraGroup) {
    // Both ends in the target: allowed whatever the lists say.
    const peers = peerSelectorMatches(ctx, spec, [rule.target]);
    if (peers.length > 0) fs.addProduct(table, priority, cookie, [entityMatches(spec, members), peers], allow);
  }
  for (const entry of entries) {
    // `from` of an outbound entry / `to` of an inbound one narrows the local side.
    const narrow = spec.side === 'egress' ? (entry as SnapshotOutbound).from : (entry as SnapshotInbound).to;
    const peer = spec.side === 'egress' ? (entry as SnapshotOutbound).to : (entry as SnapshotInbound).from;
    const own = narrow ? members.filter((m) => selectorMatches(narrow, m.entity)) : members;
    const peers = peerMatches(ctx, spec, spec.peer, peer);
    const services = entryServiceMatches(ctx, entry);
    if (own.length === 0 || peers?.length === 0 || services?.length === 0) continue;
    const dims = [entityMatches(spec, own), peers, services].filter((d): d is string[] => d !== null);
    fs.addProduct(table, priority, cookie, dims, allow);
  }
}

/**
 * The present entities the selector matches (in `present`'s order), once per compile (both sides ask): candidates
 * from an index of `present` by category value (its narrowest key), then checked.
 */
interface LocalIndex {
  byCategory: Map<string, Map<string, Present[]>>;
  position: Map<Present, number>;
  bySelector: Map<SelectorT, Present[]>;
}
const localIndexes = new WeakMap<Present[], LocalIndex>();
function localMembers(present: Present[], selector: SelectorT): Present[] {
  let at = localIndexes.get(present);
  if (!at) {
    at = { byCategory: new Map(), position: new Map(), bySelector: new Map() };
    present.forEach((m, i) => {
      at!.position.set(m, i);
      const categories = m.entity.categories;
      for (const key in categories) {
        const value = categories[key];
        let values = at!.byCategory.get(key);
        if (!values) at!.byCategory.set(key, (values = new Map()));
        const list = values.get(value);
        if (list) list.push(m);
        else values.set(value, [m]);
      }
    });
    localIndexes.set(present, at);
  }
  let list = at.bySelector.get(selector);
  if (list) return list;
  let best: Present[][] | null = null;
  let size = Infinity;
  for (const key in selector.categories) {
    const values = at.byCategory.get(key);
    const lists = [...new Set(selector.categories[key])].map((v) => values?.get(v) ?? []);
    const n = lists.reduce((sum, l) => sum + l.length, 0);
    if (n < size) [best, size] = [lists, n];
  }
  if (best === null)
    list = present; // no key: every entity
  else {
    const position = at.position;
    // Distinct values of one key hold disjoint lists: no duplicates; several are put back in `present`'s order.
    list = best.flat().filter((m) => selectorMatches(selector, m.entity));
    if (best.filter((l) => l.length > 0).length > 1) list.sort((a, b) => position.get(a)! - position.get(b)!);
  }
  at.bySelector.set(selector, list);
  return list;
}

const isStrict = (e: SnapshotEntity) => e.categories[STRICT.category] === STRICT.value;

function quarantineLayer(
  fs: FlowSet,
  ctx: CompileContext,
  spec: SideSpec,
  present: Present[],
  strict: Present[],
): void {
  const table = spec.tables.quarantine;
  // Strict at either end: deny, whatever any rule lists (rule 0: no rule decides it, the category does).
  const deny = decides(spec, 'deny', 'quarantine', 0);
  const cookie = cookieFor('quarantine', 0);
  for (const match of entityMatches(spec, strict)) fs.add(deny(flow(table, PRIORITY.STRICT, cookie).match(match)));
  for (const match of ctx.memberMatches(spec.peer, [{ categories: { [STRICT.category]: [STRICT.value] } }])) {
    fs.add(deny(flow(table, PRIORITY.STRICT, cookie).match(match)));
  }
  const rules: SnapshotQuarantineRule[] = ctx.snapshot.quarantine_rules;
  targetedLayer(fs, ctx, spec, present, 'quarantine', table, rules, (r) => ({
    allowAll: false,
    entries: spec.side === 'egress' ? r.outbound : r.inbound,
  }));
  // The other end is quarantined: its side decides (on its host); this side takes no part, later layers are skipped.
  // The quarantined peers' addresses follow from the targets' members: shared by every host (keyed by the
  // targets, since a context derived for a rule change keeps the memos).
  const targets = rules.map((r) => r.target);
  const key = `quarantined|${spec.peer.v4}|${JSON.stringify(targets.map((t) => t.categories))}`;
  const quarantined = ctx.memo(key, targets, () => {
    const members = rules.flatMap((r) => ctx.selectorMembers(r.target)).filter((e) => !isStrict(e));
    return addressMatches(spec.peer, addressSet(members.flatMap((e) => e.ips)));
  });
  const noPart = decides(spec, 'allow', 'quarantine', 0);
  for (const match of quarantined) {
    fs.add(noPart(flow(table, PRIORITY.PEER_QUARANTINED, cookie).match(match)));
  }
}

/**
 * Shared services: a connection from a consumer to a provider on a listed service is allowed here,
 * before isolation. Egress matches the source address (anti-spoofing made it the entity's own), ingress
 * the local provider's port; the first rule by name names the connection.
 */
function sharedLayer(fs: FlowSet, ctx: CompileContext, spec: SideSpec, present: Present[]): void {
  const table = spec.tables.shared;
  const rules = ctx.snapshot.shared_service_rules.slice().sort(byName);
  rules.forEach((rule, rank) => {
    const id = rule.id;
    const priority = PRIORITY.RULE_BASE + (rules.length - rank);
    const local = spec.side === 'egress' ? [] : present.filter((m) => selectorMatches(rule.providers, m.entity));
    piece(
      fs,
      ctx,
      spec,
      'shared',
      rank,
      () => [rule, priority, local],
      (fs) => {
        const consumers = peerMatches(ctx, spec, SRC, rule.consumers); // the source address, on either side
        const providers =
          spec.side === 'egress' ? ctx.memberMatches(DST, [rule.providers]) : entityMatches(spec, local);
        const services = entryServiceMatches(ctx, rule);
        if (providers.length === 0 || consumers?.length === 0 || services?.length === 0) return;
        const dims = [providers, consumers, services].filter((d): d is string[] => d !== null);
        const allow = decides(spec, 'allow', 'shared_service', id);
        fs.addProduct(table, priority, cookieFor('shared_service', id), dims, allow);
      },
    );
  });
}

/**
 * Isolation: apply rules (by name) above monitor rules (by name); the highest matching rule decides.
 * For each group, its local members against the addresses of every other group's members.
 */
function isolationLayer(fs: FlowSet, ctx: CompileContext, spec: SideSpec, present: Present[]): void {
  const table = spec.tables.isolation;
  const { isolation_rules } = ctx.snapshot;
  const rules = [
    ...isolation_rules.filter((r) => r.mode === 'apply').sort(byName),
    ...isolation_rules.filter((r) => r.mode === 'monitor').sort(byName),
  ];
  rules.forEach((rule, rank) => {
    const id = rule.id;
    const priority = PRIORITY.RULE_BASE + (rules.length - rank);
    const owns = rule.groups.map((mine) => localMembers(present, mine));
    if (owns.every((own) => own.length === 0)) return;
    piece(
      fs,
      ctx,
      spec,
      'isolation',
      rank,
      () => [rule, priority, ...owns],
      (fs) => {
        const actions = decides(spec, rule.mode === 'apply' ? 'deny' : 'would-deny', 'isolation', id);
        rule.groups.forEach((_, i) => {
          const own = owns[i];
          if (own.length === 0) return;
          const peers = peerSelectorMatches(
            ctx,
            spec,
            rule.groups.filter((_, j) => j !== i),
          );
          if (peers.length === 0) return;
          fs.addProduct(table, priority, cookieFor('isolation', id), [entityMatches(spec, own), peers], actions);
        });
      },
    );
  });
}

function applicationLayer(fs: FlowSet, ctx: CompileContext, spec: SideSpec, present: Present[]): void {
  const table = spec.tables.application;
  const rules: SnapshotApplicationRule[] = ctx.snapshot.application_rules;
  targetedLayer(fs, ctx, spec, present, 'application', table, rules, (r) =>
    spec.side === 'egress'
      ? { allowAll: r.outbound_policy === 'allow_all', entries: r.outbound, intraGroup: r.intra_group === 'allow' }
      : { allowAll: false, entries: r.inbound, intraGroup: r.intra_group === 'allow' },
  );
  // Not targeted: this side takes no part (layer "default").
  fs.add(decides(spec, 'allow', 'default', 0)(flow(table, PRIORITY.TABLE_MISS, cookieFor('default', 0))));
}

/** `cache`: the pieces of this host's previous compile to take again where they hold (HostCompiler). */
export function compileLayers(fs: FlowSet, ctx: CompileContext, view: HostView, cache?: PieceCache): void {
  const onBridge = view.local.filter((m): m is Present => m.ofport !== null);
  // A Strict entity's traffic never gets past quarantine: no other layer needs flows for it.
  const strict = onBridge.filter((m) => isStrict(m.entity));
  const present = onBridge.filter((m) => !isStrict(m.entity));
  for (const base of SIDES) {
    const spec: SideSpec = { ...base, sets: new ExclusionSets(), labels: false, cache };
    quarantineLayer(fs, ctx, spec, present, strict);
    sharedLayer(fs, ctx, spec, present);
    isolationLayer(fs, ctx, spec, present);
    applicationLayer(fs, ctx, spec, present);
    const lookup = spec.labels ? { table: spec.tables.peer, registers: ctx.labels.used } : null;
    if (lookup) fs.addBlock(ctx.peerLookup(spec.tables.peer, spec.peer));
    spec.sets.emit(fs, spec.tables.sets, spec.tables.setLookup, spec.tables.quarantine, lookup);
  }
}
