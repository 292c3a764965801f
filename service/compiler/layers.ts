/**
 * The three policy layers, once for each side: egress (the sending entity is
 * local: reg4 = its port, the peer is the destination address) and ingress
 * (the receiving entity is local: reg5, the peer is the source address).
 * Each layer either decides (loads the side's verdict and rule, goes to the
 * commit table) or falls through to the next. See docs/semantics.md "Layers".
 */
import type { PeerT, ServiceT } from '../model/schemas';
import type {
  PolicySnapshot, SnapshotApplicationRule, SnapshotInbound, SnapshotOutbound, SnapshotQuarantineRule,
} from '../model/snapshot';
import { parsePortSpec, selectorMatches } from '../model/match';
import { byName } from '../model/verdicts';
import { hostPrefix, ipVersion } from '../model/net';
import type { FlowSet } from './flow-set';
import type { HostView, LocalEntity } from './host-view';
import { portMasks } from './port-masks';
import {
  cookieFor, encodeMark, PRIORITY, REG, REG_MATCH, TABLE, type Side,
} from './pipeline';
import type { Layer, Verdict } from '../model/verdicts';

interface SideSpec {
  side: Side;
  entityReg: string; // reg4 / reg5
  peerV4: string; // nw_dst / nw_src
  peerV6: string;
  tables: { quarantine: number; isolation: number; application: number; commit: number };
}

const SIDES: SideSpec[] = [
  { side: 'egress', entityReg: REG_MATCH.SRC_PORT, peerV4: 'nw_dst', peerV6: 'ipv6_dst',
    tables: { quarantine: TABLE.EGRESS_QUARANTINE, isolation: TABLE.EGRESS_ISOLATION, application: TABLE.EGRESS_APPLICATION, commit: TABLE.EGRESS_COMMIT } },
  { side: 'ingress', entityReg: REG_MATCH.DST_PORT, peerV4: 'nw_src', peerV6: 'ipv6_src',
    tables: { quarantine: TABLE.INGRESS_QUARANTINE, isolation: TABLE.INGRESS_ISOLATION, application: TABLE.INGRESS_APPLICATION, commit: TABLE.INGRESS_COMMIT } },
];

type Present = LocalEntity & { ofport: number };

function verdictActions(spec: SideSpec, verdict: Verdict, layer: Layer, rule: number): string {
  const mark = encodeMark(verdict, layer, spec.side);
  return `load:0x${mark.toString(16)}->${REG.VERDICT}[],load:0x${rule.toString(16)}->${REG.RULE}[],goto_table:${spec.tables.commit}`;
}

const entityMatches = (spec: SideSpec, members: Present[]) => members.map((m) => `${spec.entityReg}=0x${m.ofport.toString(16)}`);

/**
 * OVS reads a host prefix (/32, /128) as the bare address, so a CIDR naming one
 * host is written as that address: two spellings of one match would be two flows
 * here but one on the bridge (the later replacing the earlier, losing a clause).
 */
function hostAddress(a: string): string {
  const host = `/${hostPrefix(ipVersion(a))}`;
  return a.endsWith(host) ? a.slice(0, -host.length) : a;
}

function addressMatches(spec: SideSpec, addresses: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const cidr of addresses) {
    const a = hostAddress(cidr);
    out.add(ipVersion(a) === 6 ? `ipv6,${spec.peerV6}=${a}` : `ip,${spec.peerV4}=${a}`);
  }
  return [...out].sort();
}

/** The peer as address matches; null = any address (no dimension). */
function peerMatches(snapshot: PolicySnapshot, spec: SideSpec, peer: PeerT): string[] | null {
  if (peer.any) return null;
  const addresses: string[] = [];
  if (peer.categories) {
    const selector = { categories: peer.categories };
    for (const e of snapshot.entities) if (selectorMatches(selector, e)) addresses.push(...e.ips);
  }
  addresses.push(...(peer.cidrs ?? []));
  for (const name of peer.address_groups ?? []) {
    addresses.push(...(snapshot.address_groups.find((g) => g.name === name)?.cidrs ?? []));
  }
  return addressMatches(spec, addresses);
}

function serviceMatches(service: ServiceT): string[] {
  switch (service.protocol) {
    case 'tcp':
    case 'udp': {
      const protos = service.protocol === 'tcp' ? ['tcp', 'tcp6'] : ['udp', 'udp6'];
      const ports = service.ports ?? [];
      if (ports.length === 0) return protos;
      const masks = ports.flatMap((spec) => portMasks(...parsePortSpec(spec)));
      return protos.flatMap((p) => masks.map((m) => `${p},tp_dst=${m}`));
    }
    case 'icmp':
    case 'icmpv6': {
      let m = service.protocol === 'icmp' ? 'icmp' : 'icmp6';
      if (service.icmp_type !== undefined) {
        m += `,icmp_type=${service.icmp_type}`;
        if (service.icmp_code !== undefined) m += `,icmp_code=${service.icmp_code}`;
      }
      return [m];
    }
    default:
      return ['ip', 'ipv6'];
  }
}

/** The entry's services as matches; null = every protocol and port (no dimension). */
function entryServiceMatches(snapshot: PolicySnapshot, entry: { services: ServiceT[]; service_groups: string[] }): string[] | null {
  const services = [
    ...entry.services,
    ...entry.service_groups.flatMap((name) => snapshot.service_groups.find((g) => g.name === name)?.services ?? []),
  ];
  if (services.length === 0 && entry.service_groups.length === 0) return null;
  if (services.some((s) => s.protocol === 'any')) return null;
  return [...new Set(services.flatMap(serviceMatches))].sort();
}

interface TargetedRule { name: string; id: number; mode: 'monitor' | 'apply'; target: { categories: Record<string, string[]> } }

/**
 * Quarantine and application layers: per local entity, the rules targeting it
 * of the deciding mode (apply if any, else monitor); allowing entries at the
 * rule's priority (first by name highest); the entity's default below them.
 */
function targetedLayer<R extends TargetedRule>(
  fs: FlowSet, snapshot: PolicySnapshot, spec: SideSpec, present: Present[], layer: Layer,
  table: number, rules: R[], allowing: (rule: R) => { allowAll: boolean; entries: (SnapshotInbound | SnapshotOutbound)[] },
): void {
  const sorted = rules.slice().sort(byName);
  const deciding = new Map<Present, R[]>();
  for (const member of present) {
    const targeting = sorted.filter((r) => selectorMatches(r.target, member.entity));
    if (targeting.length === 0) continue;
    const apply = targeting.filter((r) => r.mode === 'apply');
    const chosen = apply.length > 0 ? apply : targeting;
    deciding.set(member, chosen);
    const first = chosen[0];
    const id = first.id;
    fs.add({ table, priority: PRIORITY.SIDE_DEFAULT, match: `${spec.entityReg}=0x${member.ofport.toString(16)}`,
      cookie: cookieFor(layer, id), actions: verdictActions(spec, first.mode === 'apply' ? 'deny' : 'would-deny', layer, id) });
  }
  sorted.forEach((rule, rank) => {
    const members = present.filter((m) => deciding.get(m)?.includes(rule));
    if (members.length === 0) return;
    const id = rule.id;
    const priority = PRIORITY.RULE_BASE + (sorted.length - rank);
    const cookie = cookieFor(layer, id);
    const allow = verdictActions(spec, 'allow', layer, id);
    const { allowAll, entries } = allowing(rule);
    if (allowAll) {
      fs.addProduct(table, priority, cookie, [entityMatches(spec, members)], allow);
      return;
    }
    for (const entry of entries) {
      // `from` of an outbound entry / `to` of an inbound one narrows the local side.
      const narrow = spec.side === 'egress' ? (entry as SnapshotOutbound).from : (entry as SnapshotInbound).to;
      const peer = spec.side === 'egress' ? (entry as SnapshotOutbound).to : (entry as SnapshotInbound).from;
      const own = narrow ? members.filter((m) => selectorMatches(narrow, m.entity)) : members;
      const peers = peerMatches(snapshot, spec, peer);
      const services = entryServiceMatches(snapshot, entry);
      if (own.length === 0 || peers?.length === 0 || services?.length === 0) continue;
      const dims = [entityMatches(spec, own), peers, services].filter((d): d is string[] => d !== null);
      fs.addProduct(table, priority, cookie, dims, allow);
    }
  });
}

function quarantineLayer(fs: FlowSet, snapshot: PolicySnapshot, spec: SideSpec, present: Present[]): void {
  const table = spec.tables.quarantine;
  const rules: SnapshotQuarantineRule[] = snapshot.quarantine_rules;
  targetedLayer(fs, snapshot, spec, present, 'quarantine', table, rules, (r) => ({
    allowAll: false, entries: spec.side === 'egress' ? r.outbound : r.inbound,
  }));
  // The other end is quarantined: its side decides (on its host); this side takes no part, later layers are skipped.
  const quarantined = snapshot.entities.filter((e) => rules.some((r) => selectorMatches(r.target, e)));
  for (const match of addressMatches(spec, quarantined.flatMap((e) => e.ips))) {
    fs.add({ table, priority: PRIORITY.PEER_QUARANTINED, match, cookie: cookieFor('quarantine', 0),
      actions: verdictActions(spec, 'allow', 'quarantine', 0) });
  }
  fs.add({ table, priority: PRIORITY.TABLE_MISS, match: '', cookie: cookieFor('default', 0), actions: `goto_table:${spec.tables.isolation}` });
}

/** Isolation: apply rules (by name) above monitor rules (by name); the highest matching rule decides. */
function isolationLayer(fs: FlowSet, snapshot: PolicySnapshot, spec: SideSpec, present: Present[]): void {
  const table = spec.tables.isolation;
  const rules = [
    ...snapshot.isolation_rules.filter((r) => r.mode === 'apply').sort(byName),
    ...snapshot.isolation_rules.filter((r) => r.mode === 'monitor').sort(byName),
  ];
  rules.forEach((rule, rank) => {
    const id = rule.id;
    const priority = PRIORITY.RULE_BASE + (rules.length - rank);
    const actions = verdictActions(spec, rule.mode === 'apply' ? 'deny' : 'would-deny', 'isolation', id);
    for (const [mine, theirs] of [[rule.first, rule.second], [rule.second, rule.first]]) {
      const own = present.filter((m) => selectorMatches(mine, m.entity));
      const peers = addressMatches(spec, snapshot.entities.filter((e) => selectorMatches(theirs, e)).flatMap((e) => e.ips));
      if (own.length === 0 || peers.length === 0) continue;
      fs.addProduct(table, priority, cookieFor('isolation', id), [entityMatches(spec, own), peers], actions);
    }
  });
  fs.add({ table, priority: PRIORITY.TABLE_MISS, match: '', cookie: cookieFor('default', 0), actions: `goto_table:${spec.tables.application}` });
}

function applicationLayer(fs: FlowSet, snapshot: PolicySnapshot, spec: SideSpec, present: Present[]): void {
  const table = spec.tables.application;
  const rules: SnapshotApplicationRule[] = snapshot.application_rules;
  targetedLayer(fs, snapshot, spec, present, 'application', table, rules, (r) => (spec.side === 'egress'
    ? { allowAll: r.outbound_policy === 'allow_all', entries: r.outbound }
    : { allowAll: false, entries: r.inbound }));
  // Not targeted: this side takes no part (layer "default").
  fs.add({ table, priority: PRIORITY.TABLE_MISS, match: '', cookie: cookieFor('default', 0), actions: verdictActions(spec, 'allow', 'default', 0) });
}

export function compileLayers(fs: FlowSet, snapshot: PolicySnapshot, view: HostView): void {
  const present = view.local.filter((m): m is Present => m.ofport !== null);
  for (const spec of SIDES) {
    quarantineLayer(fs, snapshot, spec, present);
    isolationLayer(fs, snapshot, spec, present);
    applicationLayer(fs, snapshot, spec, present);
  }
}
