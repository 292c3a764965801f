/**
 * What every host of one snapshot shares, built once: the rules in force and
 * indexes over the inventory (entities by category value, selector members
 * memoized, address and service groups by name), so a host's compile costs
 * what its rules name, not rules × entities. Pure; the memo tables fill
 * lazily and never change an answer, so one context may serve any number of
 * hosts (and the incremental compiler keeps one per snapshot).
 */
import type { SelectorT } from '../model/schemas';
import {
  inForce,
  type PolicySnapshot,
  type SnapshotAddressGroup,
  type SnapshotEntity,
  type SnapshotHost,
  type SnapshotServiceGroup,
} from '../model/snapshot';
import { selectorMatches } from '../model/match';
import { addressSet } from './address-sets';
import { addressMatches, type AddressFields } from './exclusion-sets';
import { flowBlock, type FlowBlock } from './flow-set';
import { PeerLabels } from './peer-labels';

export class CompileContext {
  /** The snapshot it was built from (compileHost rebuilds when given another one). */
  readonly source: PolicySnapshot;
  /** The rules in force only: drafts (mode off) are never compiled. */
  readonly snapshot: PolicySnapshot;
  private readonly byCategory = new Map<string, Map<string, SnapshotEntity[]>>();
  private readonly members = new Map<string, SnapshotEntity[]>();
  private readonly matches = new Map<string, string[]>();
  private readonly memos = new Map<string, unknown>();
  private readonly addressGroups: Map<string, SnapshotAddressGroup>;
  private readonly serviceGroups: Map<string, SnapshotServiceGroup>;
  private readonly hosts: Map<string, SnapshotHost>;
  private readonly byHost = new Map<string, SnapshotEntity[]>();

  constructor(source: PolicySnapshot) {
    this.source = source;
    this.snapshot = inForce(source);
    for (const e of source.entities) {
      const onHost = this.byHost.get(e.host);
      if (onHost) onHost.push(e);
      else this.byHost.set(e.host, [e]);
      for (const [key, value] of Object.entries(e.categories)) {
        let values = this.byCategory.get(key);
        if (!values) this.byCategory.set(key, (values = new Map()));
        const list = values.get(value);
        if (list) list.push(e);
        else values.set(value, [e]);
      }
    }
    this.addressGroups = new Map(source.address_groups.map((g) => [g.name, g]));
    this.serviceGroups = new Map(source.service_groups.map((g) => [g.name, g]));
    this.hosts = new Map(source.hosts.map((h) => [h.name, h]));
  }

  host(name: string): SnapshotHost | undefined {
    return this.hosts.get(name);
  }

  /** The entities placed on the host, in snapshot order. */
  entitiesOn(host: string): readonly SnapshotEntity[] {
    return this.byHost.get(host) ?? [];
  }

  addressGroup(name: string): SnapshotAddressGroup | undefined {
    return this.addressGroups.get(name);
  }

  serviceGroup(name: string): SnapshotServiceGroup | undefined {
    return this.serviceGroups.get(name);
  }

  /** The entities the selector matches (in no particular order): candidates from its narrowest key, then checked. */
  selectorMembers(selector: SelectorT): SnapshotEntity[] {
    const key = JSON.stringify(selector.categories);
    let out = this.members.get(key);
    if (out) return out;
    const keys = Object.keys(selector.categories);
    if (keys.length === 0) out = this.source.entities;
    else {
      // The key whose listed values hold the fewest entities yields the candidates.
      let best: SnapshotEntity[][] = [];
      let size = Infinity;
      for (const k of keys) {
        const values = this.byCategory.get(k);
        const lists = (selector.categories[k] ?? []).map((v) => values?.get(v) ?? []);
        const n = lists.reduce((sum, l) => sum + l.length, 0);
        if (n < size) [best, size] = [lists, n];
      }
      out = best.flat().filter((e) => selectorMatches(selector, e)); // one key's values are disjoint: no duplicates
    }
    this.members.set(key, out);
    return out;
  }

  /** The label encoding of the categories the rules in force name their peers by (peer-labels.ts). */
  get labels(): PeerLabels {
    return this.memo('labels', () => {
      const { application_rules, quarantine_rules, isolation_rules } = this.snapshot;
      const selectors: SelectorT[] = isolation_rules.flatMap((r) => r.groups);
      for (const r of application_rules) if (r.intra_group === 'allow') selectors.push(r.target);
      for (const r of [...application_rules, ...quarantine_rules]) {
        for (const e of r.inbound) if (e.from.categories) selectors.push({ categories: e.from.categories });
        for (const e of r.outbound) if (e.to.categories) selectors.push({ categories: e.to.categories });
      }
      return new PeerLabels(selectors);
    });
  }

  /** A side's PEER table: every entity's addresses on `fields`, shared by the hosts of this snapshot. */
  peerLookup(table: number, fields: AddressFields): FlowBlock {
    return this.memo(`lookup|${table}`, () => flowBlock(this.labels.lookupFlows(table, fields, this.source.entities)));
  }

  /** Entity → the rules of `sorted` (one layer's, in their order) whose target selects it. */
  targetsOf<R extends { target: SelectorT }>(layer: string, sorted: readonly R[]): Map<SnapshotEntity, R[]> {
    return this.memo(`targets|${layer}`, () => {
      const out = new Map<SnapshotEntity, R[]>();
      for (const rule of sorted) {
        for (const e of this.selectorMembers(rule.target)) {
          const list = out.get(e);
          if (list) list.push(rule);
          else out.set(e, [rule]);
        }
      }
      return out;
    });
  }

  /** `compute()` once per key for this snapshot: only for answers that depend on the snapshot alone. */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** The IPs of the selector's members. */
  ipsOf(selector: SelectorT): string[] {
    return this.selectorMembers(selector).flatMap((e) => e.ips);
  }

  /** The addresses of the union of the selectors' members as matches on `fields`, memoized. */
  memberMatches(fields: AddressFields, selectors: SelectorT[]): string[] {
    const key = `${fields.v4}|${JSON.stringify(selectors.map((s) => s.categories))}`;
    let out = this.matches.get(key);
    if (!out) {
      const ips = new Set(selectors.flatMap((s) => this.ipsOf(s)));
      out = addressMatches(fields, addressSet(ips));
      this.matches.set(key, out);
    }
    return out;
  }
}

/** The context for `snapshot`: `given` if it was built from it, else a new one. */
export function contextFor(snapshot: PolicySnapshot, given?: CompileContext): CompileContext {
  return given && given.source === snapshot ? given : new CompileContext(snapshot);
}
