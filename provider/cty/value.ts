/**
 * Terraform values in JavaScript: null, the UNKNOWN marker, strings, numbers
 * (number, or bigint beyond 2^53), booleans, arrays (lists, sets, tuples) and
 * plain objects (maps, objects). Sets are arrays whose order means nothing.
 */
import type { CtyType } from './types';

export const UNKNOWN: unique symbol = Symbol.for('microseg.cty.unknown');
export type Unknown = typeof UNKNOWN;

export type Value = null | Unknown | string | number | bigint | boolean | Value[] | { [k: string]: Value };
export type ObjectValue = { [k: string]: Value };

export const isObject = (v: unknown): v is ObjectValue => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when the value contains no unknown anywhere. */
export function isWhollyKnown(v: Value): boolean {
  if (v === UNKNOWN) return false;
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  if (isObject(v)) return Object.values(v).every(isWhollyKnown);
  return true;
}

/** Structural equality by type: sets compare without regard to order. */
export function valueEquals(t: CtyType, a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === UNKNOWN || b === UNKNOWN) return false;
  if (typeof t === 'string') {
    if (t === 'number') return String(a) === String(b);
    if (t === 'dynamic') return JSON.stringify(a) === JSON.stringify(b);
    return a === b;
  }
  if ('list' in t || 'tuple' in t) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valueEquals('list' in t ? t.list : t.tuple[i], x, b[i]));
  }
  if ('set' in t) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const used = new Array<boolean>(b.length).fill(false);
    return a.every((x) => {
      const j = b.findIndex((y, k) => !used[k] && valueEquals(t.set, x, y));
      if (j >= 0) used[j] = true;
      return j >= 0;
    });
  }
  if (!isObject(a) || !isObject(b)) return false;
  if ('map' in t) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && valueEquals(t.map, a[k], b[k]));
  }
  return Object.entries(t.object).every(([k, at]) => valueEquals(at, a[k] ?? null, b[k] ?? null));
}
