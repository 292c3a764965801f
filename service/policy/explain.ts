/**
 * The reference evaluator: docs/semantics.md, stated as code. Pure, no I/O.
 * Everything else (the reachability API, the compiled flows, the lab) is
 * tested against this function.
 */
import type { ModeT } from '../model/schemas';
import type {
  PolicySnapshot, SnapshotApplicationRule, SnapshotEntity, SnapshotInbound, SnapshotOutbound, SnapshotQuarantineRule,
} from '../model/snapshot';
import { entryServicesMatch, peerMatches, selectorMatches, type Endpoint, type Packet } from '../model/match';
import { byName } from '../model/verdicts';
import { parseAddress, sameAddress } from '../model/net';
import type { Layer, Verdict } from '../model/verdicts';

export interface ExplainQuery { src: string; dst: string; protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6'; port?: number; icmp_type?: number; icmp_code?: number }
export interface ExplainResult { verdict: Verdict; layer: Layer; rule: string | null; mode: ModeT | null }

export class ExplainInputError extends Error {
  constructor(public readonly field: string, message: string) {
    super(message);
    this.name = 'ExplainInputError';
  }
}

/** One side's outcome in one layer. */
interface SideResult { verdict: Verdict; rule: string; mode: ModeT }

const SEVERITY: Record<Verdict, number> = { allow: 0, 'would-deny': 1, deny: 2 };
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'];

/** Resolves `src`/`dst`: an entity name (sending from ips[0]) or an IP (an entity's IP is that entity). */
export function resolveEndpoint(snapshot: PolicySnapshot, text: string, field: string): Endpoint {
  const byEntityName = snapshot.entities.find((e) => e.name === text);
  if (byEntityName) return { entity: byEntityName, ip: byEntityName.ips.length ? parseAddress(byEntityName.ips[0]) : null };
  const ip = parseAddress(text);
  if (!ip) throw new ExplainInputError(field, `${field} must be an entity name or an IP address; got ${JSON.stringify(text)}`);
  const owner = snapshot.entities.find((e) => e.ips.some((own) => {
    const parsed = parseAddress(own);
    return parsed !== null && sameAddress(parsed, ip);
  }));
  return { entity: owner ?? null, ip };
}

function checkPacket(query: ExplainQuery): Packet {
  if (!PROTOCOLS.includes(query.protocol)) {
    throw new ExplainInputError('protocol', `protocol must be one of ${PROTOCOLS.join(', ')}`);
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
  return { protocol: query.protocol, port: query.port, icmp_type: query.icmp_type, icmp_code: query.icmp_code };
}

/**
 * The side's verdict among the rules of one kind that target it: apply rules
 * decide when there are any, monitor rules otherwise. Null: no rule targets it.
 */
function decideSide<R extends { name: string; mode: ModeT }>(targeting: R[], allows: (rule: R) => boolean): SideResult | null {
  if (targeting.length === 0) return null;
  const apply = targeting.filter((r) => r.mode === 'apply');
  const deciding = (apply.length > 0 ? apply : targeting).slice().sort(byName);
  const mode = deciding[0].mode;
  const allowing = deciding.find(allows);
  if (allowing) return { verdict: 'allow', rule: allowing.name, mode };
  return { verdict: mode === 'apply' ? 'deny' : 'would-deny', rule: deciding[0].name, mode };
}

/** Worse side wins, egress on a tie; all allow: the ingress side's rule, else the egress side's. */
function combine(layer: Layer, egress: SideResult | null, ingress: SideResult | null): ExplainResult {
  const sides = [egress, ingress].filter((s): s is SideResult => s !== null);
  const worst = Math.max(...sides.map((s) => SEVERITY[s.verdict]));
  const chosen = worst === 0 ? (ingress ?? egress)! : sides.find((s) => SEVERITY[s.verdict] === worst)!;
  return { verdict: chosen.verdict, layer, rule: chosen.rule, mode: chosen.mode };
}

export function explain(snapshot: PolicySnapshot, query: ExplainQuery): ExplainResult {
  const packet = checkPacket(query);
  const src = resolveEndpoint(snapshot, query.src, 'src');
  const dst = resolveEndpoint(snapshot, query.dst, 'dst');

  const inbound = (target: SnapshotEntity, entry: SnapshotInbound) =>
    (!entry.to || selectorMatches(entry.to, target)) && peerMatches(snapshot, entry.from, src) && entryServicesMatch(snapshot, entry, packet);
  const outbound = (source: SnapshotEntity, entry: SnapshotOutbound) =>
    (!entry.from || selectorMatches(entry.from, source)) && peerMatches(snapshot, entry.to, dst) && entryServicesMatch(snapshot, entry, packet);
  const targeting = <R extends { target: { categories: Record<string, string[]> } }>(rules: R[], e: SnapshotEntity | null) =>
    rules.filter((r) => selectorMatches(r.target, e));

  // 1. Quarantine.
  const qSrc = targeting(snapshot.quarantine_rules, src.entity);
  const qDst = targeting(snapshot.quarantine_rules, dst.entity);
  if (qSrc.length > 0 || qDst.length > 0) {
    const egress = decideSide(qSrc, (r: SnapshotQuarantineRule) => r.outbound.some((e) => outbound(src.entity!, e)));
    const ingress = decideSide(qDst, (r: SnapshotQuarantineRule) => r.inbound.some((e) => inbound(dst.entity!, e)));
    return combine('quarantine', egress, ingress);
  }

  // 2. Isolation: both ends must be entities.
  if (src.entity && dst.entity) {
    const s = src.entity;
    const d = dst.entity;
    const hits = snapshot.isolation_rules.filter((r) =>
      (selectorMatches(r.first, s) && selectorMatches(r.second, d)) || (selectorMatches(r.second, s) && selectorMatches(r.first, d)));
    if (hits.length > 0) {
      const side = decideSide(hits, () => false)!;
      return { verdict: side.verdict, layer: 'isolation', rule: side.rule, mode: side.mode };
    }
  }

  // 3. Application.
  const aSrc = targeting(snapshot.application_rules, src.entity);
  const aDst = targeting(snapshot.application_rules, dst.entity);
  if (aSrc.length > 0 || aDst.length > 0) {
    const egress = decideSide(aSrc, (r: SnapshotApplicationRule) =>
      r.outbound_policy === 'allow_all' || r.outbound.some((e) => outbound(src.entity!, e)));
    const ingress = decideSide(aDst, (r: SnapshotApplicationRule) => r.inbound.some((e) => inbound(dst.entity!, e)));
    return combine('application', egress, ingress);
  }

  // 4. Default.
  return { verdict: 'allow', layer: 'default', rule: null, mode: null };
}
