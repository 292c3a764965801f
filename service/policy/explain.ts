/**
 * The reference evaluator: docs/semantics.md, stated as code. Pure, no I/O.
 * Everything else (the reachability API, the compiled flows, the lab) is
 * tested against this function.
 */
import { canonicalProtocol, hasPorts, isIcmp } from '../model/protocols';
import { STRICT } from '../model/schemas';
import {
  inForce,
  type PolicySnapshot,
  type SnapshotApplicationRule,
  type SnapshotEntity,
  type SnapshotInbound,
  type SnapshotOutbound,
  type SnapshotQuarantineRule,
} from '../model/snapshot';
import { entryServicesMatch, peerMatches, selectorMatches, type Endpoint, type Packet } from '../model/match';
import { byName } from '../model/verdicts';
import { parseAddress, type IpAddress } from '../model/net';
import type { Layer, Verdict } from '../model/verdicts';

type LiveMode = 'monitor' | 'apply';
/** `protocol`: tcp, udp, sctp, icmp, icmpv6, or another IP protocol by name or number. */
export interface ExplainQuery {
  src: string;
  dst: string;
  protocol: string;
  port?: number;
  icmp_type?: number;
  icmp_code?: number;
}
export interface ExplainResult {
  verdict: Verdict;
  layer: Layer;
  rule: string | null;
  mode: LiveMode | null;
}

export class ExplainInputError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExplainInputError';
  }
}

/** One side's outcome in one layer. */
interface SideResult {
  verdict: Verdict;
  rule: string | null;
  mode: LiveMode;
}
/**
 * The deciding layer and each side's outcome in it: egress is decided in the source's zone on its host, ingress in
 * the destination's (docs/pipeline.md), each side by the same layers. Null: the side takes no part (allow).
 */
interface Decision {
  layer: Layer;
  egress: SideResult | null;
  ingress: SideResult | null;
}

const SEVERITY: Record<Verdict, number> = { allow: 0, 'would-deny': 1, deny: 2 };

/** Resolves `src`/`dst`: an entity name (sending from ips[0]) or an IP (an entity's IP is that entity). */
export function resolveEndpoint(snapshot: PolicySnapshot, text: string, field: string): Endpoint {
  const byEntityName = snapshot.entities.find((e) => e.name === text);
  if (byEntityName)
    return { entity: byEntityName, ip: byEntityName.ips.length ? parseAddress(byEntityName.ips[0]) : null };
  const ip = parseAddress(text);
  if (!ip)
    throw new ExplainInputError(field, `${field} must be an entity name or an IP address; got ${JSON.stringify(text)}`);
  return { entity: entitiesByAddress(snapshot.entities).get(addressKey(ip)) ?? null, ip };
}

/** Two addresses are the same (sameAddress) exactly when their keys are. */
const addressKey = (a: IpAddress) => `${a.kind()} ${a.toString()}`;
/**
 * The entity owning each address, the first in list order as a scan would find it. A snapshot is never changed
 * once built, so the index of its entity list is built once: replaying many connections (impact) parses each
 * entity's addresses once rather than once per question.
 */
const addressIndexes = new WeakMap<readonly SnapshotEntity[], Map<string, SnapshotEntity>>();
function entitiesByAddress(entities: readonly SnapshotEntity[]): Map<string, SnapshotEntity> {
  let index = addressIndexes.get(entities);
  if (!index) {
    index = new Map();
    for (const e of entities)
      for (const own of e.ips) {
        const parsed = parseAddress(own);
        if (parsed !== null && !index.has(addressKey(parsed))) index.set(addressKey(parsed), e);
      }
    addressIndexes.set(entities, index);
  }
  return index;
}

function checkPacket(query: ExplainQuery): Packet {
  const protocol = typeof query.protocol === 'string' ? canonicalProtocol(query.protocol) : null;
  if (protocol === null) {
    throw new ExplainInputError(
      'protocol',
      'protocol must be tcp, udp, sctp, icmp, icmpv6, or another IP protocol by name (gre, esp, …) or number (0-255)',
    );
  }
  const intIn = (field: 'port' | 'icmp_type' | 'icmp_code', low: number, high: number) => {
    const v = query[field];
    if (v !== undefined && (!Number.isInteger(v) || v < low || v > high)) {
      throw new ExplainInputError(field, `${field} must be an integer from ${low} to ${high}`);
    }
  };
  intIn('port', 1, 65535);
  intIn('icmp_type', 0, 255);
  intIn('icmp_code', 0, 255);
  // Fields a protocol does not carry are ignored (docs/semantics.md "Services").
  return {
    protocol,
    port: hasPorts(protocol) ? query.port : undefined,
    ...(isIcmp(protocol) ? { icmp_type: query.icmp_type, icmp_code: query.icmp_code } : {}),
  };
}

/**
 * The side's verdict among the rules of one kind that target it: apply rules
 * decide when there are any, monitor rules otherwise. Null: no rule targets it.
 */
function decideSide<R extends { name: string; mode: string }>(
  targeting: R[],
  allows: (rule: R) => boolean,
): SideResult | null {
  if (targeting.length === 0) return null;
  const apply = targeting.filter((r) => r.mode === 'apply');
  const deciding = (apply.length > 0 ? apply : targeting).slice().sort(byName);
  const mode = deciding[0].mode as LiveMode; // drafts were left out (inForce)
  const allowing = deciding.find(allows);
  if (allowing) return { verdict: 'allow', rule: allowing.name, mode };
  return { verdict: mode === 'apply' ? 'deny' : 'would-deny', rule: deciding[0].name, mode };
}

/** Worse side wins, egress on a tie; all allow: the ingress side's rule, else the egress side's. */
function combine({ layer, egress, ingress }: Decision): ExplainResult {
  const sides = [egress, ingress].filter((s): s is SideResult => s !== null);
  if (sides.length === 0) return { verdict: 'allow', layer, rule: null, mode: null };
  const worst = Math.max(...sides.map((s) => SEVERITY[s.verdict]));
  const chosen = worst === 0 ? (ingress ?? egress)! : sides.find((s) => SEVERITY[s.verdict] === worst)!;
  return { verdict: chosen.verdict, layer, rule: chosen.rule, mode: chosen.mode };
}

const isStrict = (e: SnapshotEntity | null) => e !== null && e.categories[STRICT.category] === STRICT.value;

/** The verdict of the rules in force (drafts left out). */
export function explain(snapshot: PolicySnapshot, query: ExplainQuery): ExplainResult {
  return combine(decide(inForce(snapshot), checkPacket(query), query));
}

/**
 * Each side's own verdict, as its half of the path decides the packet when conntrack has no entry for it (a new
 * connection): egress in the source's zone, ingress in the destination's; a side that takes no part, or whose end
 * is no entity, allows. explain()'s verdict is the worse of the two.
 */
export function explainSides(snapshot: PolicySnapshot, query: ExplainQuery): { egress: Verdict; ingress: Verdict } {
  const d = decide(inForce(snapshot), checkPacket(query), query);
  return { egress: d.egress?.verdict ?? 'allow', ingress: d.ingress?.verdict ?? 'allow' };
}

function decide(snapshot: PolicySnapshot, packet: Packet, query: ExplainQuery): Decision {
  const src = resolveEndpoint(snapshot, query.src, 'src');
  const dst = resolveEndpoint(snapshot, query.dst, 'dst');

  const inbound = (entry: SnapshotInbound) => inboundMatches(snapshot, entry, src, dst, packet);
  const outbound = (entry: SnapshotOutbound) => outboundMatches(snapshot, entry, src, dst, packet);
  const targeting = <R extends { target: { categories: Record<string, string[]> } }>(
    rules: R[],
    e: SnapshotEntity | null,
  ) => rules.filter((r) => selectorMatches(r.target, e));

  // 1. Quarantine: Strict has no traffic at all, whatever any rule lists; otherwise the quarantine rules decide.
  if (isStrict(src.entity) || isStrict(dst.entity)) {
    const strict: SideResult = { verdict: 'deny', rule: null, mode: 'apply' };
    return { layer: 'quarantine', egress: strict, ingress: strict };
  }
  const qSrc = targeting(snapshot.quarantine_rules, src.entity);
  const qDst = targeting(snapshot.quarantine_rules, dst.entity);
  if (qSrc.length > 0 || qDst.length > 0) {
    const egress = decideSide(qSrc, (r: SnapshotQuarantineRule) => r.outbound.some(outbound));
    const ingress = decideSide(qDst, (r: SnapshotQuarantineRule) => r.inbound.some(inbound));
    return { layer: 'quarantine', egress, ingress };
  }

  // 2. Shared services: an allowance to a provider entity decides allow.
  if (dst.entity) {
    const d = dst.entity;
    const allowing = snapshot.shared_service_rules
      .slice()
      .sort(byName)
      .find(
        (r) =>
          selectorMatches(r.providers, d) &&
          peerMatches(snapshot, r.consumers, src) &&
          entryServicesMatch(snapshot, r, packet),
      );
    if (allowing) {
      const allowed: SideResult = { verdict: 'allow', rule: allowing.name, mode: 'apply' };
      return { layer: 'shared_service', egress: allowed, ingress: allowed };
    }
  }

  // 3. Isolation: both ends entities, in different groups of a rule.
  if (src.entity && dst.entity) {
    const s = src.entity;
    const d = dst.entity;
    const hits = snapshot.isolation_rules.filter((r) =>
      r.groups.some((g, i) => selectorMatches(g, s) && r.groups.some((h, j) => j !== i && selectorMatches(h, d))),
    );
    if (hits.length > 0) {
      // Both sides hold the isolation rule.
      const side = decideSide(hits, () => false)!;
      return { layer: 'isolation', egress: side, ingress: side };
    }
  }

  // 4. Application.
  const aSrc = targeting(snapshot.application_rules, src.entity);
  const aDst = targeting(snapshot.application_rules, dst.entity);
  if (aSrc.length > 0 || aDst.length > 0) {
    const egress = decideSide(
      aSrc,
      (r: SnapshotApplicationRule) => applicationAllows(snapshot, r, src, dst, packet).egress === true,
    );
    const ingress = decideSide(
      aDst,
      (r: SnapshotApplicationRule) => applicationAllows(snapshot, r, src, dst, packet).ingress === true,
    );
    return { layer: 'application', egress, ingress };
  }

  // 5. Default.
  return { layer: 'default', egress: null, ingress: null };
}

/** An inbound entry allows src → dst (dst being in the rule's target). */
function inboundMatches(snapshot: PolicySnapshot, e: SnapshotInbound, src: Endpoint, dst: Endpoint, packet: Packet) {
  return (
    (!e.to || selectorMatches(e.to, dst.entity)) &&
    peerMatches(snapshot, e.from, src) &&
    entryServicesMatch(snapshot, e, packet)
  );
}
/** An outbound entry allows src → dst (src being in the rule's target). */
function outboundMatches(snapshot: PolicySnapshot, e: SnapshotOutbound, src: Endpoint, dst: Endpoint, packet: Packet) {
  return (
    (!e.from || selectorMatches(e.from, src.entity)) &&
    peerMatches(snapshot, e.to, dst) &&
    entryServicesMatch(snapshot, e, packet)
  );
}

/**
 * Whether one application rule allows the connection on each side it targets
 * (egress: the source is in its target; ingress: the destination is); null
 * for a side it does not target. intra_group = allow lets two members of the
 * target through without the lists.
 */
function applicationAllows(
  snapshot: PolicySnapshot,
  r: SnapshotApplicationRule,
  src: Endpoint,
  dst: Endpoint,
  packet: Packet,
): { egress: boolean | null; ingress: boolean | null } {
  const egress = selectorMatches(r.target, src.entity)
    ? (r.intra_group === 'allow' && selectorMatches(r.target, dst.entity)) ||
      r.outbound_policy === 'allow_all' ||
      r.outbound.some((e) => outboundMatches(snapshot, e, src, dst, packet))
    : null;
  const ingress = selectorMatches(r.target, dst.entity)
    ? (r.intra_group === 'allow' && selectorMatches(r.target, src.entity)) ||
      r.inbound.some((e) => inboundMatches(snapshot, e, src, dst, packet))
    : null;
  return { egress, ingress };
}

/** One application rule's own sides for a connection (`applicationAllows`), whatever other layers decide. */
export function applicationRuleSides(
  snapshot: PolicySnapshot,
  rule: SnapshotApplicationRule,
  query: ExplainQuery,
): { egress: boolean | null; ingress: boolean | null } {
  const packet = checkPacket(query);
  return applicationAllows(
    snapshot,
    rule,
    resolveEndpoint(snapshot, query.src, 'src'),
    resolveEndpoint(snapshot, query.dst, 'dst'),
    packet,
  );
}

export type RuleKindName = 'application_rule' | 'isolation_rule' | 'quarantine_rule' | 'shared_service_rule';
const KIND_OF_LAYER: Partial<Record<Layer, RuleKindName>> = {
  quarantine: 'quarantine_rule',
  shared_service: 'shared_service_rule',
  isolation: 'isolation_rule',
  application: 'application_rule',
};
const SNAPSHOT_LIST = {
  application_rule: 'application_rules',
  isolation_rule: 'isolation_rules',
  quarantine_rule: 'quarantine_rules',
  shared_service_rule: 'shared_service_rules',
} as const;

export interface DraftMatch {
  kind: RuleKindName;
  rule: string;
  verdict: Verdict;
}

/**
 * The drafts (mode `off`) that would decide this connection: for each, the
 * rules in force plus that draft switched to `apply`; it is listed when
 * explain() would then name it, with the verdict it would give.
 */
export function explainDrafts(snapshot: PolicySnapshot, query: ExplainQuery): DraftMatch[] {
  const packet = checkPacket(query);
  const live = inForce(snapshot);
  const out: DraftMatch[] = [];
  for (const kind of Object.keys(SNAPSHOT_LIST) as RuleKindName[]) {
    const list = SNAPSHOT_LIST[kind];
    for (const draft of snapshot[list] as { name: string; mode: string }[]) {
      if (draft.mode !== 'off') continue;
      const trial = { ...live, [list]: [...(live[list] as object[]), { ...draft, mode: 'apply' }] } as PolicySnapshot;
      const r = combine(decide(trial, packet, query));
      if (r.rule === draft.name && KIND_OF_LAYER[r.layer] === kind)
        out.push({ kind, rule: draft.name, verdict: r.verdict });
    }
  }
  return out;
}
