/**
 * A complete, normalized copy of the model at one policy generation: every
 * optional list filled with its default. The reference evaluator (`explain`)
 * and the compiler take this and nothing else, so both are pure functions.
 */
import type { ModeT, SelectorT, ServiceT, PeerT } from './schemas';

export interface SnapshotCategory { name: string; values: string[] }
export interface SnapshotAddressGroup { name: string; cidrs: string[] }
export interface SnapshotServiceGroup { name: string; services: ServiceT[] }
export interface SnapshotHost { name: string; bridge: string; ovs_rundir?: string; uplinks: string[] }
export interface SnapshotEntity {
  name: string;
  host: string;
  port: string;
  mac?: string;
  ips: string[];
  categories: Record<string, string>;
}
export interface SnapshotInbound { from: PeerT; to?: SelectorT; services: ServiceT[]; service_groups: string[] }
export interface SnapshotOutbound { from?: SelectorT; to: PeerT; services: ServiceT[]; service_groups: string[] }
/** The rule kinds; each rule carries the `id` the store assigned it (cookies and ct_label name rules by it). */
export const RULE_KINDS = ['quarantine_rule', 'isolation_rule', 'application_rule'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface SnapshotApplicationRule {
  name: string;
  id: number;
  mode: ModeT;
  target: SelectorT;
  inbound: SnapshotInbound[];
  outbound_policy: 'allow_all' | 'allow_listed';
  outbound: SnapshotOutbound[];
}
export interface SnapshotIsolationRule { name: string; id: number; mode: ModeT; first: SelectorT; second: SelectorT }
export interface SnapshotQuarantineRule {
  name: string;
  id: number;
  mode: ModeT;
  target: SelectorT;
  inbound: SnapshotInbound[];
  outbound: SnapshotOutbound[];
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
}
