/**
 * The Flow-style view of one application rule, as data for the web page:
 * inbound sources → the target's tiers → outbound destinations, with the
 * observed connections as edges. Pure: snapshot + flow rows in, view out.
 *
 * Tiers group the target's entities by `AppTier` when they carry it, else by
 * the first category (by name) whose value differs among them.
 */
import type { PolicySnapshot, SnapshotEntity, SnapshotApplicationRule } from '../model/snapshot';
import type { PeerT, SelectorT } from '../model/schemas';
import type { FlowRecord, ObservedVerdict } from './types';

export interface ViewNode { id: string; label: string; kind: 'peer' | 'endpoint' | 'tier'; entities?: string[] }
export interface ViewEdge {
  from: string;
  to: string;
  verdict: ObservedVerdict;
  count: number;
  services: string[];
  rules: string[];
  last_seen: string;
}
export interface RuleView {
  rule: string;
  mode: 'monitor' | 'apply' | 'off';
  tier_key: string | null;
  inbound: ViewNode[];
  tiers: ViewNode[];
  outbound: ViewNode[];
  /** Allowed paths the rule declares (drawn faintly). */
  policy: { from: string; to: string; services: string[] }[];
  edges: ViewEdge[];
}

export function selects(selector: SelectorT | undefined, e: SnapshotEntity): boolean {
  if (!selector) return true;
  return Object.entries(selector.categories).every(([k, values]) => e.categories[k] !== undefined && values.includes(e.categories[k]));
}

const selectorLabel = (s: SelectorT) => Object.entries(s.categories).map(([k, v]) => `${k}=${v.join('|')}`).join(', ') || 'all';

export function peerLabel(p: PeerT): string {
  if (p.any) return 'any';
  const parts: string[] = [];
  if (p.categories) parts.push(selectorLabel({ categories: p.categories }));
  for (const g of p.address_groups ?? []) parts.push(`group ${g}`);
  for (const c of p.cidrs ?? []) parts.push(c);
  return parts.join(' + ') || 'nothing';
}

function servicesLabel(entry: { services: { protocol: string; ports?: string[]; icmp_type?: number }[]; service_groups: string[] }): string[] {
  const out = entry.services.map((s) => (s.ports && s.ports.length ? `${s.protocol}/${s.ports.join(',')}` : s.protocol));
  for (const g of entry.service_groups) out.push(`group ${g}`);
  return out.length ? out : ['any'];
}

function tierKeyOf(members: SnapshotEntity[]): string | null {
  if (members.some((e) => e.categories.AppTier !== undefined)) return 'AppTier';
  const keys = [...new Set(members.flatMap((e) => Object.keys(e.categories)))].sort();
  for (const k of keys) if (new Set(members.map((e) => e.categories[k] ?? '')).size > 1) return k;
  return null;
}

/** Tiers in the order the category lists its values (web, app, db), unknown values last by name. */
function byCategoryOrder(snapshot: PolicySnapshot, key: string | null): (a: ViewNode, b: ViewNode) => number {
  const values = snapshot.categories.find((c) => c.name === key)?.values ?? [];
  const rank = (n: ViewNode) => {
    const i = values.indexOf(n.id.slice('tier:'.length));
    return i < 0 ? values.length : i;
  };
  return (a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label);
}

export function buildRuleView(snapshot: PolicySnapshot, rule: SnapshotApplicationRule, flows: FlowRecord[]): RuleView {
  const members = snapshot.entities.filter((e) => selects(rule.target, e));
  const tierKey = tierKeyOf(members);
  const tierOf = new Map<string, string>();
  const tiers = new Map<string, ViewNode>();
  for (const e of members) {
    const value = tierKey ? e.categories[tierKey] ?? '(none)' : 'all';
    const id = `tier:${value}`;
    if (!tiers.has(id)) tiers.set(id, { id, label: tierKey ? `${tierKey}=${value}` : 'target', kind: 'tier', entities: [] });
    tiers.get(id)!.entities!.push(e.name);
    tierOf.set(e.name, id);
  }
  const tiersTo = (sel: SelectorT | undefined) => [...tiers.values()].filter((t) => t.entities!.some((n) => selects(sel, snapshot.entities.find((e) => e.name === n)!)));

  const inbound = new Map<string, ViewNode>();
  const outbound = new Map<string, ViewNode>();
  const policy: RuleView['policy'] = [];
  rule.inbound.forEach((entry, i) => {
    const id = `in:${i}`;
    inbound.set(id, { id, label: peerLabel(entry.from), kind: 'peer' });
    for (const t of tiersTo(entry.to)) policy.push({ from: id, to: t.id, services: servicesLabel(entry) });
  });
  if (rule.outbound_policy === 'allow_all') {
    outbound.set('out:all', { id: 'out:all', label: 'any (allow all)', kind: 'peer' });
    for (const t of tiers.values()) policy.push({ from: t.id, to: 'out:all', services: ['any'] });
  } else {
    rule.outbound.forEach((entry, i) => {
      const id = `out:${i}`;
      outbound.set(id, { id, label: peerLabel(entry.to), kind: 'peer' });
      for (const t of tiersTo(entry.from)) policy.push({ from: t.id, to: id, services: servicesLabel(entry) });
    });
  }

  const edges = new Map<string, ViewEdge>();
  for (const f of flows) {
    const srcTier = f.source_entity ? tierOf.get(f.source) : undefined;
    const dstTier = f.destination_entity ? tierOf.get(f.destination) : undefined;
    let from: string;
    let to: string;
    if (dstTier) {
      from = srcTier ?? `src:${f.source}`;
      to = dstTier;
      if (!srcTier && !inbound.has(from)) inbound.set(from, { id: from, label: f.source, kind: 'endpoint' });
    } else if (srcTier) {
      from = srcTier;
      to = `dst:${f.destination}`;
      if (!outbound.has(to)) outbound.set(to, { id: to, label: f.destination, kind: 'endpoint' });
    } else continue; // neither end in the target
    const key = `${from}\u0000${to}\u0000${f.verdict}`;
    const service = f.port === null ? f.protocol : `${f.protocol}/${f.port}`;
    const e = edges.get(key) ?? { from, to, verdict: f.verdict, count: 0, services: [], rules: [], last_seen: f.last_seen };
    e.count += f.count;
    if (!e.services.includes(service)) e.services.push(service);
    if (f.rule && !e.rules.includes(f.rule)) e.rules.push(f.rule);
    if (f.last_seen > e.last_seen) e.last_seen = f.last_seen;
    edges.set(key, e);
  }
  return {
    rule: rule.name, mode: rule.mode, tier_key: tierKey,
    inbound: [...inbound.values()], tiers: [...tiers.values()].sort(byCategoryOrder(snapshot, tierKey)), outbound: [...outbound.values()],
    policy, edges: [...edges.values()],
  };
}
