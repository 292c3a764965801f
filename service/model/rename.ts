/**
 * Renaming a category, address group or service group rewrites every
 * reference to it, so a rename never leaves an object pointing at a name
 * that is gone (the store does both in one transaction). Pure.
 */
import type { Kind } from './schemas';
import type { AnyBody } from './validate';

export type RenamableKind = 'category' | 'address_group' | 'service_group';
export const RENAMABLE: ReadonlySet<Kind> = new Set<Kind>(['category', 'address_group', 'service_group']);

/** The property that holds references of each kind, wherever it appears in a body. */
const HOLDER: Record<RenamableKind, string> = {
  category: 'categories',
  address_group: 'address_groups',
  service_group: 'service_groups',
};

/**
 * `body` with every reference to `from` of `kind` renamed to `to` (the
 * order of keys and items kept), or null when it has none. Walks the body
 * rather than naming fields, so every kind's selectors, peers and entries
 * are covered.
 */
export function renameReferences(body: AnyBody, kind: RenamableKind, from: string, to: string): AnyBody | null {
  let changed = false;
  const holder = HOLDER[kind];
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        if (k !== holder) return [k, walk(x)];
        if (kind === 'category' && x && typeof x === 'object' && !Array.isArray(x)) {
          // A map keyed by category name: entity categories, or a selector.
          return [
            k,
            Object.fromEntries(
              Object.entries(x).map(([name, value]) => {
                if (name !== from) return [name, value];
                changed = true;
                return [to, value];
              }),
            ),
          ];
        }
        if (Array.isArray(x)) {
          return [
            k,
            x.map((name) => {
              if (name !== from) return name;
              changed = true;
              return to;
            }),
          ];
        }
        return [k, walk(x)];
      }),
    );
  };
  const out = walk(body) as AnyBody;
  return changed ? out : null;
}
