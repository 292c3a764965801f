/**
 * A host's view as a stream: the service answers an agent either with the
 * whole view or with what changed since the generation the agent holds
 * (objects upserted and removed, by list and name), and the agent applies
 * that to its copy. The deltas are the span's patches (span.ts), composed
 * when an agent is several behind. Both ends are copy-on-write: an object
 * that did not change keeps its identity. Pure.
 */
import { byName } from './verdicts';
import type { PolicySnapshot } from './snapshot';
import { SNAPSHOT_LISTS, type SnapshotList } from './load-snapshot';

type Item = PolicySnapshot[SnapshotList][number];

export interface ViewDelta {
  /** The generation the delta starts from (the agent's resume point). */
  since: number;
  /** The generation it leads to (the next resume point). */
  generation: number;
  upsert: Partial<Record<SnapshotList, Item[]>>;
  remove: Partial<Record<SnapshotList, string[]>>;
}

/** What GET /v1/agents/hosts/:name/view answers. */
export type ViewAnswer = { full: true; view: PolicySnapshot } | ({ full: false } & ViewDelta);

/** `first` then `second` as one delta (`second.since` must be `first.generation`). */
export function composeDeltas(first: ViewDelta, second: ViewDelta): ViewDelta {
  const out: ViewDelta = { since: first.since, generation: second.generation, upsert: {}, remove: {} };
  for (const list of SNAPSHOT_LISTS) {
    const upsert = new Map((first.upsert[list] ?? []).map((o) => [o.name, o]));
    const remove = new Set(first.remove[list] ?? []);
    for (const n of second.remove[list] ?? []) {
      upsert.delete(n);
      remove.add(n);
    }
    for (const o of second.upsert[list] ?? []) {
      remove.delete(o.name);
      upsert.set(o.name, o);
    }
    if (upsert.size) out.upsert[list] = [...upsert.values()];
    if (remove.size) out.remove[list] = [...remove];
  }
  return out;
}

/** `view` with `delta` applied; throws when the delta does not start at the view's generation. */
export function applyDelta(view: PolicySnapshot, delta: ViewDelta): PolicySnapshot {
  if (delta.since !== view.generation)
    throw new Error(`a delta from generation ${delta.since} cannot apply to a view at ${view.generation}`);
  const next = { ...view, generation: delta.generation };
  for (const list of SNAPSHOT_LISTS) {
    const upsert = delta.upsert[list] ?? [];
    const remove = delta.remove[list] ?? [];
    if (upsert.length === 0 && remove.length === 0) continue;
    (next as Record<SnapshotList, Item[]>)[list] = merged(view[list] as Item[], upsert, new Set(remove));
  }
  return next;
}

/**
 * `items` (sorted by name) with `gone` taken out and `upsert` put in, sorted: one pass over the list, so a
 * small delta to a big view costs a copy, not a sort.
 */
function merged(items: readonly Item[], upsert: readonly Item[], gone: ReadonlySet<string>): Item[] {
  const incoming = [...new Map(upsert.map((o) => [o.name, o])).values()].sort(byName);
  const out: Item[] = [];
  let j = 0;
  for (const o of items) {
    while (j < incoming.length && incoming[j].name < o.name) out.push(incoming[j++]);
    if (j < incoming.length && incoming[j].name === o.name) out.push(incoming[j++]);
    else if (!gone.has(o.name)) out.push(o);
  }
  while (j < incoming.length) out.push(incoming[j++]);
  return out;
}

/** The view after an answer: the full one, or `current` with the delta applied. */
export function followView(current: PolicySnapshot | null, answer: ViewAnswer): PolicySnapshot {
  if (answer.full) return answer.view;
  if (!current) throw new Error('a delta came for a view this agent does not hold');
  return applyDelta(current, answer);
}
