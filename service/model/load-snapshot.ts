/**
 * Builds the normalized PolicySnapshot (snapshot.ts) from the stored model:
 * every optional list filled with its default, descriptions dropped, every
 * list of objects sorted by name so equal models give equal snapshots.
 * Rules carry the id the store assigned them. `withObjects` applies
 * changes copy-on-write: only the changed object is new, every other object
 * keeps its identity (what the span and incremental compilers rely on). Pure.
 */
import { byName } from './verdicts';
import type { PolicySnapshot, RuleModelKind, SnapshotInbound, SnapshotOutbound } from './snapshot';
import type { InboundEntryT, Kind, OutboundEntryT } from './schemas';
import { DEFAULT_QUARANTINE_TARGET } from './schemas';
import type { AnyBody, Bodies, ModelIndex } from './validate';

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

/** The snapshot list that holds the objects of each kind. */
export type SnapshotList = Exclude<keyof PolicySnapshot, 'generation'>;
export const LIST_OF: Record<Kind, SnapshotList> = {
  category: 'categories',
  address_group: 'address_groups',
  service_group: 'service_groups',
  host: 'hosts',
  entity: 'entities',
  application_rule: 'application_rules',
  isolation_rule: 'isolation_rules',
  quarantine_rule: 'quarantine_rules',
  shared_service_rule: 'shared_service_rules',
};
export const SNAPSHOT_LISTS = Object.values(LIST_OF);

type Item = PolicySnapshot[SnapshotList][number];

/** One stored body as the snapshot holds it. */
export function normalize(kind: Kind, body: AnyBody, ruleIdOf: RuleIdOf): Item {
  switch (kind) {
    case 'category': {
      const c = body as Bodies['category'];
      return { name: c.name, values: c.values };
    }
    case 'address_group': {
      const g = body as Bodies['address_group'];
      return { name: g.name, cidrs: g.cidrs, except: g.except ?? [] };
    }
    case 'service_group': {
      const g = body as Bodies['service_group'];
      return { name: g.name, services: g.services };
    }
    case 'host': {
      const h = body as Bodies['host'];
      return {
        name: h.name,
        bridge: h.bridge ?? 'br.microseg',
        ...(h.ovs_rundir ? { ovs_rundir: h.ovs_rundir } : {}),
        uplinks: h.uplinks ?? [],
      };
    }
    case 'entity': {
      const e = body as Bodies['entity'];
      return {
        name: e.name,
        host: e.host,
        port: e.port,
        ...(e.mac ? { mac: e.mac } : {}),
        ips: e.ips,
        categories: e.categories ?? {},
      };
    }
    case 'application_rule': {
      const r = body as Bodies['application_rule'];
      return {
        name: r.name,
        id: ruleIdOf(kind, r.name),
        mode: r.mode,
        target: r.target,
        inbound: (r.inbound ?? []).map(inbound),
        outbound_policy: r.outbound_policy ?? 'allow_all',
        outbound: (r.outbound ?? []).map(outbound),
        intra_group: r.intra_group ?? 'deny',
        log: r.log ?? false,
      };
    }
    case 'isolation_rule': {
      const r = body as Bodies['isolation_rule'];
      return { name: r.name, id: ruleIdOf(kind, r.name), mode: r.mode, groups: r.groups, log: r.log ?? false };
    }
    case 'quarantine_rule': {
      const r = body as Bodies['quarantine_rule'];
      return {
        name: r.name,
        id: ruleIdOf(kind, r.name),
        mode: r.mode,
        target: r.target ?? DEFAULT_QUARANTINE_TARGET,
        inbound: (r.inbound ?? []).map(inbound),
        outbound: (r.outbound ?? []).map(outbound),
        log: r.log ?? false,
      };
    }
    case 'shared_service_rule': {
      const r = body as Bodies['shared_service_rule'];
      return {
        name: r.name,
        id: ruleIdOf(kind, r.name),
        mode: r.mode,
        providers: r.providers,
        consumers: r.consumers,
        services: r.services ?? [],
        service_groups: r.service_groups ?? [],
        log: r.log ?? false,
      };
    }
  }
}

export function buildSnapshot(generation: number, model: ModelIndex, ruleIdOf: RuleIdOf): PolicySnapshot {
  const snapshot = { generation } as PolicySnapshot;
  for (const [kind, list] of Object.entries(LIST_OF) as [Kind, SnapshotList][]) {
    const bodies = [...(model[kind] as Map<string, AnyBody>).values()].sort(byName);
    (snapshot as unknown as Record<string, Item[]>)[list] = bodies.map((b) => normalize(kind, b, ruleIdOf));
  }
  return snapshot;
}

/** Where `name` is, or would be inserted, in a list sorted by name. */
function position(list: readonly { name: string }[], name: string): { at: number; found: boolean } {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].name < name) lo = mid + 1;
    else hi = mid;
  }
  return { at: lo, found: lo < list.length && list[lo].name === name };
}

/**
 * `snapshot` with the object `removed` (a name) taken out of `list` and `added` put in, copy-on-write:
 * a new list array, every other object the same. Either may be null (a create, a delete).
 */
export function withObject<L extends SnapshotList>(
  snapshot: PolicySnapshot,
  list: L,
  removed: string | null,
  added: PolicySnapshot[L][number] | null,
): PolicySnapshot {
  return withObjects(snapshot, [{ list, before: removed === null ? null : { name: removed }, after: added }]);
}

/**
 * `snapshot` with `changes` made in order (each takes out `before`'s name, puts in `after`), copy-on-write:
 * each list they touch copied once, by merging its sorted objects with the sorted ones put in.
 */
export function withObjects(
  snapshot: PolicySnapshot,
  changes: readonly { list: SnapshotList; before: { name: string } | null; after: Item | null }[],
): PolicySnapshot {
  // Per list, the final word on each name the changes mention: its object, or null (gone).
  const byList = new Map<SnapshotList, Map<string, Item | null>>();
  for (const c of changes) {
    let last = byList.get(c.list);
    if (!last) byList.set(c.list, (last = new Map()));
    if (c.before) last.set(c.before.name, null);
    if (c.after) last.set(c.after.name, c.after);
  }
  const out = { ...snapshot } as unknown as Record<SnapshotList, Item[]>;
  for (const [list, last] of byList) {
    if (last.size === 1) {
      // One name: a copy and a splice where it sorts (no pass comparing every object).
      const [[name, o]] = last;
      const items = out[list].slice();
      const p = position(items, name);
      items.splice(p.at, p.found ? 1 : 0, ...(o ? [o] : []));
      out[list] = items;
      continue;
    }
    const added = [...last.values()].filter((o): o is Item => o !== null).sort(byName);
    const items: Item[] = [];
    let i = 0;
    for (const o of out[list]) {
      if (last.has(o.name)) continue;
      while (i < added.length && added[i].name < o.name) items.push(added[i++]);
      items.push(o);
    }
    while (i < added.length) items.push(added[i++]);
    out[list] = items;
  }
  return out as unknown as PolicySnapshot;
}
