/**
 * The matching clauses of docs/semantics.md ("Matching"): selectors, peers
 * and services, each a small pure predicate; explain() composes them and the
 * compiler uses the same ones (so both read the model alike).
 */
import type { PeerT, SelectorT, ServiceT } from './schemas';
import type { PolicySnapshot, SnapshotEntity } from './snapshot';
import { cidrContains, parseCidr, type IpAddress } from './net';

/** One end of a connection: an entity (with the IP it uses, if any) or an external IP. */
export interface Endpoint { entity: SnapshotEntity | null; ip: IpAddress | null }

export interface Packet { protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6'; port?: number; icmp_type?: number; icmp_code?: number }


export function selectorMatches(selector: SelectorT, entity: SnapshotEntity | null): boolean {
  if (!entity) return false;
  return Object.entries(selector.categories).every(([key, values]) => {
    const value = entity.categories[key];
    return value !== undefined && values.includes(value);
  });
}

function inAnyCidr(cidrs: readonly string[], ip: IpAddress | null): boolean {
  if (!ip) return false;
  return cidrs.some((text) => {
    const cidr = parseCidr(text);
    return cidr !== null && cidrContains(cidr, ip);
  });
}

/** A peer is the union of its parts. */
export function peerMatches(snapshot: PolicySnapshot, peer: PeerT, end: Endpoint): boolean {
  if (peer.any) return true;
  if (peer.categories && selectorMatches({ categories: peer.categories }, end.entity)) return true;
  if (peer.cidrs && inAnyCidr(peer.cidrs, end.ip)) return true;
  for (const groupName of peer.address_groups ?? []) {
    const group = snapshot.address_groups.find((g) => g.name === groupName);
    if (group && inAnyCidr(group.cidrs, end.ip)) return true;
  }
  return false;
}

/** "443" or "8000-8080" → inclusive [low, high]. */
export function parsePortSpec(spec: string): [number, number] {
  const [low, high] = spec.split('-').map(Number);
  return [low, high ?? low];
}

/**
 * One service against a packet. A field the packet does not carry (port or
 * ICMP type absent from a query) only matches a service that does not
 * restrict it.
 */
export function serviceMatches(service: ServiceT, packet: Packet): boolean {
  if (service.protocol === 'any') return true;
  if (service.protocol !== packet.protocol) return false;
  if (packet.protocol === 'tcp' || packet.protocol === 'udp') {
    const ports = service.ports ?? [];
    if (ports.length === 0) return true;
    if (packet.port === undefined) return false;
    return ports.some((spec) => {
      const [low, high] = parsePortSpec(spec);
      return packet.port! >= low && packet.port! <= high;
    });
  }
  if (service.icmp_type === undefined) return true;
  if (packet.icmp_type !== service.icmp_type) return false;
  return service.icmp_code === undefined || packet.icmp_code === service.icmp_code;
}

/** An entry's services: none at all allows everything; else one listed (directly or by group) must match. */
export function entryServicesMatch(
  snapshot: PolicySnapshot,
  entry: { services: ServiceT[]; service_groups: string[] },
  packet: Packet,
): boolean {
  if (entry.services.length === 0 && entry.service_groups.length === 0) return true;
  if (entry.services.some((s) => serviceMatches(s, packet))) return true;
  return entry.service_groups.some((name) => {
    const group = snapshot.service_groups.find((g) => g.name === name);
    return group !== undefined && group.services.some((s) => serviceMatches(s, packet));
  });
}
