/**
 * Holds compiled flows against explain(): compiles every host of a snapshot,
 * loads each onto its own dummy bridge, and for each sample traces the packet
 * the way it travels — egress on the source's host, ingress on the
 * destination's (one trace through both when they share a host) — then turns
 * the traces into a verdict and compares it with explain().
 */
import { compileHost, type HostPorts } from '../../service/compiler';
import { decodeMark, KIND_LAYER } from '../../service/compiler/pipeline';
import type { RuleModelKind } from '../../service/model/snapshot';
import { rulesOf } from '../../service/compiler/rule-ids';
import type { PolicySnapshot, SnapshotEntity } from '../../service/model/snapshot';
import {
  explain,
  explainSides,
  resolveEndpoint,
  type ExplainQuery,
  type ExplainResult,
} from '../../service/policy/explain';
import { hasPorts, isIcmp, protocolNumber } from '../../service/model/protocols';
import { OvsDummy, type TraceRequest } from '../support/ovs-dummy';
import { parseTrace, type ParsedTrace } from '../../service/compiler/trace';

/** What judge() reads of a trace (outputs as OpenFlow ports). */
export type TraceOutcome = Pick<ParsedTrace, 'forwarded' | 'outputs' | 'commits'>;

export const UPLINK_OFPORT = 1;

/**
 * For one test file: a dummy OVS with a pool of `hosts` bridges, started
 * before the tests and stopped after them (even when they fail).
 */
export function dummyPool(tag: string, hosts: number): { readonly ovs: OvsDummy; readonly pool: BridgePool } {
  const ctx = {} as { ovs: OvsDummy; pool: BridgePool };
  beforeAll(async () => {
    ctx.ovs = await OvsDummy.start();
    ctx.pool = await BridgePool.create(ctx.ovs, `${tag}${process.pid % 100000}`, hosts);
  }, 60_000);
  afterAll(async () => {
    await ctx.ovs?.stop();
  });
  return ctx;
}
/** Dummy ports per bridge: 1 is the uplink, 2.. are entity ports. */
export const PORTS_PER_BRIDGE = 16;

/** A set of bridges, one per host slot, reused policy after policy. */
export class BridgePool {
  private constructor(
    readonly bridges: string[],
    readonly ofportOf: Map<string, Map<number, number>>,
  ) {}

  static async create(ovs: OvsDummy, tag: string, hosts: number): Promise<BridgePool> {
    const bridges: string[] = [];
    for (let h = 0; h < hosts; h++) {
      const bridge = `${tag}h${h}`;
      await ovs.addBridge(
        bridge,
        Array.from({ length: PORTS_PER_BRIDGE }, (_, i) => `${bridge}p${i + 1}`),
      );
      bridges.push(bridge);
    }
    const ofportOf = new Map<string, Map<number, number>>();
    for (const b of bridges) ofportOf.set(b, await ovs.odpToOfport(b));
    return new BridgePool(bridges, ofportOf);
  }
}

export interface HostPlan {
  host: string;
  bridge: string;
  ports: HostPorts;
  flows: string[];
}

/**
 * Port numbers as an agent would read them: uplinks at 1, the host's entities from 2 in name order.
 * `compileFrom`: what each host compiles (default the whole snapshot; a host's view, model/span.ts).
 */
export function planHosts(
  snapshot: PolicySnapshot,
  bridges: string[],
  compileFrom: (host: string) => PolicySnapshot = () => snapshot,
): Map<string, HostPlan> {
  if (snapshot.hosts.length > bridges.length) throw new Error('not enough bridges for the hosts');
  const plans = new Map<string, HostPlan>();
  snapshot.hosts.forEach((host, i) => {
    const ports: HostPorts = {};
    for (const uplink of host.uplinks) ports[uplink] = UPLINK_OFPORT;
    const local = snapshot.entities.filter((e) => e.host === host.name).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (local.length + 1 > PORTS_PER_BRIDGE)
      throw new Error(`host ${host.name}: too many entities for the bridge pool`);
    local.forEach((e, k) => {
      ports[e.port] = k + 2;
    });
    plans.set(host.name, {
      host: host.name,
      bridge: bridges[i],
      ports,
      flows: compileHost(compileFrom(host.name), host.name, ports).flows,
    });
  });
  return plans;
}

export async function loadHosts(ovs: OvsDummy, plans: Map<string, HostPlan>): Promise<void> {
  await Promise.all([...plans.values()].map((p) => ovs.replaceFlows(p.bridge, p.flows)));
}

function packetFields(q: ExplainQuery, srcIp: string, dstIp: string, srcPort = 40000): string {
  const v6 = srcIp.includes(':');
  const addr = v6 ? `ipv6_src=${srcIp},ipv6_dst=${dstIp}` : `nw_src=${srcIp},nw_dst=${dstIp}`;
  if (hasPorts(q.protocol)) {
    // The trace parser wants udp_src/udp_dst for UDP (tp_src is refused there), sctp_src/sctp_dst for SCTP.
    return `${q.protocol}${v6 ? '6' : ''},${addr},${q.protocol}_src=${srcPort},${q.protocol}_dst=${q.port}`;
  }
  if (isIcmp(q.protocol)) {
    return v6
      ? `icmp6,${addr},icmpv6_type=${q.icmp_type ?? 0},icmpv6_code=${q.icmp_code ?? 0}`
      : `icmp,${addr},icmp_type=${q.icmp_type ?? 0},icmp_code=${q.icmp_code ?? 0}`;
  }
  return `${v6 ? 'ipv6' : 'ip'},nw_proto=${protocolNumber(q.protocol)},${addr}`;
}

interface Step {
  request: TraceRequest;
  expectOutput: number;
  /** The half of the path this trace runs: one side, or both when the two ends share a host. */
  side: 'egress' | 'ingress' | 'both';
}

const LAYER_KIND: Record<string, RuleModelKind> = Object.fromEntries(
  Object.entries(KIND_LAYER).map(([k, l]) => [l, k as RuleModelKind]),
);
function planned(snapshot: PolicySnapshot, query: ExplainQuery, steps: Step[]): PlannedSample {
  const expected = explain(snapshot, query);
  const rule =
    expected.rule === null
      ? null
      : rulesOf(snapshot).find((r) => r.kind === LAYER_KIND[expected.layer] && r.name === expected.rule)!;
  return { query, expected, sides: explainSides(snapshot, query), ruleId: rule?.id ?? 0, steps };
}
/** `ruleId`: the id of explain()'s deciding rule (0: none), which ct_label must carry. */
export interface PlannedSample {
  query: ExplainQuery;
  expected: ExplainResult;
  /** explainSides(): what each host's half alone must do (conntrack revocation relies on it). */
  sides: ReturnType<typeof explainSides>;
  ruleId: number;
  steps: Step[];
}

/**
 * The traces one connection's first packet takes. `state` is the conntrack
 * state each ct() action reports ('trk,new' for a new connection,
 * 'trk,est' to re-check an established one).
 */
export function planSample(
  snapshot: PolicySnapshot,
  plans: Map<string, HostPlan>,
  query: ExplainQuery,
  state = 'trk,new',
): PlannedSample | null {
  const src = resolveEndpoint(snapshot, query.src, 'src');
  const dst = resolveEndpoint(snapshot, query.dst, 'dst');
  if (!src.ip || !dst.ip || src.ip.kind() !== dst.ip.kind()) return null;
  if (!src.entity && !dst.entity) return null;
  if (src.entity && dst.entity && src.entity.name === dst.entity.name) return null;
  const ipText = (e: SnapshotEntity | null, text: string) => (e && e.name === text ? e.ips[0] : text);
  const srcIp = ipText(src.entity, query.src);
  const dstIp = ipText(dst.entity, query.dst);
  const packet = packetFields(query, srcIp, dstIp);
  const steps: Step[] = [];
  const dstPlan = dst.entity ? plans.get(dst.entity.host)! : null;
  const dstPort = dst.entity ? dstPlan!.ports[dst.entity.port] : UPLINK_OFPORT;
  if (src.entity) {
    const plan = plans.get(src.entity.host)!;
    const sameHost = dst.entity !== null && dst.entity.host === src.entity.host;
    const mac = src.entity.mac ? `,dl_src=${src.entity.mac}` : '';
    steps.push({
      request: {
        bridge: plan.bridge,
        flow: `in_port=${plan.ports[src.entity.port]}${mac},${packet}`,
        ctNext: sameHost ? [state, state] : [state],
      },
      expectOutput: sameHost ? dstPort : UPLINK_OFPORT,
      side: sameHost ? 'both' : 'egress',
    });
    if (sameHost) return planned(snapshot, query, steps);
  }
  if (dst.entity) {
    steps.push({
      request: { bridge: dstPlan!.bridge, flow: `in_port=${UPLINK_OFPORT},${packet}`, ctNext: [state] },
      expectOutput: dstPort,
      side: 'ingress',
    });
  }
  return planned(snapshot, query, steps);
}

/** The verdict the traces show, or a reason they disagree with explain(); null when they agree. */
export function judge(sample: PlannedSample, outcomes: TraceOutcome[]): string | null {
  const { expected } = sample;
  // A host's half of the path alone passes the packet exactly when its side does not deny it.
  for (let i = 0; i < outcomes.length; i++) {
    const side = sample.steps[i].side;
    if (side !== 'both' && outcomes[i].forwarded !== (sample.sides[side] !== 'deny')) {
      return `the ${side} side alone ${outcomes[i].forwarded ? 'forwarded' : 'dropped'} it; explainSides(): ${sample.sides[side]}`;
    }
  }
  // The connection goes as far as the first step that drops it.
  let dropped = false;
  const commits: TraceOutcome['commits'] = [];
  for (let i = 0; i < outcomes.length && !dropped; i++) {
    commits.push(...outcomes[i].commits);
    if (!outcomes[i].forwarded) dropped = true;
    else if (!outcomes[i].outputs.includes(sample.steps[i].expectOutput)) {
      return `step ${i} forwarded to ${outcomes[i].outputs.join(',')} instead of ${sample.steps[i].expectOutput}`;
    }
  }
  const marks = commits.map((c) => ({ ...decodeMark(c.mark ?? 0), rule: Number((c.label ?? 0n) & 0xffffffffn) }));
  if (marks.some((m) => m.verdict === null)) return 'a ct(commit) without a microseg mark';
  const named = (m: { layer: string; rule: number }) => m.rule === sample.ruleId && m.layer === expected.layer;
  if (expected.verdict === 'deny') {
    if (!dropped) return 'expected deny, the packet was forwarded';
    // The dropping side records the deny with its rule (monitoring reads it from conntrack).
    const deny = marks.find((m) => m.verdict === 'deny');
    if (!deny) return 'dropped, but no commit records the deny';
    return named(deny)
      ? null
      : `deny recorded with ${deny.layer} rule id 0x${deny.rule.toString(16)}, expected ${expected.layer} ${expected.rule}`;
  }
  if (dropped) return `expected ${expected.verdict}, the packet was dropped`;
  // Every conntrack lookup on the way must commit the connection.
  const lookups = sample.steps.reduce((n, st) => n + st.request.ctNext.length, 0);
  if (commits.length !== lookups) return `${commits.length} ct(commit) for ${lookups} conntrack lookups`;
  const wouldDeny = marks.filter((m) => m.verdict === 'would-deny');
  if (expected.verdict === 'allow') {
    if (wouldDeny.length > 0) return 'expected allow, the connection was committed would-deny';
    const withRule = marks.filter((m) => m.rule !== 0);
    const rule = withRule.length ? withRule[withRule.length - 1].rule : 0; // the ingress side's rule wins among allows
    return rule === sample.ruleId
      ? null
      : `allowed, but ct_label names rule id 0x${rule.toString(16)}, not ${expected.rule}`;
  }
  if (wouldDeny.length === 0) return 'expected would-deny, no commit carries the would-deny mark';
  const first = wouldDeny[0]; // the egress side wins a tie
  if (!named(first)) {
    return `would-deny recorded with ${first.layer} rule id 0x${first.rule.toString(16)}, expected ${expected.layer} ${expected.rule}`;
  }
  return null;
}

export interface Mismatch {
  query: ExplainQuery;
  expected: ExplainResult;
  problem: string;
  traces: string[];
}

/** Runs every planned sample's traces and returns the disagreements with explain(). */
export async function checkSamples(
  ovs: OvsDummy,
  pool: BridgePool,
  samples: PlannedSample[],
  concurrency = 4,
): Promise<Mismatch[]> {
  const requests = samples.flatMap((s) => s.steps.map((st) => st.request));
  const texts = await ovs.traceMany(requests, concurrency);
  const mismatches: Mismatch[] = [];
  let k = 0;
  for (const s of samples) {
    const mine = texts.slice(k, k + s.steps.length);
    k += s.steps.length;
    // Traces print datapath port numbers; the plan speaks OpenFlow ones.
    const outcomes = mine.map((text, i) => {
      const o = parseTrace(text);
      const map = pool.ofportOf.get(s.steps[i].request.bridge)!;
      return { ...o, outputs: o.outputs.map((p) => map.get(p) ?? -p) };
    });
    const problem = judge(s, outcomes);
    if (problem) mismatches.push({ query: s.query, expected: s.expected, problem, traces: mine });
  }
  return mismatches;
}

/** A readable failure: the policy, the packet, explain()'s answer and the traces. */
export function describeMismatches(snapshot: PolicySnapshot, mismatches: Mismatch[], max = 3): string {
  if (mismatches.length === 0) return '';
  const shown = mismatches
    .slice(0, max)
    .map(
      (m) =>
        `packet ${JSON.stringify(m.query)}\nexplain ${JSON.stringify(m.expected)}\nproblem: ${m.problem}\n${m.traces.map((t, i) => `--- trace ${i} ---\n${t}`).join('\n')}`,
    );
  return `${mismatches.length} mismatch(es)\npolicy ${JSON.stringify(snapshot)}\n${shown.join('\n\n')}`;
}
