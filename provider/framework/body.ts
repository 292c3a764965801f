/**
 * Terraform values ⇄ request bodies: a configuration or plan becomes the
 * JSON the service takes (nulls and unknowns left out, computed attributes
 * dropped), with a record of where unknowns were so that validation can
 * ignore those places.
 */
import { UNKNOWN, isObject, type ObjectValue, type Value } from '../cty/value';
import type { Attribute } from './schema';
import { serviceField, type Path } from './diagnostics';

export interface Body { json: Record<string, unknown>; unknownPaths: string[] }

export function toBody(attrs: Record<string, Attribute>, value: ObjectValue, include: (name: string, a: Attribute) => boolean = (_n, a) => !(a.computed && !a.optional)): Body {
  const unknownPaths: string[] = [];
  const json = objectJson(attrs, value, [], unknownPaths, include);
  return { json, unknownPaths };
}

function objectJson(attrs: Record<string, Attribute>, value: ObjectValue, path: Path, unknowns: string[], include?: (n: string, a: Attribute) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attrs)) {
    if (include && !include(name, a)) continue;
    const v = value[name] ?? null;
    const p = [...path, name];
    if (v === UNKNOWN) { unknowns.push(serviceField(p)); continue; }
    if (v === null) continue;
    out[name] = a.nested ? nestedJson(a, v, p, unknowns) : plainJson(v, p, unknowns);
  }
  return out;
}

function nestedJson(a: Attribute, v: Value, p: Path, unknowns: string[]): unknown {
  const attrs = a.nested!.attributes;
  switch (a.nested!.nesting) {
    case 'single': return isObject(v) ? objectJson(attrs, v, p, unknowns) : {};
    case 'list':
    case 'set': return Array.isArray(v) ? v.map((e, i) => (e === UNKNOWN ? (unknowns.push(serviceField([...p, i])), null) : objectJson(attrs, e as ObjectValue, [...p, i], unknowns))) : [];
    case 'map': return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, objectJson(attrs, e as ObjectValue, [...p, { key: k }], unknowns)])) : {};
  }
}

function plainJson(v: Value, p: Path, unknowns: string[]): unknown {
  if (v === UNKNOWN) { unknowns.push(serviceField(p)); return null; }
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((e, i) => plainJson(e, [...p, i], unknowns));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, plainJson(e, [...p, { key: k }], unknowns)]));
  return v;
}
