/**
 * `ofproto/trace` of one connection against the compiled pipeline, as pure
 * functions: which trace a host runs for a connection (the packet, the in_port,
 * the conntrack states), what its output says (the tables passed, by name from
 * the pipeline declaration; the ct(commit) marks; dropped or forwarded), the
 * verdict the traces show, and whether it is the verdict explain() gives.
 * No I/O: the agent runs the trace, the service and the agent's verifier judge it.
 */
import { hasPorts, isIcmp, protocolNumber } from '../model/protocols';
import type { PolicySnapshot, SnapshotEntity } from '../model/snapshot';
import type { Layer, Verdict } from '../model/verdicts';
import { DENY_ZONE, TABLES, decodeMark, type TableName } from './pipeline';
import { ruleForCookie, ruleIndex, rulesOf, type RuleRef } from './rule-ids';
import { KIND_LAYER } from './pipeline';
import type { HostPorts } from './host-view';

/** The connection's first packet: addresses and service. */
export interface TracePacket {
  srcIp: string;
  dstIp: string;
  protocol: string;
  port?: number;
  icmp_type?: number;
  icmp_code?: number;
}

/**
 * Which part of the path a host's bridge holds: `local` both ends (one trace
 * through egress and ingress), `egress` the sending end, `ingress` the receiving end.
 */
export type TraceRole = 'local' | 'egress' | 'ingress';

/** One `ofproto/trace` invocation: `ovs-appctl ofproto/trace BRIDGE FLOW --ct-next S…`. */
export interface TraceInvocation {
  role: TraceRole;
  flow: string;
  ctNext: string[];
}

/** The source port traces use (any ephemeral port: rules match destination ports only). */
export const TRACE_SRC_PORT = 40000;

/** The flow text of the packet (without in_port), as ofproto/trace parses it. */
export function packetMatch(p: TracePacket): string {
  const v6 = p.srcIp.includes(':');
  const addr = v6 ? `ipv6_src=${p.srcIp},ipv6_dst=${p.dstIp}` : `nw_src=${p.srcIp},nw_dst=${p.dstIp}`;
  if (hasPorts(p.protocol)) {
    // ofproto/trace wants udp_src/udp_dst for UDP (tp_src is refused there), sctp_src/sctp_dst for SCTP.
    const pr = p.protocol;
    return `${pr}${v6 ? '6' : ''},${addr},${pr}_src=${TRACE_SRC_PORT},${pr}_dst=${p.port ?? 1}`;
  }
  if (isIcmp(p.protocol)) {
    return v6
      ? `icmp6,${addr},icmpv6_type=${p.icmp_type ?? 128},icmpv6_code=${p.icmp_code ?? 0}`
      : `icmp,${addr},icmp_type=${p.icmp_type ?? 8},icmp_code=${p.icmp_code ?? 0}`;
  }
  return `${v6 ? 'ipv6' : 'ip'},nw_proto=${protocolNumber(p.protocol)},${addr}`;
}

/**
 * The trace `host` runs for a connection between `src` and `dst` (entities, or
 * null for an outside address), with the OpenFlow ports its agent read from its
 * bridge. `state` is the conntrack state every ct() reports ('trk,new': a new
 * connection). Throws (a message naming what is missing) when the host holds no
 * end of it, or a needed port is not on the bridge.
 */
export function traceInvocation(
  snapshot: PolicySnapshot,
  host: string,
  ports: HostPorts,
  src: SnapshotEntity | null,
  dst: SnapshotEntity | null,
  packet: TracePacket,
  state = 'trk,new',
): TraceInvocation {
  const match = packetMatch(packet);
  const portOf = (e: SnapshotEntity) => {
    const n = ports[e.port];
    if (n === undefined) throw new Error(`entity ${e.name}: port ${e.port} is not on the bridge of host ${host}`);
    return n;
  };
  const uplink = () => {
    const names = snapshot.hosts.find((h) => h.name === host)?.uplinks ?? [];
    const n = names.map((u) => ports[u]).find((p) => p !== undefined);
    if (n === undefined)
      throw new Error(`host ${host} has no uplink on its bridge: nothing crosses to or from other hosts`);
    return n;
  };
  if (src?.host === host) {
    const mac = src.mac ? `,dl_src=${src.mac}` : '';
    const local = dst?.host === host;
    if (!local) uplink(); // with no uplink the packet has nowhere to go: not a trace of this connection
    return {
      role: local ? 'local' : 'egress',
      flow: `in_port=${portOf(src)}${mac},${match}`,
      ctNext: local ? [state, state] : [state],
    };
  }
  if (dst?.host === host) {
    portOf(dst);
    return { role: 'ingress', flow: `in_port=${uplink()},${match}`, ctNext: [state] };
  }
  throw new Error(`host ${host} holds neither end of the connection`);
}

/** One table a traced packet passed: the table by number and by name, and the flow that matched. */
export interface TraceHop {
  table: number;
  /** Null: a table the pipeline does not declare (a foreign flow). */
  name: TableName | null;
  /** False: no flow matched (the table-miss; with fail-mode secure, a drop). */
  matched: boolean;
  match: string;
  priority: number | null;
  cookie: string | null;
  actions: string[];
}

export interface TraceCommit {
  zone: number;
  mark: number | null;
  label: bigint | null;
}

/** What one `ofproto/trace` output says. */
export interface ParsedTrace {
  hops: TraceHop[];
  /** The last "Datapath actions" line outputs the packet to a port. */
  forwarded: boolean;
  /** Datapath port numbers the packet leaves by (not OpenFlow ones). */
  outputs: number[];
  /** Every ct(commit) on the way, in order. */
  commits: TraceCommit[];
}

const TABLE_NAME = new Map<number, TableName>(TABLES.map((t) => [t.id, t.name]));
const HOP = /^\s*(\d+)\. (.*)$/;
const HOP_TAIL = /^(.*?),? ?priority (\d+)(?:, cookie (0x[0-9a-f]+))?$/;

/** Parses `ofproto/trace` output. Throws when it is not one (no "Datapath actions" line). */
export function parseTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  const hops: TraceHop[] = [];
  const datapath: string[] = [];
  let hop: TraceHop | null = null;
  for (const line of lines) {
    if (line.startsWith('Datapath actions: ')) {
      datapath.push(line.slice('Datapath actions: '.length).trim());
      hop = null;
      continue;
    }
    const h = line.match(HOP);
    if (h) {
      const table = Number(h[1]);
      const rest = h[2].trim();
      const tail = rest.match(HOP_TAIL);
      hop = {
        table,
        name: TABLE_NAME.get(table) ?? null,
        matched: rest !== 'No match.',
        match: tail ? tail[1] : rest === 'No match.' ? '' : rest,
        priority: tail ? Number(tail[2]) : null,
        cookie: tail?.[3] ?? null,
        actions: [],
      };
      hops.push(hop);
      continue;
    }
    // The matched flow's actions, indented under it (its "->" notes are not actions).
    if (hop && /^ {4}\S/.test(line) && !line.trim().startsWith('->') && !/^ {4}(thaw|Resuming)/.test(line))
      hop.actions.push(line.trim());
    else if (line.trim() === '') hop = null;
  }
  if (datapath.length === 0) throw new Error('not an ofproto/trace output: no "Datapath actions" line');
  const commits: TraceCommit[] = [];
  for (const line of datapath) {
    for (const m of line.matchAll(/ct\(commit,([^)]*)\)/g)) {
      const field = (name: string) => m[1].match(new RegExp(`(?:^|,)${name}=(0x[0-9a-f]+|\\d+)`))?.[1];
      const mark = field('mark');
      const label = field('label');
      commits.push({
        zone: Number(field('zone') ?? 0),
        mark: mark === undefined ? null : Number(mark),
        label: label === undefined ? null : BigInt(label),
      });
    }
  }
  const outputs = topLevel(datapath[datapath.length - 1])
    .filter((t) => /^\d+$/.test(t.trim()))
    .map(Number);
  return { hops, forwarded: outputs.length > 0, outputs, commits };
}

/** Splits datapath actions on the commas outside parentheses. */
function topLevel(actions: string): string[] {
  const tokens: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of actions) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      tokens.push(cur);
      cur = '';
    } else cur += ch;
  }
  tokens.push(cur);
  return tokens;
}

/** The verdict a bridge gave a connection, read from its traces. */
export interface BridgeVerdict {
  verdict: Verdict;
  /** The deciding layer and rule id from the ct_mark / ct_label committed; null: dropped without a microseg mark. */
  layer: Layer | null;
  ruleId: number | null;
  /** Where the packet was dropped (the last table it passed), if it was. */
  droppedAt: TableName | null;
}

/**
 * The verdict of the traces a connection's packet takes, in order (egress
 * side first). The same reading docs/pipeline.md "Commit" describes: a drop is
 * deny, with the deny mark its side committed (in the deny zone); otherwise a
 * would-deny mark on either side makes it would-deny (the egress side's wins a
 * tie), else allow with the ingress side's rule when it names one.
 */
export function bridgeVerdict(traces: ParsedTrace[]): BridgeVerdict {
  const commits: TraceCommit[] = [];
  for (const t of traces) {
    commits.push(...t.commits);
    if (!t.forwarded) {
      const deny = t.commits
        .filter((c) => c.zone === DENY_ZONE && c.mark !== null && decodeMark(c.mark).verdict === 'deny')
        .pop();
      const last = t.hops[t.hops.length - 1];
      return {
        verdict: 'deny',
        layer: deny ? decodeMark(deny.mark!).layer : null,
        ruleId: deny ? labelRule(deny.label) : null,
        droppedAt: last?.name ?? null,
      };
    }
  }
  const marks = commits
    .filter((c) => c.mark !== null)
    .map((c) => ({ ...decodeMark(c.mark!), ruleId: labelRule(c.label) }));
  const wouldDeny = marks.find((m) => m.verdict === 'would-deny');
  if (wouldDeny) return { verdict: 'would-deny', layer: wouldDeny.layer, ruleId: wouldDeny.ruleId, droppedAt: null };
  const named = marks.filter((m) => m.ruleId !== 0);
  const chosen = named.length ? named[named.length - 1] : marks[marks.length - 1];
  return { verdict: 'allow', layer: chosen?.layer ?? null, ruleId: chosen?.ruleId ?? null, droppedAt: null };
}

const labelRule = (label: bigint | null) => Number((label ?? 0n) & 0xffffffffn);

/** explain()'s answer, structurally (the compiler does not import the evaluator). */
export interface ExpectedVerdict {
  verdict: Verdict;
  layer: Layer;
  rule: string | null;
}

/** The id the deciding rule of an explain() answer has in the snapshot (0: no rule). */
export function expectedRuleId(snapshot: PolicySnapshot, expected: ExpectedVerdict): number {
  if (expected.rule === null) return 0;
  const ref = rulesOf(snapshot).find((r) => KIND_LAYER[r.kind] === expected.layer && r.name === expected.rule);
  return ref?.id ?? 0;
}

/** The rule a (layer, id) pair from ct_mark / ct_label names in the snapshot. */
export function ruleOf(snapshot: PolicySnapshot, layer: Layer | null, ruleId: number | null): RuleRef | null {
  if (layer === null || !ruleId) return null;
  return ruleIndex(snapshot).get(layer)?.get(ruleId) ?? null;
}

/**
 * Whether the whole path's traces agree with explain(): the same verdict and
 * the same deciding rule (rule ids are unique across kinds, so the id names the layer too).
 */
export function agrees(snapshot: PolicySnapshot, expected: ExpectedVerdict, seen: BridgeVerdict): boolean {
  return seen.verdict === expected.verdict && seen.ruleId === expectedRuleId(snapshot, expected);
}

/**
 * What one end's trace can say when the other end is on another host: a drop
 * there means the connection is denied, and a connection explain() allows (or
 * would deny) must pass it, an allowed one with an allow mark. Null: consistent
 * (or, for a connection the other end denies, not decidable here).
 */
export function sideDisagreement(expected: ExpectedVerdict, side: ParsedTrace): string | null {
  const seen = bridgeVerdict([side]);
  if (seen.verdict === 'deny' && expected.verdict !== 'deny') return 'this end drops it';
  if (expected.verdict === 'allow' && seen.verdict !== 'allow') return `this end marks it ${seen.verdict}`;
  return null;
}

/** A hop with the rule its flow's cookie names (null: the base pipeline, a no-part flow, a foreign cookie). */
export interface NamedHop extends TraceHop {
  rule: RuleRef | null;
}

export function nameHops(snapshot: PolicySnapshot, trace: ParsedTrace): NamedHop[] {
  return trace.hops.map((h) => ({ ...h, rule: h.cookie ? ruleForCookie(snapshot, h.cookie) : null }));
}
