/**
 * The policy as one host's agent needs it, for a token bound to that host:
 * every rule, group, category and entity (peers are matched by entities' IPs
 * and categories), but of the hosts only its own, and of other hosts'
 * entities no MAC (only the host's own VMs are checked against theirs). The
 * host compiles exactly the flows it would from the whole snapshot. Pure.
 */
import type { PolicySnapshot } from './snapshot';

export function snapshotForHost(snapshot: PolicySnapshot, host: string): PolicySnapshot {
  return {
    ...snapshot,
    hosts: snapshot.hosts.filter((h) => h.name === host),
    entities: snapshot.entities.map((e) => {
      if (e.host === host || e.mac === undefined) return e;
      const { mac: _mac, ...rest } = e;
      return rest;
    }),
  };
}
