/**
 * Which conntrack entries to delete after a new policy generation is on the
 * bridge (Neutron-style revocation). The pipeline re-checks only
 * original-direction packets, so a connection whose initiator stays silent
 * (one-way UDP from the responder) would keep flowing; deleting its entry
 * makes the responder's next packet new (or invalid) and the pipeline drops it.
 * Pure: takes the parsed `dpctl/dump-conntrack` entries, returns flush targets.
 */
import type { PolicySnapshot } from '../model/snapshot';
import { ipVersion } from '../model/net';
import type { ConntrackEntry } from './conntrack';
import { explain, type ExplainQuery } from '../policy/explain';
import type { HostPorts } from './types';

/** One `ovs-appctl dpctl/flush-conntrack zone=<zone> '<tuple>'` call (original-direction tuple). */
export interface ConntrackCut {
  zone: number;
  tuple: string;
}

// No icmpv6: flushing an ICMPv6 tuple crashes ovs-vswitchd 3.1.0 (seen in the lab). An ICMPv6
// echo is re-checked at its next request anyway; only replies sent alone escape.
const PROTO: Record<string, { number: number; ports: boolean }> = {
  tcp: { number: 6, ports: true },
  udp: { number: 17, ports: true },
  icmp: { number: 1, ports: false },
};

/**
 * Entries in a zone of one of `hostName`'s entities (zone = its ofport) whose
 * original-direction tuple explain() now denies. Allow and would-deny keep;
 * other zones (DENY_ZONE, other bridges), protocols other than TCP, UDP and
 * ICMP (IPv4), already blocked or closed connections, and tuples explain()
 * cannot judge are left alone. Duplicates are merged.
 */
export function entriesToCut(
  snapshot: PolicySnapshot,
  hostName: string,
  ports: HostPorts,
  entries: ConntrackEntry[],
): ConntrackCut[] {
  const zones = new Set<number>();
  for (const e of snapshot.entities) {
    if (e.host === hostName && ports[e.port] !== undefined) zones.add(ports[e.port]);
  }
  const cuts = new Map<string, ConntrackCut>();
  for (const c of entries) {
    const proto = PROTO[c.protocol];
    if (!proto || !zones.has(c.zone)) continue;
    // Nothing to cut: already blocked (ct_mark verdict 3: its replies are dropped and its
    // next original packet re-checked), or a closed TCP connection (a new SYN starts afresh).
    if ((c.mark & 3) === 3 || (c.protocol === 'tcp' && (c.state === 'TIME_WAIT' || c.state === 'CLOSED'))) continue;
    const query: ExplainQuery = { src: c.src, dst: c.dst, protocol: c.protocol as ExplainQuery['protocol'] };
    if (proto.ports) {
      if (c.sport === null || c.dport === null) continue;
      query.port = c.dport;
    } else {
      if (c.icmp_type === null || c.icmp_id === undefined) continue;
      query.icmp_type = c.icmp_type;
      if (c.icmp_code !== null) query.icmp_code = c.icmp_code;
    }
    let verdict;
    try {
      verdict = explain(snapshot, query).verdict;
    } catch {
      continue; // an address explain() rejects: not ours to judge
    }
    if (verdict !== 'deny') continue;
    const v6 = ipVersion(c.src) === 6;
    let tuple = `${v6 ? 'ct_ipv6_src' : 'ct_nw_src'}=${c.src},${v6 ? 'ct_ipv6_dst' : 'ct_nw_dst'}=${c.dst},ct_nw_proto=${proto.number}`;
    // The full tuple: OVS 3.1's userspace conntrack deletes only an exact match (a partial one fails with ENOENT).
    tuple += proto.ports
      ? `,ct_tp_src=${c.sport},ct_tp_dst=${c.dport}`
      : `,icmp_type=${c.icmp_type},icmp_code=${c.icmp_code ?? 0},icmp_id=${c.icmp_id}`;
    cuts.set(`${c.zone}|${tuple}`, { zone: c.zone, tuple });
  }
  return [...cuts.values()];
}
