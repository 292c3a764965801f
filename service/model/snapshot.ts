/**
 * A complete, normalized copy of the model at one policy generation: every
 * optional list filled with its default. The reference evaluator (`explain`)
 * and the compiler take this and nothing else, so both are pure functions.
 */
import type { RuleKind } from './verdicts';
import type { ModeT, SelectorT, ServiceT, PeerT } from './schemas';

export interface SnapshotCategory {
  name: string;
  values: string[];
}
export interface SnapshotAddressGroup {
  name: string;
  cidrs: string[];
  except: string[];
}
export interface SnapshotServiceGroup {
  name: string;
  services: ServiceT[];
}
export interface SnapshotHost {
  name: string;
  bridge: string;
  ovs_rundir?: string;
  uplinks: string[];
}
export interface SnapshotEntity {
  name: string;
  host: string;
  port: string;
  mac?: string;
  ips: string[];
  categories: Record<string, string>;
}
export interface SnapshotInbound {
  from: PeerT;
  to?: SelectorT;
  services: ServiceT[];
  service_groups: string[];
}
export interface SnapshotOutbound {
  from?: SelectorT;
  to: PeerT;
  services: ServiceT[];
  service_groups: string[];
}
/** A rule kind as the model names its objects (`application_rule`…): the kind of model/verdicts.ts plus `_rule`. */
export type RuleModelKind = `${RuleKind}_rule`;
/** Every rule model kind, in the store's order; each rule carries the `id` the store assigned it (cookies and ct_label name rules by it). */
export const RULE_MODEL_KINDS: readonly RuleModelKind[] = [
  'quarantine_rule',
  'isolation_rule',
  'application_rule',
  'shared_service_rule',
];

export interface SnapshotApplicationRule {
  name: string;
  id: number;
  mode: ModeT;
  target: SelectorT;
  inbound: SnapshotInbound[];
  outbound_policy: 'allow_all' | 'allow_listed';
  outbound: SnapshotOutbound[];
  intra_group: 'deny' | 'allow';
  log: boolean;
}
export interface SnapshotIsolationRule {
  name: string;
  id: number;
  mode: ModeT;
  groups: SelectorT[];
  log: boolean;
}
export interface SnapshotQuarantineRule {
  name: string;
  id: number;
  mode: ModeT;
  target: SelectorT;
  inbound: SnapshotInbound[];
  outbound: SnapshotOutbound[];
  log: boolean;
}
export interface SnapshotSharedServiceRule {
  name: string;
  id: number;
  mode: 'apply' | 'off';
  providers: SelectorT;
  consumers: PeerT;
  services: ServiceT[];
  service_groups: string[];
  log: boolean;
}

export interface PolicySnapshot {
  generation: number;
  categories: SnapshotCategory[];
  address_groups: SnapshotAddressGroup[];
  service_groups: SnapshotServiceGroup[];
  hosts: SnapshotHost[];
  entities: SnapshotEntity[];
  application_rules: SnapshotApplicationRule[];
  isolation_rules: SnapshotIsolationRule[];
  quarantine_rules: SnapshotQuarantineRule[];
  shared_service_rules: SnapshotSharedServiceRule[];
}

/** The rules in force: drafts (mode `off`) are stored but take no part in any decision. */
export function inForce(snapshot: PolicySnapshot): PolicySnapshot {
  const live = <R extends { mode: string }>(rules: R[]) => rules.filter((r) => r.mode !== 'off');
  return {
    ...snapshot,
    application_rules: live(snapshot.application_rules),
    isolation_rules: live(snapshot.isolation_rules),
    quarantine_rules: live(snapshot.quarantine_rules),
    shared_service_rules: live(snapshot.shared_service_rules),
  };
}
