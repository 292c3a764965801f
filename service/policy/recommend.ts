/**
 * Rules from observed traffic: the entries an application rule needs so that
 * every observed connection it does not allow today becomes allowed, and
 * nothing else that can be avoided. Pure, no I/O (docs/workflow.md states the
 * generalisation rule).
 *
 * Each observed connection is replayed through the rule's own checks
 * (explain.ts `applicationRuleSides`): a side the rule targets and does not
 * allow needs an entry — inbound when the destination is in its target,
 * outbound (only with `outbound_policy = allow_listed`) when the source is.
 * The rule's current entries are kept first, so the answer is the whole list
 * and is stable once applied (applying it allows the connections, and the
 * next answer is the same list).
 */
import type { FlowRecord } from '../model/observation';
import type {
  EvidenceConnectionT as EvidenceConnection,
  EvidenceT as Evidence,
  RecommendationT as Recommendation,
} from '../model/recommendation';
import { canonicalAddress, hostPrefix, ipVersion } from '../model/net';
import type { InboundEntryT, OutboundEntryT, PeerT, SelectorT, ServiceT } from '../model/schemas';
import type { PolicySnapshot, SnapshotApplicationRule, SnapshotEntity } from '../model/snapshot';
import { selectorMatches } from '../model/match';
import { applicationRuleSides, resolveEndpoint } from './explain';

/** A connection one side of the rule does not allow: `near` is the end in the target, `far` the other. */
interface Need {
  near: SnapshotEntity;
  far: { entity: SnapshotEntity | null; ip: string };
  service: string; // "tcp/8080", "icmp"
  conn: EvidenceConnection;
}

const farKey = (n: Need) => (n.far.entity ? `e:${n.far.entity.name}` : `ip:${n.far.ip}`);
const serviceKey = (protocol: string, port: number | null) => (port === null ? protocol : `${protocol}/${port}`);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function recommend(
  snapshot: PolicySnapshot,
  rule: SnapshotApplicationRule,
  flows: FlowRecord[],
): Recommendation {
  // Rows differ by verdict and rule for the same connection: one connection, counts summed.
  type Conn = EvidenceConnection & Pick<FlowRecord, 'source_ip' | 'destination_ip'>;
  const conns = new Map<string, Conn>();
  for (const f of flows) {
    const key = `${f.source_ip}\u0000${f.destination_ip}\u0000${f.protocol}\u0000${f.port}`;
    const prior = conns.get(key);
    if (prior) {
      prior.count += f.count;
      if (f.last_seen > prior.last_seen) prior.last_seen = f.last_seen;
    } else {
      conns.set(key, {
        source: f.source,
        destination: f.destination,
        source_ip: f.source_ip,
        destination_ip: f.destination_ip,
        protocol: f.protocol,
        port: f.port,
        count: f.count,
        last_seen: f.last_seen,
      });
    }
  }
  const inNeeds: Need[] = [];
  const outNeeds: Need[] = [];
  for (const { source_ip, destination_ip, ...conn } of conns.values()) {
    let sides;
    try {
      sides = applicationRuleSides(snapshot, rule, {
        src: source_ip,
        dst: destination_ip,
        protocol: conn.protocol,
        ...(conn.port !== null ? { port: conn.port } : {}),
      });
    } catch {
      continue; // a protocol or address the model cannot state (cannot be written as an entry either)
    }
    // The ends as the current policy knows them (an entity renamed since keeps its address).
    const src = resolveEndpoint(snapshot, source_ip, 'src').entity;
    const dst = resolveEndpoint(snapshot, destination_ip, 'dst').entity;
    const service = serviceKey(conn.protocol, conn.port);
    if (sides.ingress === false && dst) inNeeds.push({ near: dst, far: { entity: src, ip: source_ip }, service, conn });
    if (sides.egress === false && src)
      outNeeds.push({ near: src, far: { entity: dst, ip: destination_ip }, service, conn });
  }
  const members = snapshot.entities.filter((e) => selectorMatches(rule.target, e));
  const inbound = entriesFor(snapshot, members, inNeeds).map(({ near, far, services, evidence }) => ({
    entry: { from: far, ...(near ? { to: near } : {}), services } as InboundEntryT,
    evidence,
  }));
  const outbound = entriesFor(snapshot, members, outNeeds).map(({ near, far, services, evidence }) => ({
    entry: { ...(near ? { from: near } : {}), to: far, services } as OutboundEntryT,
    evidence,
  }));
  const kept = (): Evidence => ({ kept: true, connections: [] });
  return {
    inbound: [...rule.inbound, ...inbound.map((x) => x.entry)],
    outbound: [...rule.outbound, ...outbound.map((x) => x.entry)],
    evidence: {
      inbound: [...rule.inbound.map(kept), ...inbound.map((x) => ({ kept: false, connections: x.evidence }))],
      outbound: [...rule.outbound.map(kept), ...outbound.map((x) => ({ kept: false, connections: x.evidence }))],
    },
    connections: new Set([...inNeeds, ...outNeeds].map((n) => n.conn)).size,
  };
}

interface Drafted {
  near: SelectorT | null;
  far: PeerT;
  services: ServiceT[];
  evidence: EvidenceConnection[];
}

/**
 * Per service, the needs grouped into rectangles far ends × near ends: the
 * far ends of each near end, then the near ends that share those far ends.
 * Each rectangle is written as selectors and peers (`nearSelectors`,
 * `farPeers`); entries with the same ends then share one list of services.
 */
function entriesFor(snapshot: PolicySnapshot, members: SnapshotEntity[], needs: Need[]): Drafted[] {
  const merged = new Map<string, { near: SelectorT | null; far: PeerT; needs: Need[] }>();
  for (const serviceNeeds of groupBy(needs, (n) => n.service).values()) {
    const byNear = groupBy(serviceNeeds, (n) => n.near.name);
    const farSets = [...byNear.values()].map((ns) => ({
      needs: ns,
      fars: [...new Set(ns.map(farKey))].sort(cmp).join(','),
    }));
    for (const group of groupBy(farSets, (f) => f.fars).values()) {
      const rectNeeds = group.flatMap((g) => g.needs);
      const nearEntities = uniqueBy(
        rectNeeds.map((n) => n.near),
        (e) => e.name,
      );
      for (const near of nearSelectors(members, nearEntities)) {
        const nearNeeds = rectNeeds.filter((n) => near === null || selectorMatches(near, n.near));
        for (const { peer, covers } of farPeers(snapshot, nearNeeds)) {
          const key = JSON.stringify([near, peer]);
          if (!merged.has(key)) merged.set(key, { near, far: peer, needs: [] });
          merged.get(key)!.needs.push(...nearNeeds.filter(covers));
        }
      }
    }
  }
  const out = [...merged.values()].map(({ near, far, needs: ns }) => ({
    near,
    far,
    services: servicesOf(ns),
    evidence: sortEvidence(
      uniqueBy(
        ns.map((n) => n.conn),
        (c) => c,
      ),
    ),
  }));
  return out.sort((a, b) => cmp(JSON.stringify(sortable(a)), JSON.stringify(sortable(b))));
}

const sortable = (d: Drafted) => [d.near, d.far, d.services];

/**
 * The `to` (inbound) or `from` (outbound) selectors for these target members:
 * none when they are the whole target; else the categories they share, with
 * the keys that select no fewer members left out, when that selects only them;
 * else one selector per set of identical categories (entities with the same
 * categories cannot be told apart by a selector).
 */
function nearSelectors(members: SnapshotEntity[], near: SnapshotEntity[]): (SelectorT | null)[] {
  const names = new Set(near.map((e) => e.name));
  if (members.every((m) => names.has(m.name))) return [null];
  const within = (sel: SelectorT) => members.filter((m) => selectorMatches(sel, m));
  const shared = commonSelector(near);
  if (shared && within(shared).every((m) => names.has(m.name))) return [minimal(shared, within)];
  const bySignature = groupBy(near, signature);
  const selectors = [...bySignature.values()].map((es) => commonSelector(es));
  // An entity without categories is selected only by the whole target.
  if (selectors.includes(null)) return [null];
  return selectors.map((s) => minimal(s!, within));
}

/**
 * The peers for the far ends of these needs: the categories the far entities
 * share, when every entity with them was observed; else one peer per set of
 * identical categories when every entity with them was observed; else the
 * entity's observed addresses; external ends as their addresses (/32, /128).
 */
function farPeers(snapshot: PolicySnapshot, needs: Need[]): { peer: PeerT; covers: (n: Need) => boolean }[] {
  const farEntities = uniqueBy(
    needs.map((n) => n.far.entity).filter((e): e is SnapshotEntity => e !== null),
    (e) => e.name,
  );
  const observed = new Set(farEntities.map((e) => e.name));
  const onlyObserved = (sel: SelectorT) =>
    snapshot.entities.every((e) => !selectorMatches(sel, e) || observed.has(e.name));
  const out: { peer: PeerT; covers: (n: Need) => boolean }[] = [];
  const byAddress: Need[] = needs.filter((n) => n.far.entity === null);
  const category = (sel: SelectorT) =>
    out.push({
      peer: { categories: sel.categories },
      covers: (n) => n.far.entity !== null && selectorMatches(sel, n.far.entity),
    });
  const shared = farEntities.length ? commonSelector(farEntities) : null;
  if (shared && onlyObserved(shared)) category(shared);
  else {
    for (const es of groupBy(farEntities, signature).values()) {
      const sel = commonSelector(es);
      if (sel && onlyObserved(sel)) category(sel);
      else byAddress.push(...needs.filter((n) => n.far.entity !== null && es.includes(n.far.entity)));
    }
  }
  if (byAddress.length) {
    const cidrs = [...new Set(byAddress.map((n) => hostCidr(n.far.ip)))].sort(cmp);
    const set = new Set(byAddress);
    out.push({ peer: { cidrs }, covers: (n) => set.has(n) });
  }
  return out;
}

function hostCidr(ip: string): string {
  const canonical = canonicalAddress(ip) ?? ip;
  return `${canonical}/${hostPrefix(ipVersion(canonical))}`;
}

/** The keys every entity carries, each with the values they take (sorted); null when no key is shared. */
function commonSelector(entities: SnapshotEntity[]): SelectorT | null {
  const keys = Object.keys(entities[0]?.categories ?? {})
    .filter((k) => entities.every((e) => e.categories[k] !== undefined))
    .sort(cmp);
  if (!keys.length) return null;
  return {
    categories: Object.fromEntries(keys.map((k) => [k, [...new Set(entities.map((e) => e.categories[k]))].sort(cmp)])),
  };
}

/** Leaves out keys (in name order) while the selector still selects the same members. */
function minimal(sel: SelectorT, within: (s: SelectorT) => SnapshotEntity[]): SelectorT {
  const count = within(sel).length;
  let cur = sel;
  for (const k of Object.keys(sel.categories)) {
    if (Object.keys(cur.categories).length === 1) break;
    const { [k]: _dropped, ...rest } = cur.categories;
    if (within({ categories: rest }).length === count) cur = { categories: rest };
  }
  return cur;
}

const signature = (e: SnapshotEntity) => JSON.stringify(Object.entries(e.categories).sort(([a], [b]) => cmp(a, b)));

/** Per protocol (sorted), its ports merged into ranges; a protocol without ports once, with none. */
function servicesOf(needs: Need[]): ServiceT[] {
  const byProtocol = new Map<string, Set<number | null>>();
  for (const n of needs) {
    if (!byProtocol.has(n.conn.protocol)) byProtocol.set(n.conn.protocol, new Set());
    byProtocol.get(n.conn.protocol)!.add(n.conn.port);
  }
  return [...byProtocol.keys()].sort(cmp).map((protocol) => {
    const ports = [...byProtocol.get(protocol)!].filter((p): p is number => p !== null).sort((a, b) => a - b);
    return ports.length ? { protocol, ports: ranges(ports) } : { protocol };
  });
}

/** Sorted distinct ports → "80", "8000-8002". */
export function ranges(ports: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ports.length;) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === ports[j] + 1) j++;
    out.push(i === j ? `${ports[i]}` : `${ports[i]}-${ports[j]}`);
    i = j + 1;
  }
  return out;
}

function sortEvidence(cs: EvidenceConnection[]): EvidenceConnection[] {
  return cs.sort(
    (a, b) =>
      cmp(a.source, b.source) ||
      cmp(a.destination, b.destination) ||
      cmp(a.protocol, b.protocol) ||
      (a.port ?? -1) - (b.port ?? -1),
  );
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(t);
  }
  return new Map([...m].sort(([a], [b]) => cmp(a, b)));
}

function uniqueBy<T>(items: T[], key: (t: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
