/**
 * The matching clauses of docs/semantics.md ("Matching"): selectors, peers
 * and services, each a small pure predicate; explain() composes them and the
 * compiler uses the same ones (so both read the model alike).
 */
import type { PeerT, SelectorT, ServiceT } from './schemas';
import type { PolicySnapshot, SnapshotEntity } from './snapshot';
import { canonicalProtocol, hasPorts } from './protocols';
import { blockContains, parseBlock, type IpAddress } from './net';

/** One end of a connection: an entity (with the IP it uses, if any) or an external IP. */
export interface Endpoint {
  entity: SnapshotEntity | null;
  ip: IpAddress | null;
}

/** `protocol`: its canonical spelling (model/protocols.ts `canonicalProtocol`): tcp, udp, sctp, icmp, icmpv6, another name, or a number without one. */
export interface Packet {
  protocol: string;
  port?: number;
  icmp_type?: number;
  icmp_code?: number;
}

export function selectorMatches(selector: SelectorT, entity: SnapshotEntity | null): boolean {
  if (!entity) return false;
  // A plain loop: the compiler asks this for every local entity of every rule.
  for (const key in selector.categories) {
    const value = entity.categories[key];
    if (value === undefined || !selector.categories[key].includes(value)) return false;
  }
  return true;
}

/** The IP lies in one of the CIDRs or ranges. */
function inAnyBlock(blocks: readonly string[], ip: IpAddress | null): boolean {
  if (!ip) return false;
  return blocks.some((text) => {
    const block = parseBlock(text);
    return block !== null && blockContains(block, ip);
  });
}

/** A peer is the union of its parts, minus its `except` CIDRs; an address group is its blocks minus its own `except`. */
export function peerMatches(snapshot: PolicySnapshot, peer: PeerT, end: Endpoint): boolean {
  if (peer.except && inAnyBlock(peer.except, end.ip)) return false;
  if (peer.any) return true;
  if (peer.categories && selectorMatches({ categories: peer.categories }, end.entity)) return true;
  if (peer.cidrs && inAnyBlock(peer.cidrs, end.ip)) return true;
  for (const groupName of peer.address_groups ?? []) {
    const group = snapshot.address_groups.find((g) => g.name === groupName);
    if (group && inAnyBlock(group.cidrs, end.ip) && !inAnyBlock(group.except, end.ip)) return true;
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
  if (canonicalProtocol(service.protocol) !== packet.protocol) return false; // a service may say `47` for gre
  if (hasPorts(packet.protocol)) {
    const ports = service.ports ?? [];
    if (ports.length === 0) return true;
    if (packet.port === undefined) return false;
    return ports.some((spec) => {
      const [low, high] = parsePortSpec(spec);
      return packet.port! >= low && packet.port! <= high;
    });
  }
  if (service.icmp_type === undefined) return true; // icmp/icmpv6 by type, or another protocol (no fields)
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
