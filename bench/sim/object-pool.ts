/**
 * One copy of each policy object for the simulated hosts of a process: every
 * host parses its own view (3.9 MB at 20k entities, almost all of it the same
 * entities and rules as its neighbours'), and the pool swaps each parsed object
 * for an equal one it already holds, so the views share their objects (and the
 * compilers' per-entity memos with them) and the parsed copies are garbage at
 * once. Applied to whole views and to deltas' upserts alike (http-link.ts:
 * `share`), so the patch path keeps working: an unchanged object keeps its
 * identity, a changed one is a new object. Objects are never changed in place
 * (views are copy-on-write), which is what makes sharing them safe.
 *
 * Per list and name it keeps the last few distinct versions (a host's own
 * entities carry their MAC, other hosts' views do not; hosts catch up with a
 * change at different times).
 */
import type { PolicySnapshot } from '../../service/model/snapshot';
import { SNAPSHOT_LISTS, type SnapshotList } from '../../service/model/load-snapshot';
import type { ViewAnswer } from '../../service/model/view-delta';

type Item = PolicySnapshot[SnapshotList][number];
const VERSIONS = 4;

/** Equality of parsed JSON values. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same((a as never)[k], (b as never)[k]));
}

export class ObjectPool {
  private readonly versions = new Map<string, Item[]>();

  /** The pooled object equal to `o` (`o` itself, now pooled, when there is none). */
  private one(list: SnapshotList, o: Item): Item {
    const key = `${list}\n${o.name}`;
    const held = this.versions.get(key);
    if (!held) {
      this.versions.set(key, [o]);
      return o;
    }
    const found = held.find((v) => same(v, o));
    if (found) return found;
    held.push(o);
    if (held.length > VERSIONS) held.shift();
    return o;
  }

  /** The answer with its objects swapped for pooled equal ones. */
  share(answer: ViewAnswer): ViewAnswer {
    if (answer.full) {
      const view = { ...answer.view };
      for (const list of SNAPSHOT_LISTS) {
        const items = view[list] as Item[] | undefined;
        if (items) (view as Record<SnapshotList, Item[]>)[list] = items.map((o) => this.one(list, o));
      }
      return { full: true, view };
    }
    const upsert: typeof answer.upsert = {};
    for (const list of SNAPSHOT_LISTS) {
      const items = answer.upsert[list];
      if (items) upsert[list] = items.map((o) => this.one(list, o)) as never;
    }
    return { ...answer, upsert };
  }
}
