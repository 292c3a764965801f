/**
 * A host's view as a stream: the service answers an agent either with the
 * whole view or with what changed since the generation the agent holds
 * (objects upserted and removed, by list and name), and the agent applies
 * that to its copy. Both ends are copy-on-write: an object that did not
 * change keeps its identity. Pure.
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

/** What changed from `a` to `b`, by identity (unchanged objects are the same object on both sides). */
export function diffViews(a: PolicySnapshot, b: PolicySnapshot): ViewDelta {
  const delta: ViewDelta = { since: a.generation, generation: b.generation, upsert: {}, remove: {} };
  for (const list of SNAPSHOT_LISTS) {
    const was = new Map((a[list] as Item[]).map((o) => [o.name, o]));
    const upsert = (b[list] as Item[]).filter((o) => was.get(o.name) !== o);
    const now = new Set((b[list] as Item[]).map((o) => o.name));
    const remove = [...was.keys()].filter((n) => !now.has(n));
    if (upsert.length) delta.upsert[list] = upsert;
    if (remove.length) delta.remove[list] = remove;
  }
  return delta;
}

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
    const items = new Map((view[list] as Item[]).map((o) => [o.name, o]));
    for (const n of remove) items.delete(n);
    for (const o of upsert) items.set(o.name, o);
    (next as Record<SnapshotList, Item[]>)[list] = [...items.values()].sort(byName);
  }
  return next;
}

/** The view after an answer: the full one, or `current` with the delta applied. */
export function followView(current: PolicySnapshot | null, answer: ViewAnswer): PolicySnapshot {
  if (answer.full) return answer.view;
  if (!current) throw new Error('a delta came for a view this agent does not hold');
  return applyDelta(current, answer);
}
