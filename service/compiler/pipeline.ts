/**
 * The OpenFlow pipeline of br.microseg, declared as data in one place.
 * docs/pipeline.md explains it; the compiler (index.ts) emits flows only
 * through these names, and monitoring decodes conntrack with the helpers at
 * the bottom. Change a number here and everything follows.
 *
 *   0 CLASSIFY ─ entity port ─▶ 10 SPOOF ─▶ 20 EGRESS_CT ─▶ 21 EGRESS_STATE ─▶ 22 sets ─▶ 30..33 egress layers ─▶ 39 EGRESS_COMMIT ─┐
 *       │ uplink (IP)                                 │ reply/related (not blocked)                                   │
 *       ▼                                             ▼                                                               ▼
 *   40 DISPATCH (dst is a local entity?) ─ yes ─▶ 41 INGRESS_CT ─▶ 42 INGRESS_STATE ─▶ 43 sets ─▶ 50..53 ingress layers ─▶ 59 INGRESS_COMMIT ─▶ output:reg5
 *       │ no: from an entity → out the uplinks; from an uplink → drop
 *   ARP, ND and DHCP (own addresses only, from entity ports) → NORMAL
 */
import type { Layer, Verdict } from '../model/verdicts';
import type { RuleKind } from '../model/snapshot';

export const TABLE = {
  CLASSIFY: 0, //          in_port: entity port → SPOOF, uplink → DISPATCH, anything else → drop
  SPOOF: 10, //            the entity's own MAC and IPs only; ARP/ND/DHCP for them → NORMAL
  EGRESS_CT: 20, //        ct(zone = source port's zone)
  EGRESS_STATE: 21, //     +inv drop; reply/related pass unless blocked; new and established-original → re-checked
  EGRESS_SETS: 22, //      peer address sets with exclusions: reg6 bit k set when the address is in set k (exclusion-sets.ts)
  EGRESS_SET_LOOKUP: 23, // one set's lookup (resubmit with reg7 = k): excluded CIDRs above included ones
  EGRESS_QUARANTINE: 30, // Strict at either end → deny; source's quarantine rules (outbound), or "destination is quarantined" → no part
  EGRESS_SHARED: 31, //    shared-service rules allowing the source to the destination
  EGRESS_ISOLATION: 32, // isolation rules between the source and the destination
  EGRESS_APPLICATION: 33, // source's application rules (outbound); untargeted → no part
  EGRESS_COMMIT: 39, //    ct(commit) with the side's verdict in ct_mark and rule in ct_label; deny → drop
  DISPATCH: 40, //         destination IP of a local entity → reg5 = its port; else uplinks (or drop)
  INGRESS_CT: 41, //       ct(zone = destination port's zone)
  INGRESS_STATE: 42,
  INGRESS_SETS: 43,
  INGRESS_SET_LOOKUP: 44,
  INGRESS_QUARANTINE: 50,
  INGRESS_SHARED: 51,
  INGRESS_ISOLATION: 52,
  INGRESS_APPLICATION: 53,
  INGRESS_COMMIT: 59, //   ... then output:reg5
} as const;

/** Registers (32-bit NXM_NX_REGn). A port's OpenFlow number doubles as its entity id and its conntrack zone. */
export const REG = {
  FROM_ENTITY: 'NXM_NX_REG0', //   1 when the packet entered on an entity port
  VERDICT: 'NXM_NX_REG2', //       the side's ct_mark value (see MARK), set by the deciding layer
  RULE: 'NXM_NX_REG3', //          the deciding rule's id (ct_label[0..31]); 0 = no rule
  SRC_PORT: 'NXM_NX_REG4', //      ofport of the sending entity = egress conntrack zone
  DST_PORT: 'NXM_NX_REG5', //      ofport of the receiving local entity = ingress conntrack zone = output port
  SETS: 'NXM_NX_REG6', //          bit k: the peer address is in the side's excluding set k
  SET: 'NXM_NX_REG7', //           the set being looked up
} as const;
/** Short names of the same registers, as ovs-ofctl prints them in matches. */
export const REG_MATCH = { FROM_ENTITY: 'reg0', VERDICT: 'reg2', RULE: 'reg3', SRC_PORT: 'reg4', DST_PORT: 'reg5', SETS: 'reg6', SET: 'reg7' } as const;

/**
 * Where a denied new connection is committed (with its deny mark and rule) before it is dropped: no flow
 * ever matches this zone, it only lets monitoring read denied attempts from conntrack (never an entity zone).
 */
export const DENY_ZONE = 65535;

/** Priorities inside a layer table. Rule priorities are RULE_BASE + (rules of the kind − rank by name). */
export const PRIORITY = {
  STRICT: 65000, //         Quarantine: Strict at either end: deny, above every rule
  RULE_BASE: 1000, //       allowing entries (application/quarantine/shared service) and isolation rules
  SIDE_DEFAULT: 500, //     a targeted entity no entry allowed: deny / would-deny with the first deciding rule
  PEER_QUARANTINED: 100, // the other end is quarantined: this side takes no part, later layers skipped
  SET_EXCEPT: 200, //       in a set lookup: an excluded CIDR (the bit stays clear)
  SET_INCLUDE: 100, //      in a set lookup: an included CIDR (sets the bit)
  TABLE_MISS: 0,
} as const;

// ---- ct_mark: the side's verdict, layer and side (32 bits) ----
export type Side = 'egress' | 'ingress';
export const MARK_VERDICT: Record<Verdict, number> = { allow: 1, 'would-deny': 2, deny: 3 }; // bits 0-1; 3 = blocked
export const MARK_LAYER: Record<Layer, number> = { default: 0, quarantine: 1, isolation: 2, application: 3, shared_service: 4 }; // bits 2-4
export const MARK_SIDE: Record<Side, number> = { egress: 0, ingress: 1 }; // bit 5
export const MARK_VERDICT_MASK = 0x3;

export function encodeMark(verdict: Verdict, layer: Layer, side: Side): number {
  return MARK_VERDICT[verdict] | (MARK_LAYER[layer] << 2) | (MARK_SIDE[side] << 5);
}

export interface DecodedMark { verdict: Verdict | null; layer: Layer; side: Side }
/** ct_mark → verdict/layer/side. verdict null: not a microseg mark (0 = never committed by us). */
export function decodeMark(mark: number): DecodedMark {
  const v = mark & 0x3;
  const verdict = (Object.keys(MARK_VERDICT) as Verdict[]).find((k) => MARK_VERDICT[k] === v) ?? null;
  const layer = (Object.keys(MARK_LAYER) as Layer[]).find((k) => MARK_LAYER[k] === ((mark >> 2) & 0x7)) ?? 'default';
  return { verdict, layer, side: (mark >> 5) & 1 ? 'ingress' : 'egress' };
}

// ---- ct_label: the deciding rule's id in bits 0..31 ----
/** ct_label (as printed by dpctl/dump-conntrack, hex, or a bigint) → rule id (0 = no rule). */
export function decodeLabel(label: string | bigint): number {
  const value = typeof label === 'bigint' ? label : BigInt(label.startsWith('0x') ? label : `0x${label}`);
  return Number(value & 0xffffffffn);
}

// ---- rule ids and cookies ----
// A rule's id is the one the store assigned it (snapshot rules carry it): unique, persistent, never 0.
export type { RuleKind };
export const KIND_LAYER: Record<RuleKind, Layer> = {
  quarantine_rule: 'quarantine', isolation_rule: 'isolation', application_rule: 'application', shared_service_rule: 'shared_service',
};

/** "MS" in the top 16 bits marks a microseg flow; then the layer (8 bits), 8 zero bits, the rule id (32 bits). */
export const COOKIE_MAGIC = 0x4d53n;
export function cookieFor(layer: Layer, id: number): bigint {
  return (COOKIE_MAGIC << 48n) | (BigInt(MARK_LAYER[layer]) << 40n) | BigInt(id >>> 0);
}
export const BASE_COOKIE = cookieFor('default', 0);
export function formatCookie(cookie: bigint): string {
  return `0x${cookie.toString(16)}`;
}
export interface DecodedCookie { layer: Layer; ruleId: number }
/** null: not a microseg cookie. ruleId 0: the base pipeline (or a no-part flow of that layer). */
export function decodeCookie(cookie: bigint | string): DecodedCookie | null {
  const c = typeof cookie === 'bigint' ? cookie : BigInt(cookie);
  if (c >> 48n !== COOKIE_MAGIC) return null;
  const layerCode = Number((c >> 40n) & 0xffn);
  const layer = (Object.keys(MARK_LAYER) as Layer[]).find((k) => MARK_LAYER[k] === layerCode);
  return layer ? { layer, ruleId: Number(c & 0xffffffffn) } : null;
}
