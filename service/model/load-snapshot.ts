/**
 * Builds the normalized PolicySnapshot (snapshot.ts) from the stored model:
 * every optional list filled with its default, descriptions dropped, every
 * list of objects sorted by name so equal models give equal snapshots.
 * Rules carry the id the store assigned them. Pure.
 */
import { byName } from './verdicts';
import type { PolicySnapshot, RuleModelKind, SnapshotInbound, SnapshotOutbound } from './snapshot';
import type { InboundEntryT, OutboundEntryT } from './schemas';
import { DEFAULT_QUARANTINE_TARGET } from './schemas';
import type { ModelIndex } from './validate';

const sorted = <T extends { name: string }>(m: Map<string, T>): T[] => [...m.values()].sort(byName);

function inbound(e: InboundEntryT): SnapshotInbound {
  return {
    from: e.from,
    ...(e.to ? { to: e.to } : {}),
    services: e.services ?? [],
    service_groups: e.service_groups ?? [],
  };
}
function outbound(e: OutboundEntryT): SnapshotOutbound {
  return {
    ...(e.from ? { from: e.from } : {}),
    to: e.to,
    services: e.services ?? [],
    service_groups: e.service_groups ?? [],
  };
}

/** The store-assigned id of a rule. */
export type RuleIdOf = (kind: RuleModelKind, name: string) => number;

export function buildSnapshot(generation: number, model: ModelIndex, ruleIdOf: RuleIdOf): PolicySnapshot {
  return {
    generation,
    categories: sorted(model.category).map((c) => ({ name: c.name, values: c.values })),
    address_groups: sorted(model.address_group).map((g) => ({ name: g.name, cidrs: g.cidrs, except: g.except ?? [] })),
    service_groups: sorted(model.service_group).map((g) => ({ name: g.name, services: g.services })),
    hosts: sorted(model.host).map((h) => ({
      name: h.name,
      bridge: h.bridge ?? 'br.microseg',
      ...(h.ovs_rundir ? { ovs_rundir: h.ovs_rundir } : {}),
      uplinks: h.uplinks ?? [],
    })),
    entities: sorted(model.entity).map((e) => ({
      name: e.name,
      host: e.host,
      port: e.port,
      ...(e.mac ? { mac: e.mac } : {}),
      ips: e.ips,
      categories: e.categories ?? {},
    })),
    application_rules: sorted(model.application_rule).map((r) => ({
      name: r.name,
      id: ruleIdOf('application_rule', r.name),
      mode: r.mode,
      target: r.target,
      inbound: (r.inbound ?? []).map(inbound),
      outbound_policy: r.outbound_policy ?? 'allow_all',
      outbound: (r.outbound ?? []).map(outbound),
      intra_group: r.intra_group ?? 'deny',
      log: r.log ?? false,
    })),
    isolation_rules: sorted(model.isolation_rule).map((r) => ({
      name: r.name,
      id: ruleIdOf('isolation_rule', r.name),
      mode: r.mode,
      groups: r.groups,
      log: r.log ?? false,
    })),
    quarantine_rules: sorted(model.quarantine_rule).map((r) => ({
      name: r.name,
      id: ruleIdOf('quarantine_rule', r.name),
      mode: r.mode,
      target: r.target ?? DEFAULT_QUARANTINE_TARGET,
      inbound: (r.inbound ?? []).map(inbound),
      outbound: (r.outbound ?? []).map(outbound),
      log: r.log ?? false,
    })),
    shared_service_rules: sorted(model.shared_service_rule).map((r) => ({
      name: r.name,
      id: ruleIdOf('shared_service_rule', r.name),
      mode: r.mode,
      providers: r.providers,
      consumers: r.consumers,
      services: r.services ?? [],
      service_groups: r.service_groups ?? [],
      log: r.log ?? false,
    })),
  };
}
