/**
 * The verified data plane: after a realization, the agent traces a few of its
 * entities' connections on its bridge (`ofproto/trace`, which reads and never
 * changes flows) and compares what the bridge does with explain() on the policy
 * it realized. A connection whose both ends are on this host is traced through
 * both sides and must give explain()'s verdict and rule; one whose other end is
 * elsewhere is traced on this end, which must not drop what explain() lets
 * through, nor mark an allowed one otherwise (whether the other end drops a
 * denied one is for its own agent to check).
 *
 * The connections are every (local entity, entity peer, direction, service the
 * policy names) in a fixed order; each pass takes the next `sample` of them
 * from a rotating cursor, so all are covered over successive realizations while
 * each pass stays bounded. A pass runs once per realized input (generation and
 * ports): an idle agent spawns nothing for it.
 */
import { parsePortSpec } from '../model/match';
import type { ServiceT } from '../model/schemas';
import { hasPorts, isIcmp } from '../model/protocols';
import type { PolicySnapshot, SnapshotEntity } from '../model/snapshot';
import { MAX_REPORTED_DISAGREEMENTS, type VerifyDisagreement } from '../model/host-status';
import { explain, resolveEndpoint, type ExplainQuery } from '../policy/explain';
import type { HostTraceAnswer, TraceQuery } from '../model/trace';
import {
  agrees,
  bridgeVerdict,
  parseTrace,
  ruleOf,
  sideDisagreement,
  traceInvocation,
  type ParsedTrace,
  type TraceRole,
} from '../compiler/trace';
import { portsKey, type HostPorts } from './types';

/** Connections traced per pass unless configured (MICROSEG_VERIFY_SAMPLE, --verify-sample). */
export const DEFAULT_VERIFY_SAMPLE = 8;
export const VERIFY_SAMPLE_RANGE = { min: 0, max: 1000 };

/** --verify-sample / MICROSEG_VERIFY_SAMPLE: a whole number in VERIFY_SAMPLE_RANGE; `name` is in the error. */
export function parseVerifySample(text: string, name: string): number {
  const n = /^[0-9]{1,4}$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= VERIFY_SAMPLE_RANGE.min && n <= VERIFY_SAMPLE_RANGE.max))
    throw new Error(
      `${name} must be a whole number of connections from ${VERIFY_SAMPLE_RANGE.min} (off) to ${VERIFY_SAMPLE_RANGE.max}, got "${text}"`,
    );
  return n;
}

/** As the agent's log (host-agent.ts AgentLog), restated so the agent and its verifier do not import each other. */
type AgentLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** The sample size from --verify-sample (when given), else MICROSEG_VERIFY_SAMPLE, else the default. */
export function readVerifySample(env: NodeJS.ProcessEnv, flag?: string): number {
  if (flag !== undefined) return parseVerifySample(flag, '--verify-sample');
  const v = env.MICROSEG_VERIFY_SAMPLE;
  return v ? parseVerifySample(v, 'MICROSEG_VERIFY_SAMPLE') : DEFAULT_VERIFY_SAMPLE;
}

export type TraceFn = (flow: string, ctNext: string[]) => Promise<string>;

export interface VerifierOptions {
  host: string;
  trace: TraceFn;
  /** Connections per pass (default 8; 0 turns verification off). */
  sample?: number;
  log?: AgentLog;
}

/** One pass's outcome (the status carries verified_generation and the disagreements). */
export interface VerifyResult {
  generation: number;
  checked: number;
  /** Connections of the sample that cannot be traced here (a port not on the bridge, no uplink). */
  skipped: number;
  disagreements: VerifyDisagreement[];
}

/** What the verifier adds to the agent's status report. */
export interface VerifyStatus {
  verified_generation: number | null;
  verify_disagreements: VerifyDisagreement[];
}

type PacketKind = Omit<ExplainQuery, 'src' | 'dst'>;

/** A service's packet kinds into `out` by key: the first port of each port range, its ICMP type, or the protocol. */
function addKinds(out: Map<string, PacketKind>, svc: ServiceT): void {
  const { protocol } = svc;
  if (protocol === 'any') return;
  if (hasPorts(protocol)) {
    for (const spec of svc.ports?.length ? svc.ports : ['1']) {
      const port = parsePortSpec(spec)[0];
      const key = `${protocol}/${port}`;
      if (!out.has(key)) out.set(key, { protocol, port });
    }
  } else if (isIcmp(protocol)) {
    const icmp_type = svc.icmp_type ?? (protocol === 'icmp' ? 8 : 128); // echo request
    const icmp_code = svc.icmp_code ?? 0;
    const key = `${protocol}/${icmp_type}/${icmp_code}`;
    if (!out.has(key)) out.set(key, { protocol, icmp_type, icmp_code });
  } else if (!out.has(protocol)) out.set(protocol, { protocol });
}

/**
 * Each rule's (and service group's) packet kinds, by object: a change replaces the objects it changes and
 * keeps the others (view-delta.ts), so a pass after a rule change walks that rule's services only, not the
 * thousands the policy names (this runs on the service's event loop for the embedded agents).
 */
const kindsOf = new WeakMap<object, [string, PacketKind][]>();
function ownKinds(owner: object, services: () => ServiceT[]): [string, PacketKind][] {
  let kinds = kindsOf.get(owner);
  if (!kinds) {
    const out = new Map<string, PacketKind>();
    for (const svc of services()) addKinds(out, svc);
    kindsOf.set(owner, (kinds = [...out]));
  }
  return kinds;
}

/** A connection's packet kinds: the first port of each port range the policy names, its ICMP types, tcp/22. */
export function verifyPackets(s: PolicySnapshot): PacketKind[] {
  const out = new Map<string, PacketKind>([['tcp/22', { protocol: 'tcp', port: 22 }]]);
  const add = (kinds: [string, PacketKind][]) => {
    for (const [key, packet] of kinds) if (!out.has(key)) out.set(key, packet);
  };
  for (const r of [...s.application_rules, ...s.quarantine_rules])
    add(ownKinds(r, () => [...r.inbound, ...r.outbound].flatMap((e) => e.services)));
  for (const r of s.shared_service_rules) add(ownKinds(r, () => r.services));
  for (const g of s.service_groups) add(ownKinds(g, () => g.services));
  return [...out.values()];
}

interface Connection {
  src: SnapshotEntity;
  dst: SnapshotEntity;
  query: ExplainQuery;
}

const byEntityName = (a: SnapshotEntity, b: SnapshotEntity) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Every entity by name, per entity list, and each host's among them: a change leaves the lists it does not
 * touch as they were (the same array), so a pass after a rule change sorts nothing (tens of ms at 20k
 * entities), and agents whose views share a list (in one process) share its sorting.
 */
const sortedOf = new WeakMap<SnapshotEntity[], { peers: SnapshotEntity[]; locals: Map<string, SnapshotEntity[]> }>();
function entitiesOf(entities: SnapshotEntity[], host: string): { locals: SnapshotEntity[]; peers: SnapshotEntity[] } {
  let sorted = sortedOf.get(entities);
  if (!sorted) sortedOf.set(entities, (sorted = { peers: entities.slice().sort(byEntityName), locals: new Map() }));
  let locals = sorted.locals.get(host);
  if (!locals) sorted.locals.set(host, (locals = sorted.peers.filter((e) => e.host === host)));
  return { locals, peers: sorted.peers };
}

export class Verifier {
  private cursor = 0;
  private realized: { snapshot: PolicySnapshot; ports: HostPorts; generation: number } | null = null;
  private verifiedInput: string | null = null;
  private verifiedGeneration: number | null = null;
  private disagreements: VerifyDisagreement[] = [];
  private readonly sample: number;
  private readonly log: AgentLog;

  constructor(private readonly opts: VerifierOptions) {
    this.sample = opts.sample ?? DEFAULT_VERIFY_SAMPLE;
    this.log = opts.log ?? (() => undefined);
  }

  /**
   * POST /v1/trace: this host's end(s) of one connection traced on the bridge, with
   * the policy and ports of the last realization. Never throws: a reason instead.
   */
  async traceOnDemand(query: TraceQuery): Promise<HostTraceAnswer> {
    const r = this.realized;
    if (!r) return { error: `the agent of host ${this.opts.host} has not realized a policy yet` };
    try {
      const src = resolveEndpoint(r.snapshot, query.src, 'src');
      const dst = resolveEndpoint(r.snapshot, query.dst, 'dst');
      if (!src.ip || !dst.ip) return { error: 'an entity without an IP address sends and receives nothing' };
      const packet = { ...query, srcIp: src.ip.toString(), dstIp: dst.ip.toString() };
      const inv = traceInvocation(r.snapshot, this.opts.host, r.ports, src.entity, dst.entity, packet);
      const output = await this.opts.trace(inv.flow, inv.ctNext);
      return { generation: r.generation, role: inv.role, flow: inv.flow, output };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  status(): VerifyStatus {
    return { verified_generation: this.verifiedGeneration, verify_disagreements: this.disagreements };
  }

  /**
   * The agent's hook, right after a pass that left `generation` on the bridge:
   * one verification pass, unless this input was verified already. True when it ran.
   */
  async afterRealization(snapshot: PolicySnapshot, ports: HostPorts, generation: number): Promise<boolean> {
    const was = this.realized;
    this.realized = { snapshot, ports, generation };
    // An idle pass hands over the same generation and ports object: nothing to do, cheaply.
    if (this.sample === 0 || (was?.generation === generation && was.ports === ports)) return false;
    const input = `${generation}|${portsKey(ports)}`;
    if (input === this.verifiedInput) return false;
    this.verifiedInput = input;
    try {
      await this.verify(snapshot, ports, generation);
    } catch (e) {
      this.log('warn', 'cannot verify the bridge', { host: this.opts.host, error: (e as Error).message });
    }
    return true;
  }

  /**
   * One verification pass: traces the next `sample` connections and compares
   * each with explain() on `snapshot`. Never changes the bridge. Its result
   * becomes the status (verified_generation only moves when nothing disagrees).
   */
  async verify(snapshot: PolicySnapshot, ports: HostPorts, generation: number): Promise<VerifyResult> {
    const { host } = this.opts;
    const picked = this.nextSample(snapshot);
    const disagreements: VerifyDisagreement[] = [];
    let skipped = 0;
    for (const c of picked) {
      let role: TraceRole;
      let trace: ParsedTrace;
      try {
        const inv = traceInvocation(snapshot, host, ports, c.src, c.dst, packetOf(c));
        role = inv.role;
        trace = parseTrace(await this.opts.trace(inv.flow, inv.ctNext));
      } catch (e) {
        if (/not on the bridge|no uplink/.test((e as Error).message)) {
          skipped++;
          continue;
        }
        throw e;
      }
      const expected = explain(snapshot, c.query);
      const seen = bridgeVerdict([trace]);
      const problem =
        role === 'local'
          ? agrees(snapshot, expected, seen)
            ? null
            : 'the traced verdict or rule differs from explain()'
          : sideDisagreement(expected, trace);
      if (problem === null) continue;
      disagreements.push({
        ...c.query,
        src: c.src.name,
        dst: c.dst.name,
        explain: { verdict: expected.verdict, rule: expected.rule },
        bridge: {
          verdict: seen.verdict,
          rule: ruleOf(snapshot, seen.layer, seen.ruleId)?.name ?? null,
          dropped_at: seen.droppedAt,
        },
        problem: `${role === 'local' ? 'both ends on this host' : `${role} end on this host`}: ${problem}`,
      });
    }
    this.disagreements = disagreements.slice(0, MAX_REPORTED_DISAGREEMENTS);
    if (disagreements.length === 0) this.verifiedGeneration = generation;
    else
      this.log('error', 'the bridge disagrees with the policy', {
        host,
        generation,
        disagreements: disagreements.length,
        first: disagreements[0],
      });
    return { generation, checked: picked.length - skipped, skipped, disagreements };
  }

  /** The next `sample` connections from the cursor (wrapping), in the fixed order of connectionAt. */
  private nextSample(snapshot: PolicySnapshot): Connection[] {
    const space = connectionSpace(snapshot, this.opts.host);
    const out: Connection[] = [];
    if (space.size === 0) return out;
    // Positions that are no connection (an entity with itself, no address) are passed over, a bounded number.
    for (let scanned = 0; scanned < space.size && out.length < this.sample; scanned++) {
      const c = space.at(this.cursor % space.size);
      this.cursor = (this.cursor + 1) % space.size;
      if (c) out.push(c);
    }
    return out;
  }
}

const packetOf = (c: Connection) => ({ ...c.query, srcIp: c.src.ips[0], dstIp: c.dst.ips[0] });

/**
 * Every (local entity × entity peer × direction × packet) position, decoded on
 * demand (nothing is materialised: the space grows with the inventory, a pass does not).
 */
function connectionSpace(snapshot: PolicySnapshot, host: string) {
  const { locals, peers } = entitiesOf(snapshot.entities, host);
  const packets = verifyPackets(snapshot);
  const size = locals.length * peers.length * 2 * packets.length;
  const at = (i: number): Connection | null => {
    const k = i % packets.length;
    const rest = Math.floor(i / packets.length);
    const outward = rest % 2 === 0;
    const p = peers[Math.floor(rest / 2) % peers.length];
    const l = locals[Math.floor(rest / 2 / peers.length)];
    if (p.name === l.name || (!outward && p.host === host)) return null; // itself; a local pair once
    const [src, dst] = outward ? [l, p] : [p, l];
    if (!src.ips.length || !dst.ips.length) return null;
    const v6 = src.ips[0].includes(':');
    const packet = packets[k];
    if (v6 !== dst.ips[0].includes(':') || (isIcmp(packet.protocol) && (packet.protocol === 'icmpv6') !== v6))
      return null;
    return { src, dst, query: { src: src.name, dst: dst.name, ...packet } };
  };
  return { size, at };
}
