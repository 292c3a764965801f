/**
 * Which conntrack entries to delete after a new policy generation is on the
 * bridge (Neutron-style revocation). The pipeline re-checks only
 * original-direction packets, so a connection whose initiator stays silent
 * (one-way UDP from the responder) would keep flowing; deleting its entry
 * makes the responder's next packet new, judged as a connection of its own.
 *
 * A deleted entry is made again by whichever packet comes next, in *its*
 * direction, and judged only by this zone's side of the path. So an entry is
 * deleted only where no packet can make it again backwards (responder →
 * initiator): every entry of the connection, kept or made again, then keeps
 * its direction, the initiator's packets stay re-checked on both halves of
 * the path, and the responder's find no entry here and are dropped.
 * - UDP: when its original direction is denied and this zone's own side
 *   denies the reverse as a new connection (the responder → the initiator's
 *   port: the initiator's ingress in the initiator's zone, the responder's
 *   egress in the responder's). Whenever both directions are denied, one of
 *   the two zones qualifies, so a stream its responder alone keeps alive is
 *   cut; when the reverse is allowed, the responder may send it anyway.
 *   (Deleting where this side allows the reverse let the responder's next
 *   datagram make the entry again backwards, after which the initiator's
 *   datagrams were replies there, never re-checked.)
 * - ICMP: in every zone (a reply cannot open a connection).
 * - TCP: never. Open vSwitch picks TCP up mid-stream from any segment, so
 *   the responder's next segment would make the entry again backwards; its
 *   initiator always sends (it acknowledges what it receives), so the
 *   re-check drops the connection at its next segment.
 * Pure: takes the parsed `dpctl/dump-conntrack` entries, returns flush targets.
 */
import type { PolicySnapshot, SnapshotEntity } from '../model/snapshot';
import { ipVersion } from '../model/net';
import type { ConntrackEntry } from './conntrack';
import { explain, explainSides, resolveEndpoint, type ExplainQuery } from '../policy/explain';
import type { HostPorts } from './types';

/** One `ovs-appctl dpctl/flush-conntrack zone=<zone> '<tuple>'` call (original-direction tuple). */
export interface ConntrackCut {
  zone: number;
  tuple: string;
}

// No icmpv6: flushing an ICMPv6 tuple crashes ovs-vswitchd 3.1.0 (seen in the lab). An ICMPv6
// echo is re-checked at its next request anyway; only replies sent alone escape.
const PROTO: Record<string, { number: number; ports: boolean }> = {
  udp: { number: 17, ports: true },
  icmp: { number: 1, ports: false },
};

/** explain()'s verdict, or null for an address it cannot judge. */
function verdictOf(snapshot: PolicySnapshot, query: ExplainQuery): string | null {
  try {
    return explain(snapshot, query).verdict;
  } catch {
    return null;
  }
}

/** explainSides(), or null for an address it cannot judge. */
function sidesOf(snapshot: PolicySnapshot, query: ExplainQuery): ReturnType<typeof explainSides> | null {
  try {
    return explainSides(snapshot, query);
  } catch {
    return null;
  }
}

/** Whether `ip` is one of `entity`'s addresses as explain() reads them. */
function owns(snapshot: PolicySnapshot, entity: SnapshotEntity, ip: string): boolean {
  try {
    return resolveEndpoint(snapshot, ip, 'src').entity?.name === entity.name;
  } catch {
    return false;
  }
}

/**
 * Entries in a zone of one of `hostName`'s entities (zone = its ofport) whose
 * original-direction tuple explain() now denies, where deleting them cannot
 * reopen the connection backwards (above). Allow and would-deny keep; other
 * zones (DENY_ZONE, other bridges), protocols other than UDP and ICMP (IPv4),
 * already blocked connections, and tuples explain() cannot judge are left
 * alone. Duplicates are merged.
 */
export function entriesToCut(
  snapshot: PolicySnapshot,
  hostName: string,
  ports: HostPorts,
  entries: ConntrackEntry[],
): ConntrackCut[] {
  const zones = new Map<number, SnapshotEntity>();
  for (const e of snapshot.entities) {
    if (e.host === hostName && ports[e.port] !== undefined) zones.set(ports[e.port], e);
  }
  const cuts = new Map<string, ConntrackCut>();
  for (const c of entries) {
    const proto = PROTO[c.protocol];
    const here = zones.get(c.zone);
    if (!proto || !here) continue;
    // Nothing to cut: already blocked (ct_mark verdict 3: its replies are dropped and its next original packet re-checked).
    if ((c.mark & 3) === 3) continue;
    const query: ExplainQuery = { src: c.src, dst: c.dst, protocol: c.protocol as ExplainQuery['protocol'] };
    if (proto.ports) {
      if (c.sport === null || c.dport === null) continue;
      query.port = c.dport;
    } else {
      if (c.icmp_type === null || c.icmp_id === undefined) continue;
      query.icmp_type = c.icmp_type;
      if (c.icmp_code !== null) query.icmp_code = c.icmp_code;
    }
    if (verdictOf(snapshot, query) !== 'deny') continue;
    if (proto.ports) {
      // The responder's packet, once the entry is gone, is a new connection to the initiator's port, judged here by
      // this zone's side alone: the initiator's ingress in its zone, the responder's egress in the responder's.
      const reverse = sidesOf(snapshot, { src: c.dst, dst: c.src, protocol: c.protocol, port: c.sport! });
      const side = owns(snapshot, here, c.src) ? 'ingress' : owns(snapshot, here, c.dst) ? 'egress' : null;
      if (side === null || reverse?.[side] !== 'deny') continue;
    }
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
