/**
 * The UDP revocation rule (service/agent/revoke.ts) against every packet order, on random policies: a model of the
 * conntrack zones of one connection I → R after the agents' cuts, each zone judged by its own side as the
 * pipeline judges it (explainSides(), which the trace tests hold each host's flows to): no entry → new connection,
 * dropped on deny, else made in the packet's direction; an original-direction packet → re-checked, a deny blocks
 * the entry; a reply → passes unless blocked. After any sequence of packets either way, nothing explain() denies
 * may pass, and a stream whose both directions are denied does not flow on.
 */
import fc from 'fast-check';
import { entriesToCut } from '../../service/agent/revoke';
import type { ConntrackEntry } from '../../service/agent/conntrack';
import { explain, explainSides, resolveEndpoint } from '../../service/policy/explain';
import type { PolicySnapshot } from '../../service/model/snapshot';
import type { HostPorts } from '../../service/agent/types';
import { policyArb } from '../support/arbitraries';
import { sampledQueries } from '../compiler/samples';

type Dir = 'IR' | 'RI';
interface Zone {
  dir: Dir;
  blocked: boolean;
}
interface Conn {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

/** Every entity's port at ofport = its index + 2 (zones need only be distinct on a host). */
function portsOf(snapshot: PolicySnapshot): HostPorts {
  return Object.fromEntries(snapshot.entities.map((e, i) => [e.port, i + 2]));
}

/** Which of the connection's two zones (I: the initiator's, R: the responder's) the agents of their hosts cut. */
function cutZones(snapshot: PolicySnapshot, c: Conn): Set<'I' | 'R'> {
  const ports = portsOf(snapshot);
  const cut = new Set<'I' | 'R'>();
  for (const [end, ip] of [
    ['I', c.src],
    ['R', c.dst],
  ] as const) {
    const entity = resolveEndpoint(snapshot, ip, 'src').entity;
    if (!entity) continue;
    const entry: ConntrackEntry = {
      protocol: 'udp',
      src: c.src,
      dst: c.dst,
      sport: c.sport,
      dport: c.dport,
      icmp_type: null,
      icmp_code: null,
      zone: ports[entity.port],
      mark: 1,
      labels: 0n,
      state: null,
    };
    if (entriesToCut(snapshot, entity.host, ports, [entry]).length > 0) cut.add(end);
  }
  return cut;
}

/** The packets of `seq` that reach the other end, after the cuts. */
function delivered(snapshot: PolicySnapshot, c: Conn, cut: Set<'I' | 'R'>, seq: Dir[]): Dir[] {
  const sides = {
    IR: explainSides(snapshot, { src: c.src, dst: c.dst, protocol: 'udp', port: c.dport }),
    RI: explainSides(snapshot, { src: c.dst, dst: c.src, protocol: 'udp', port: c.sport }),
  };
  const zones = new Map<'I' | 'R', Zone | null>();
  if (resolveEndpoint(snapshot, c.src, 'src').entity)
    zones.set('I', cut.has('I') ? null : { dir: 'IR', blocked: false });
  if (resolveEndpoint(snapshot, c.dst, 'dst').entity)
    zones.set('R', cut.has('R') ? null : { dir: 'IR', blocked: false });
  const out: Dir[] = [];
  for (const d of seq) {
    // Egress in the sender's zone, then ingress in the receiver's.
    const path = d === 'IR' ? (['I', 'R'] as const) : (['R', 'I'] as const);
    const passes = path.every((z, i) => {
      if (!zones.has(z)) return true;
      const denied = sides[d][i === 0 ? 'egress' : 'ingress'] === 'deny';
      const entry = zones.get(z)!;
      if (entry === null) {
        if (!denied) zones.set(z, { dir: d, blocked: false });
        return !denied;
      }
      if (entry.dir === d) {
        entry.blocked = denied;
        return !denied;
      }
      return !entry.blocked;
    });
    if (passes) out.push(d);
  }
  return out;
}

/** Every sequence of 1..n packets, each either way. */
function sequences(n: number): Dir[][] {
  let level: Dir[][] = [[]];
  const all: Dir[][] = [];
  for (let k = 0; k < n; k++) {
    level = level.flatMap((s) => [
      [...s, 'IR' as Dir],
      [...s, 'RI' as Dir],
    ]);
    all.push(...level);
  }
  return all;
}

test('after the cuts, no packet order lets a denied direction through, and a stream denied both ways stops', () => {
  const SEQS = sequences(4);
  const policies = fc.sample(policyArb(), { seed: 7, numRuns: 60 });
  const seen = { connections: 0, cutI: 0, cutR: 0, bothDenied: 0, reverseAllowed: 0 };
  const problems: string[] = [];
  for (const [i, snapshot] of policies.entries()) {
    for (const q of sampledQueries(snapshot, 100 + i, 30)) {
      if (q.port === undefined || !['tcp', 'udp', 'sctp'].includes(q.protocol)) continue;
      for (const sport of [40000, q.port, 53]) {
        const c: Conn = { src: q.src, dst: q.dst, sport, dport: q.port };
        if (explain(snapshot, { src: c.src, dst: c.dst, protocol: 'udp', port: c.dport }).verdict !== 'deny') continue;
        const reverseDenied =
          explain(snapshot, { src: c.dst, dst: c.src, protocol: 'udp', port: c.sport }).verdict === 'deny';
        const cut = cutZones(snapshot, c);
        seen.connections++;
        if (cut.has('I')) seen.cutI++;
        if (cut.has('R')) seen.cutR++;
        if (reverseDenied) seen.bothDenied++;
        else seen.reverseAllowed++;
        for (const seq of SEQS) {
          const got = delivered(snapshot, c, cut, seq);
          const bad = got.filter((d) => d === 'IR' || reverseDenied);
          if (bad.length > 0 && problems.length < 5)
            problems.push(
              `policy #${i} ${c.src}:${c.sport} → ${c.dst}:${c.dport}, cut ${[...cut].join('+') || 'none'}: after ${seq.join(' ')} passed ${bad.join(' ')}`,
            );
        }
      }
    }
  }
  console.log(`revocation model: ${JSON.stringify(seen)}, ${SEQS.length} packet orders each`);
  expect(problems).toEqual([]);
  // The sweep must reach both zones' cuts and both kinds of reverse, or it proves little.
  expect(Object.values(seen).every((n) => n > 0)).toBe(true);
});
