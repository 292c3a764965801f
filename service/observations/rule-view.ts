/**
 * The Flow-style view of one application rule, as data for the web page's
 * Sankey diagram: sources → the target's tiers → destinations. Observed
 * connections are aggregated into one band per (source group → tier) and
 * (tier → destination group) per verdict, so the size of the answer grows
 * with the policy, not with the history. Pure: snapshot + flow rows in.
 *
 * A connection to a target entity is an inbound band; one from a target
 * entity to anything outside the target is an outbound band (a connection
 * between two tiers is drawn once, inbound). Its other end is grouped as
 * the rule sees it: the first inbound (outbound) entry whose peer matches it,
 * preferring one that also covers the tier; else its tier-category value
 * (e.g. AppTier=dns); else "other addresses". Tiers group the target by
 * `AppTier` when its entities carry it, else by the first category (by name)
 * whose value differs among them, in the order the rule's entries lead
 * through them.
 */
import type { PolicySnapshot, SnapshotEntity, SnapshotApplicationRule } from '../model/snapshot';
import type { PeerT, SelectorT } from '../model/schemas';
import { peerMatches, selectorMatches, type Endpoint } from '../model/match';
import { parseAddress } from '../model/net';
import type { FlowRecord } from '../model/observation';
import type { Verdict } from '../model/verdicts';

/** Column 0: sources, 1: the target's tiers, 2: destinations. */
export type ViewColumn = 0 | 1 | 2;
export interface ViewNode {
  id: string;
  label: string;
  column: ViewColumn;
  /** rule-peer: an entry of the rule; group: entities by category; external: addresses no entry names; tier: part of the target. */
  kind: 'rule-peer' | 'group' | 'external' | 'tier';
  /** Tiers: how many entities, and the first few names. */
  entities?: number;
  sample?: string[];
}
export interface ViewBand {
  id: string;
  source: string;
  target: string;
  verdict: Verdict;
  /** Connections (sum of the rows' counts). */
  count: number;
  /** Aggregated history rows behind the band. */
  rows: number;
  /** Services by connections, most first; at most MAX_LISTED. */
  services: { service: string; count: number }[];
  more_services: number;
  /** The other end (source of an inbound band, destination of an outbound one) by connections, most first; at most MAX_LISTED. */
  endpoints: { name: string; count: number }[];
  more_endpoints: number;
  rules: string[];
  last_seen: string;
}
export interface RuleView {
  rule: string;
  mode: string;
  /** `allow`: members of the target may talk to each other on anything (node `in:*members`, with a path to every tier). */
  intra_group: 'deny' | 'allow';
  tier_key: string | null;
  nodes: ViewNode[];
  /** Paths the rule allows (from the policy, not the traffic), drawn faintly. */
  policy: { source: string; target: string; services: string[] }[];
  bands: ViewBand[];
  /** Connections per verdict over every band. */
  totals: Record<Verdict, number>;
}

/** Beyond this many groups in a column, the smallest are merged into one node. */
export const MAX_GROUPS = 24;
/** Services and endpoints listed per band. */
export const MAX_LISTED = 12;

const selectorLabel = (s: SelectorT) =>
  Object.entries(s.categories)
    .map(([k, v]) => `${k}=${v.join('|')}`)
    .join(', ') || 'all';

export function peerLabel(p: PeerT): string {
  if (p.any) return 'any';
  const parts: string[] = [];
  if (p.categories) parts.push(selectorLabel({ categories: p.categories }));
  for (const g of p.address_groups ?? []) parts.push(`group ${g}`);
  for (const c of p.cidrs ?? []) parts.push(c);
  return parts.join(' + ') || 'nothing';
}

function servicesLabel(entry: {
  services: { protocol: string; ports?: string[] }[];
  service_groups: string[];
}): string[] {
  const out = entry.services.map((s) =>
    s.ports && s.ports.length ? `${s.protocol}/${s.ports.join(',')}` : s.protocol,
  );
  for (const g of entry.service_groups) out.push(`group ${g}`);
  return out.length ? out : ['any'];
}

export const serviceOf = (f: Pick<FlowRecord, 'protocol' | 'port'>) =>
  f.port === null ? f.protocol : `${f.protocol}/${f.port}`;

function tierKeyOf(members: SnapshotEntity[]): string | null {
  if (members.some((e) => e.categories.AppTier !== undefined)) return 'AppTier';
  const keys = [...new Set(members.flatMap((e) => Object.keys(e.categories)))].sort();
  for (const k of keys) if (new Set(members.map((e) => e.categories[k] ?? '')).size > 1) return k;
  return null;
}

/**
 * Tiers in the order traffic goes through them by the rule's own entries
 * (office → web, web → app, app → db: web, app, db), since category values
 * are a set with no order of their own.
 */
function tierOrder(
  snapshot: PolicySnapshot,
  rule: SnapshotApplicationRule,
  key: string | null,
  tiers: Map<string, SnapshotEntity[]>,
): string[] {
  const ids = [...tiers.keys()].sort();
  const covers = (sel: SelectorT | undefined, t: string) => tiers.get(t)!.some((e) => !sel || selectorMatches(sel, e));
  const edges = rule.inbound.flatMap((entry) =>
    ids
      .filter((x) => tiers.get(x)!.some((e) => peerMatches(snapshot, entry.from, { entity: e, ip: null })))
      .flatMap((x) => ids.filter((y) => y !== x && covers(entry.to, y)).map((y) => [x, y] as const)),
  );
  // Longest chain of entries leading into a tier; bounded by the tier count, so a cycle cannot loop.
  const depth = new Map(ids.map((t) => [t, 0]));
  for (let round = 0; round < ids.length; round++) {
    for (const [x, y] of edges)
      if (depth.get(x)! + 1 > depth.get(y)! && depth.get(x)! + 1 < ids.length) depth.set(y, depth.get(x)! + 1);
  }
  // Tiers no entry leads into or out of come last; then the category's own listing, then names.
  const linked = new Set([...edges.flat(), ...rule.inbound.flatMap((entry) => ids.filter((t) => covers(entry.to, t)))]);
  const listed = snapshot.categories.find((c) => c.name === key)?.values ?? [];
  const key3 = (t: string) =>
    [linked.has(t) ? 0 : 1, depth.get(t)!, listed.indexOf(t.slice('tier:'.length)) >>> 0] as const;
  return ids.sort((a, b) => {
    const [ka, kb] = [key3(a), key3(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2] || (a < b ? -1 : 1);
  });
}

interface Entry {
  id: string;
  peer: PeerT;
  narrow?: SelectorT;
}

/**
 * Which entries match a far end depends only on the rule (an object of one
 * snapshot: a new policy generation brings new ones), so it is kept per rule
 * object across requests: a view polled every 2 s classifies each address
 * once, not on every poll.
 */
const matchCaches = new WeakMap<SnapshotApplicationRule, FarEndCache>();
/** Per side, per far end: the matching entries' indexes, or (none matching) the group node it falls in. */
interface FarEndCache {
  src: Map<string, number[] | ViewNode>;
  dst: Map<string, number[] | ViewNode>;
}
function matchCacheOf(rule: SnapshotApplicationRule): FarEndCache {
  let cache = matchCaches.get(rule);
  if (!cache) matchCaches.set(rule, (cache = { src: new Map(), dst: new Map() }));
  return cache;
}

export function buildRuleView(snapshot: PolicySnapshot, rule: SnapshotApplicationRule, flows: FlowRecord[]): RuleView {
  const entityByName = new Map(snapshot.entities.map((e) => [e.name, e]));
  const members = snapshot.entities.filter((e) => selectorMatches(rule.target, e));
  const tierKey = tierKeyOf(members);
  const nodes = new Map<string, ViewNode>();
  const tierOf = new Map<string, string>();
  const tierMembers = new Map<string, SnapshotEntity[]>();
  for (const e of members) {
    const value = tierKey ? (e.categories[tierKey] ?? '(none)') : 'all';
    const id = `tier:${value}`;
    if (!tierMembers.has(id)) tierMembers.set(id, []);
    tierMembers.get(id)!.push(e);
    tierOf.set(e.name, id);
  }
  const tierIds = tierOrder(snapshot, rule, tierKey, tierMembers);
  for (const id of tierIds) {
    const list = tierMembers.get(id)!;
    nodes.set(id, {
      id,
      label: tierKey ? `${tierKey}=${id.slice(5)}` : 'target',
      column: 1,
      kind: 'tier',
      entities: list.length,
      sample: list.slice(0, 5).map((e) => e.name),
    });
  }
  const tiersCovered = (sel: SelectorT | undefined) =>
    tierIds.filter((t) => tierMembers.get(t)!.some((e) => !sel || selectorMatches(sel, e)));

  // The rule's entries as nodes (entries naming the same peer share one) and the paths they allow.
  const policy = new Map<string, { source: string; target: string; services: string[] }>();
  const addPath = (source: string, target: string, services: string[]) => {
    const key = `${source}\u0000${target}`;
    const p = policy.get(key) ?? { source, target, services: [] };
    for (const s of services) if (!p.services.includes(s)) p.services.push(s);
    policy.set(key, p);
  };
  const inbound: Entry[] = rule.inbound.map((entry) => {
    const label = peerLabel(entry.from);
    const id = `in:${label}`;
    if (!nodes.has(id)) nodes.set(id, { id, label, column: 0, kind: 'rule-peer' });
    for (const t of tiersCovered(entry.to)) addPath(id, t, servicesLabel(entry));
    return { id, peer: entry.from, narrow: entry.to };
  });
  // intra_group = allow: members of the target reach each other without entries; one source node stands for them.
  const membersNode: ViewNode | null =
    rule.intra_group === 'allow'
      ? { id: 'in:*members', label: 'members (intra-group allow)', column: 0, kind: 'rule-peer' }
      : null;
  if (membersNode) {
    nodes.set(membersNode.id, membersNode);
    for (const t of tierIds) addPath(membersNode.id, t, ['any']);
  }
  const outbound: Entry[] =
    rule.outbound_policy === 'allow_all'
      ? [{ id: 'out:any', peer: { any: true } }]
      : rule.outbound.map((entry) => ({ id: `out:${peerLabel(entry.to)}`, peer: entry.to, narrow: entry.from }));
  if (rule.outbound_policy === 'allow_all') tierIds.forEach((t) => addPath(t, 'out:any', ['any']));
  else
    rule.outbound.forEach((entry, i) =>
      tiersCovered(entry.from).forEach((t) => addPath(t, outbound[i].id, servicesLabel(entry))),
    );
  for (const o of outbound) {
    if (!nodes.has(o.id))
      nodes.set(o.id, {
        id: o.id,
        label: o.id === 'out:any' ? 'any (allow all)' : o.id.slice(4),
        column: 2,
        kind: 'rule-peer',
      });
  }
  const paths = [...policy.values()];

  const matchCache = matchCacheOf(rule);
  // Parsing an address is the costly part of a first view: only when some entry names addresses.
  const needsIp = [...inbound, ...outbound].some((e) => e.peer.cidrs?.length || e.peer.address_groups?.length);
  /** The node of the far end of a connection, as the rule's entries see it. */
  const groupOf = (
    entries: Entry[],
    side: 'src' | 'dst',
    name: string,
    ip: string,
    isEntity: boolean,
    nearName: string,
  ): string => {
    const cache = matchCache[side];
    let found = cache.get(name);
    if (!found) {
      const entity = isEntity ? (entityByName.get(name) ?? null) : null;
      const end: Endpoint = { entity, ip: needsIp ? parseAddress(ip) : null };
      const indexes = entries.flatMap((e, i) => (peerMatches(snapshot, e.peer, end) ? [i] : []));
      if (indexes.length) found = indexes;
      else if (membersNode && side === 'src' && entity && tierOf.has(name)) found = membersNode;
      else {
        const key = entity
          ? tierKey && entity.categories[tierKey] !== undefined
            ? tierKey
            : Object.keys(entity.categories).sort()[0]
          : undefined;
        const label = !entity
          ? 'other addresses'
          : key
            ? `${key}=${entity.categories[key]}`
            : 'entities without categories';
        found = { id: `${side}:${label}`, label, column: side === 'src' ? 0 : 2, kind: entity ? 'group' : 'external' };
      }
      cache.set(name, found);
    }
    if (!Array.isArray(found)) {
      if (!nodes.has(found.id)) nodes.set(found.id, { ...found });
      return found.id;
    }
    if (found.length === 1) return entries[found[0]].id;
    // Several entries name this end: prefer one that also covers the near end (its tier).
    const near = entityByName.get(nearName)!;
    const covering = found.find((i) => !entries[i].narrow || selectorMatches(entries[i].narrow!, near));
    return entries[covering ?? found[0]].id;
  };

  // Bands by source, then target, then verdict (nested maps: no key string per row).
  const acc: Bands = new Map();
  for (const f of flows) {
    const dstTier = f.destination_entity ? tierOf.get(f.destination) : undefined;
    const srcTier = f.source_entity ? tierOf.get(f.source) : undefined;
    let source: string;
    let target: string;
    let far: string;
    if (dstTier) {
      source = groupOf(inbound, 'src', f.source, f.source_ip, f.source_entity, f.destination);
      target = dstTier;
      far = f.source;
    } else if (srcTier) {
      source = srcTier;
      target = groupOf(outbound, 'dst', f.destination, f.destination_ip, f.destination_entity, f.source);
      far = f.destination;
    } else continue; // neither end in the target
    const a = band(acc, source, target, f.verdict);
    a.count += f.count;
    a.rows += 1;
    const service = serviceOf(f);
    a.services.set(service, (a.services.get(service) ?? 0) + f.count);
    a.endpoints.set(far, (a.endpoints.get(far) ?? 0) + f.count);
    if (f.rule) a.rules.add(f.rule);
    if (f.last_seen > a.last) a.last = f.last_seen;
  }

  const totals: Record<Verdict, number> = { allow: 0, deny: 0, 'would-deny': 0 };
  const bands = allBands(capGroups(nodes, acc)).map((a) => {
    totals[a.verdict] += a.count;
    return present(a);
  });
  // Keep the nodes that something is drawn to (tiers always).
  const used = new Set([...paths.flatMap((p) => [p.source, p.target]), ...bands.flatMap((b) => [b.source, b.target])]);
  // A stable order, so the diagram does not reshuffle as traffic comes: the rule's entries as written, then groups by name, "more" last.
  const rankOf = (n: ViewNode) =>
    n.kind === 'rule-peer' || n.kind === 'tier' ? 0 : n.id.endsWith(':*more') ? 3 : n.kind === 'group' ? 1 : 2;
  const out = [...nodes.values()]
    .filter((n) => n.kind === 'tier' || used.has(n.id))
    .sort(
      (a, b) =>
        a.column - b.column ||
        rankOf(a) - rankOf(b) ||
        (rankOf(a) === 0 ? 0 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
  return {
    rule: rule.name,
    mode: rule.mode,
    intra_group: rule.intra_group,
    tier_key: tierKey,
    nodes: out,
    policy: paths,
    bands,
    totals,
  };
}

interface Acc {
  source: string;
  target: string;
  verdict: Verdict;
  count: number;
  rows: number;
  services: Map<string, number>;
  endpoints: Map<string, number>;
  rules: Set<string>;
  last: string;
}

type Bands = Map<string, Map<string, Partial<Record<Verdict, Acc>>>>;

/** The accumulator of one band, made empty on first use. */
function band(acc: Bands, source: string, target: string, verdict: Verdict): Acc {
  let bySource = acc.get(source);
  if (!bySource) acc.set(source, (bySource = new Map()));
  let byTarget = bySource.get(target);
  if (!byTarget) bySource.set(target, (byTarget = {}));
  return (byTarget[verdict] ??= {
    source,
    target,
    verdict,
    count: 0,
    rows: 0,
    services: new Map(),
    endpoints: new Map(),
    rules: new Set(),
    last: '',
  });
}

const allBands = (acc: Bands): Acc[] =>
  [...acc.values()].flatMap((m) => [...m.values()].flatMap((v) => Object.values(v)));

function mergeInto(a: Acc, b: Acc): void {
  a.count += b.count;
  a.rows += b.rows;
  for (const [k, v] of b.services) a.services.set(k, (a.services.get(k) ?? 0) + v);
  for (const [k, v] of b.endpoints) a.endpoints.set(k, (a.endpoints.get(k) ?? 0) + v);
  for (const r of b.rules) a.rules.add(r);
  if (b.last > a.last) a.last = b.last;
}

/** Columns 0 and 2 keep at most MAX_GROUPS nodes: the ones with the fewest connections merge into "N more groups". */
function capGroups(nodes: Map<string, ViewNode>, acc: Bands): Bands {
  const volume = new Map<string, number>();
  for (const a of allBands(acc)) for (const id of [a.source, a.target]) volume.set(id, (volume.get(id) ?? 0) + a.count);
  const rename = new Map<string, string>();
  for (const column of [0, 2] as const) {
    const side = [...nodes.values()].filter((n) => n.column === column && n.kind !== 'rule-peer');
    const room = MAX_GROUPS - [...nodes.values()].filter((n) => n.column === column && n.kind === 'rule-peer').length;
    if (side.length <= Math.max(room, 1)) continue;
    side.sort((a, b) => (volume.get(b.id) ?? 0) - (volume.get(a.id) ?? 0));
    const rest = side.slice(Math.max(room - 1, 0));
    const id = `${column === 0 ? 'src' : 'dst'}:*more`;
    for (const n of rest) {
      rename.set(n.id, id);
      nodes.delete(n.id);
    }
    nodes.set(id, { id, label: `${rest.length} more groups`, column, kind: 'group' });
  }
  if (!rename.size) return acc;
  const out: Bands = new Map();
  const to = (id: string) => rename.get(id) ?? id;
  for (const a of allBands(acc)) mergeInto(band(out, to(a.source), to(a.target), a.verdict), a);
  return out;
}

function top(m: Map<string, number>): [string, number][] {
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function present(a: Acc): ViewBand {
  const services = top(a.services);
  const endpoints = top(a.endpoints);
  return {
    id: `${a.source}\u2192${a.target}\u2192${a.verdict}`,
    source: a.source,
    target: a.target,
    verdict: a.verdict,
    count: a.count,
    rows: a.rows,
    services: services.slice(0, MAX_LISTED).map(([service, count]) => ({ service, count })),
    more_services: Math.max(0, services.length - MAX_LISTED),
    endpoints: endpoints.slice(0, MAX_LISTED).map(([name, count]) => ({ name, count })),
    more_endpoints: Math.max(0, endpoints.length - MAX_LISTED),
    rules: [...a.rules].sort(),
    last_seen: a.last,
  };
}
