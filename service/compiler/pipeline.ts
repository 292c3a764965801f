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
import type { RuleModelKind } from '../model/snapshot';

/**
 * What a table does when no flow matches: drop, go on to the next table, or a
 * miss flow its layer computes (it depends on the policy; `does` says what).
 */
export type Miss = { drop: true } | { goto: TableName } | { computed: string };

/** One table of the pipeline: its number, what it does, its table-miss behaviour. */
export interface TableSpec {
  name: TableName;
  id: number;
  does: string;
  miss: Miss;
}

export type TableName =
  | 'CLASSIFY'
  | 'SPOOF'
  | 'EGRESS_CT'
  | 'EGRESS_STATE'
  | 'EGRESS_SETS'
  | 'EGRESS_SET_LOOKUP'
  | 'EGRESS_PEER'
  | 'EGRESS_QUARANTINE'
  | 'EGRESS_SHARED'
  | 'EGRESS_ISOLATION'
  | 'EGRESS_APPLICATION'
  | 'EGRESS_COMMIT'
  | 'DISPATCH'
  | 'INGRESS_CT'
  | 'INGRESS_STATE'
  | 'INGRESS_SETS'
  | 'INGRESS_SET_LOOKUP'
  | 'INGRESS_PEER'
  | 'INGRESS_QUARANTINE'
  | 'INGRESS_SHARED'
  | 'INGRESS_ISOLATION'
  | 'INGRESS_APPLICATION'
  | 'INGRESS_COMMIT';

const DROP = { drop: true } as const;

/** The pipeline, declared once: the compiler emits every drop/goto miss from here, docs/pipeline.md's table is generated from it. */
export const TABLES: readonly TableSpec[] = [
  {
    name: 'CLASSIFY',
    id: 0,
    miss: DROP,
    does: '`in_port` of an entity → reg0=1, reg4=ofport, → SPOOF. Uplink: ARP, ND (ICMPv6 133–136), DHCP answers (udp 67→68, 547→546) → `NORMAL`; IPv4/IPv6 → DISPATCH. Any other port, or other traffic: drop.',
  },
  {
    name: 'SPOOF',
    id: 10,
    miss: DROP,
    does: 'Egress anti-spoofing. Per entity: IP with `nw_src`/`ipv6_src` one of its IPs (and `dl_src` = its MAC when set) → EGRESS_CT. ARP with `arp_spa` = own IPv4 (and `arp_sha` = MAC) → `NORMAL`. ND: RS/NS from own IPv6, link-local (`fe80::/10`) or `::`, NA whose `nd_target` is own IPv6 or link-local → `NORMAL` (only when the entity has an IPv6 address). DHCP client requests (udp 68→67 from `0.0.0.0` or own IPv4; DHCPv6 546→547 from link-local) → `NORMAL`. Everything else: drop.',
  },
  { name: 'EGRESS_CT', id: 20, miss: DROP, does: '`ct(table=EGRESS_STATE, zone=reg4)`' },
  {
    name: 'EGRESS_STATE',
    id: 21,
    miss: DROP,
    does: '`+inv` drop; reply or related of a blocked connection (`ct_mark` verdict = 3) drop; `+est+rpl` and `+rel` → DISPATCH (no re-check); everything else (`+new`, and `+est` in the original direction) → EGRESS_SETS, i.e. **checked against the current policy on every packet**.',
  },
  {
    name: 'EGRESS_SETS',
    id: 22,
    miss: {
      computed:
        "clear the label registers and look the peer up in EGRESS_PEER (when this side's rules match labels); clear reg6, look each address set up in EGRESS_SET_LOOKUP (when the side has sets); go on to EGRESS_QUARANTINE",
    },
    does: 'Looks the destination up in EGRESS_PEER (`resubmit`, the label registers cleared first: see "Peer labels"), clears reg6 and looks the packet up in each of this side\'s excluding address sets (`resubmit` to EGRESS_SET_LOOKUP with reg7 = set number: see "Exclusions"), then → EGRESS_QUARANTINE. Just the `goto_table` when the side needs neither.',
  },
  {
    name: 'EGRESS_SET_LOOKUP',
    id: 23,
    miss: { computed: 'drop (only present when the side has sets): the bit stays clear' },
    does: 'Per set (reg7 = k): its excluded CIDRs at priority 200 (no action), its included CIDRs at 100 (`load:1->reg6[k]`).',
  },
  {
    name: 'EGRESS_PEER',
    id: 24,
    miss: DROP,
    does: "Per entity address (`nw_dst`/`ipv6_dst`), one flow shared by every rule: loads the entity's labels (the id of its value of each category, and the entity bit) into the label registers. Not an entity: no flow, the registers stay clear.",
  },
  {
    name: 'EGRESS_QUARANTINE',
    id: 30,
    miss: { goto: 'EGRESS_SHARED' },
    does: 'Source or destination `Quarantine: Strict` → deny (layer quarantine, rule 0) at priority 65000; source\'s quarantine rules (their `outbound`), else "destination is a quarantined entity" → this side takes no part (allow, layer quarantine, rule 0), else → EGRESS_SHARED.',
  },
  {
    name: 'EGRESS_SHARED',
    id: 31,
    miss: { goto: 'EGRESS_ISOLATION' },
    does: "Shared-service rules: source address in the consumers, destination address a provider's, service listed → allow (layer shared_service, the rule), else → EGRESS_ISOLATION.",
  },
  {
    name: 'EGRESS_ISOLATION',
    id: 32,
    miss: { goto: 'EGRESS_APPLICATION' },
    does: 'Isolation rules: the source in one group, the destination in another → deny / would-deny, else → EGRESS_APPLICATION.',
  },
  {
    name: 'EGRESS_APPLICATION',
    id: 33,
    miss: { computed: 'allow, layer default, rule 0 → EGRESS_COMMIT (an untargeted source takes no part)' },
    does: "Source's application rules (their `outbound`, `allow_all`, or `intra_group = allow` towards the target's members); untargeted source → allow, layer default, rule 0.",
  },
  {
    name: 'EGRESS_COMMIT',
    id: 39,
    miss: { computed: 'none: only IP reaches it, and every IP packet matches' },
    does: 'See "Commit" below; allowed / would-deny → DISPATCH.',
  },
  {
    name: 'DISPATCH',
    id: 40,
    miss: DROP,
    does: '`nw_dst`/`ipv6_dst` of a local entity → reg5 = its ofport, → INGRESS_CT (its port not on the bridge yet → drop). Not local: from an entity (reg0=1) → `output` to every uplink; from an uplink → drop.',
  },
  { name: 'INGRESS_CT', id: 41, miss: DROP, does: '`ct(table=INGRESS_STATE, zone=reg5)`' },
  {
    name: 'INGRESS_STATE',
    id: 42,
    miss: DROP,
    does: 'As EGRESS_STATE; passing replies go straight to `output:reg5`; the rest → INGRESS_SETS.',
  },
  {
    name: 'INGRESS_SETS',
    id: 43,
    miss: { computed: 'as EGRESS_SETS, then INGRESS_QUARANTINE' },
    does: "As EGRESS_SETS for this side's peer (the source) and sets (registers cleared first: on one host both sides run in one pass), then → INGRESS_QUARANTINE.",
  },
  {
    name: 'INGRESS_SET_LOOKUP',
    id: 44,
    miss: { computed: 'drop (only present when the side has sets)' },
    does: 'As EGRESS_SET_LOOKUP.',
  },
  {
    name: 'INGRESS_PEER',
    id: 45,
    miss: DROP,
    does: 'As EGRESS_PEER, on the source address (`nw_src`/`ipv6_src`).',
  },
  {
    name: 'INGRESS_QUARANTINE',
    id: 50,
    miss: { goto: 'INGRESS_SHARED' },
    does: "As EGRESS_QUARANTINE for the destination, with the rules' `inbound` and the source address as the peer.",
  },
  {
    name: 'INGRESS_SHARED',
    id: 51,
    miss: { goto: 'INGRESS_ISOLATION' },
    does: "As EGRESS_SHARED; shared services match the local provider's port (reg5) and the source address.",
  },
  { name: 'INGRESS_ISOLATION', id: 52, miss: { goto: 'INGRESS_APPLICATION' }, does: 'As EGRESS_ISOLATION.' },
  {
    name: 'INGRESS_APPLICATION',
    id: 53,
    miss: { computed: 'allow, layer default, rule 0 → INGRESS_COMMIT' },
    does: "As EGRESS_APPLICATION, with the destination's rules (their `inbound`).",
  },
  {
    name: 'INGRESS_COMMIT',
    id: 59,
    miss: { computed: 'none: only IP reaches it' },
    does: 'As EGRESS_COMMIT, then `output:reg5`.',
  },
];

/** Table numbers by name. */
export const TABLE = Object.fromEntries(TABLES.map((t) => [t.name, t.id])) as { readonly [N in TableName]: number };

/** The registers the pipeline uses (32-bit NXM_NX_REGn), declared once. A port's OpenFlow number doubles as its entity id and its conntrack zone. */
export const REGISTERS = {
  FROM_ENTITY: { n: 0, holds: '1 when the packet came in on an entity port' },
  VERDICT: { n: 2, holds: "the side's verdict as its `ct_mark` value (set by the deciding layer)" },
  RULE: { n: 3, holds: "the deciding rule's 32-bit id (0: no rule)" },
  SRC_PORT: { n: 4, holds: 'ofport of the sending local entity = egress conntrack zone' },
  DST_PORT: { n: 5, holds: 'ofport of the receiving local entity = ingress conntrack zone = output port' },
  SETS: { n: 6, holds: "bit k: the peer address is in this side's excluding set k (set by the SETS tables)" },
  SET: { n: 7, holds: 'the set being looked up (the SET_LOOKUP tables)' },
  LABELS_0: {
    n: 1,
    holds: 'label register 0: bit 0 = the peer is an entity; then packed category value ids (PEER tables)',
  },
  LABELS_1: { n: 8, holds: 'label register 1 (packed category value ids of the peer)' },
  LABELS_2: { n: 9, holds: 'label register 2' },
  LABELS_3: { n: 10, holds: 'label register 3' },
  LABELS_4: { n: 11, holds: 'label register 4' },
  LABELS_5: { n: 12, holds: 'label register 5' },
  LABELS_6: { n: 13, holds: 'label register 6' },
  LABELS_7: { n: 14, holds: 'label register 7' },
  LABELS_8: { n: 15, holds: 'label register 8' },
} as const;
export type RegisterName = keyof typeof REGISTERS;
const regs = <T>(f: (n: number) => T) =>
  Object.fromEntries(Object.entries(REGISTERS).map(([k, r]) => [k, f(r.n)])) as { readonly [K in RegisterName]: T };
/** Field names for actions (`load:…->NXM_NX_REG4[]`). */
export const REG = regs((n) => `NXM_NX_REG${n}`);
/** Short names, as ovs-ofctl prints them in matches (`reg4=0x2`). */
export const REG_MATCH = regs((n) => `reg${n}`);

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
  LABEL: 100, //            in a peer lookup: an entity address (loads its labels)
  TABLE_MISS: 0,
} as const;

// ---- ct_mark: the side's verdict, layer and side (32 bits) ----
export type Side = 'egress' | 'ingress';
export const MARK_VERDICT: Record<Verdict, number> = { allow: 1, 'would-deny': 2, deny: 3 }; // bits 0-1; 3 = blocked
export const MARK_LAYER: Record<Layer, number> = {
  default: 0,
  quarantine: 1,
  isolation: 2,
  application: 3,
  shared_service: 4,
}; // bits 2-4
export const MARK_SIDE: Record<Side, number> = { egress: 0, ingress: 1 }; // bit 5
export const MARK_VERDICT_MASK = 0x3;

export function encodeMark(verdict: Verdict, layer: Layer, side: Side): number {
  return MARK_VERDICT[verdict] | (MARK_LAYER[layer] << 2) | (MARK_SIDE[side] << 5);
}

export interface DecodedMark {
  verdict: Verdict | null;
  layer: Layer;
  side: Side;
}
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
export const KIND_LAYER: Record<RuleModelKind, Layer> = {
  quarantine_rule: 'quarantine',
  isolation_rule: 'isolation',
  application_rule: 'application',
  shared_service_rule: 'shared_service',
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
export interface DecodedCookie {
  layer: Layer;
  ruleId: number;
}
/** null: not a microseg cookie. ruleId 0: the base pipeline (or a no-part flow of that layer). */
export function decodeCookie(cookie: bigint | string): DecodedCookie | null {
  const c = typeof cookie === 'bigint' ? cookie : BigInt(cookie);
  if (c >> 48n !== COOKIE_MAGIC) return null;
  const layerCode = Number((c >> 40n) & 0xffn);
  const layer = (Object.keys(MARK_LAYER) as Layer[]).find((k) => MARK_LAYER[k] === layerCode);
  return layer ? { layer, ruleId: Number(c & 0xffffffffn) } : null;
}
