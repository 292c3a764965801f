/**
 * Terraform values ⇄ request bodies: a configuration or plan becomes the
 * JSON the service takes (nulls and unknowns left out, computed attributes
 * dropped), with a record of where unknowns were so that validation can
 * ignore those places.
 */
import { UNKNOWN, isObject, type ObjectValue, type Value } from '../cty/value';
import type { Attribute } from './schema';
import type { CtyType } from '../cty/types';
import { parseFieldPath, serviceField, type Path } from './diagnostics';

export interface Body {
  json: Record<string, unknown>;
  unknownPaths: string[];
}

export function toBody(
  attrs: Record<string, Attribute>,
  value: ObjectValue,
  include: (name: string, a: Attribute) => boolean = (_n, a) => !(a.computed && !a.optional),
): Body {
  const unknownPaths: string[] = [];
  const json = objectJson(attrs, value, [], unknownPaths, include);
  return { json, unknownPaths };
}

function objectJson(
  attrs: Record<string, Attribute>,
  value: ObjectValue,
  path: Path,
  unknowns: string[],
  include?: (n: string, a: Attribute) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attrs)) {
    if (include && !include(name, a)) continue;
    const v = value[name] ?? null;
    const p = [...path, name];
    if (v === UNKNOWN) {
      unknowns.push(serviceField(p));
      continue;
    }
    if (v === null) continue;
    out[name] = a.nested ? nestedJson(a, v, p, unknowns) : plainJson(v, p, unknowns);
  }
  return out;
}

function nestedJson(a: Attribute, v: Value, p: Path, unknowns: string[]): unknown {
  const attrs = a.nested!.attributes;
  switch (a.nested!.nesting) {
    case 'single':
      return isObject(v) ? objectJson(attrs, v, p, unknowns) : {};
    case 'list':
    case 'set':
      return Array.isArray(v)
        ? v.map((e, i) =>
            e === UNKNOWN
              ? (unknowns.push(serviceField([...p, i])), null)
              : objectJson(attrs, e as ObjectValue, [...p, i], unknowns),
          )
        : [];
    case 'map':
      return isObject(v)
        ? Object.fromEntries(
            Object.entries(v).map(([k, e]) => [k, objectJson(attrs, e as ObjectValue, [...p, { key: k }], unknowns)]),
          )
        : {};
  }
}

function plainJson(v: Value, p: Path, unknowns: string[]): unknown {
  if (v === UNKNOWN) {
    unknowns.push(serviceField(p));
    return null;
  }
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((e, i) => plainJson(e, [...p, i], unknowns));
  if (isObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, plainJson(e, [...p, { key: k }], unknowns)]));
  return v;
}

/**
 * A service field path (`services[1].ports[0]`, indices into the body as
 * sent) as the user can find it: a set has no order the user wrote, so a set
 * element is named by its value (`services[{ protocol = "tcp", ports =
 * ["443", "70000"] }].ports["70000"]`); list indices and map keys stay.
 */
export function displayField(attrs: Record<string, Attribute>, json: Record<string, unknown>, field: string): string {
  let out = '';
  let value: unknown = json;
  let scope: Record<string, Attribute> | null = attrs; // attribute names expected next
  let collection: Collection | null = null;
  for (const step of parseFieldPath(field)) {
    const name = typeof step === 'object' ? step.key : typeof step === 'string' ? step : null;
    const at = (v: unknown, k: string | number) =>
      v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (collection) {
      const element = at(value, typeof step === 'number' ? step : (name as string));
      out +=
        collection.nesting === 'set' && element !== undefined
          ? `[${hcl(element)}]`
          : typeof step === 'number'
            ? `[${step}]`
            : `.${name}`;
      value = element;
      const done: Collection = collection;
      collection = done.type ? plainCollection(done.type) : null;
      scope = done.attrs ?? null;
      continue;
    }
    out += typeof step === 'number' ? `[${step}]` : out === '' ? name : `.${name}`;
    value = at(value, typeof step === 'number' ? step : (name as string));
    const a: Attribute | undefined = scope && name !== null ? scope[name] : undefined;
    scope = null;
    if (!a) continue;
    if (a.nested) {
      if (a.nested.nesting === 'single') scope = a.nested.attributes;
      else collection = { nesting: a.nested.nesting, attrs: a.nested.attributes };
    } else if (a.type) {
      collection = plainCollection(a.type);
    }
  }
  return out;
}

/** A collection along a path: its elements are objects of `attrs` (nested attributes) or values of `type`. */
interface Collection {
  nesting: 'set' | 'list' | 'map';
  attrs?: Record<string, Attribute>;
  type?: CtyType;
}

function plainCollection(t: CtyType): Collection | null {
  if (typeof t !== 'object') return null;
  if ('set' in t) return { nesting: 'set', type: t.set };
  if ('list' in t) return { nesting: 'list', type: t.list };
  if ('map' in t) return { nesting: 'map', type: t.map };
  return null;
}

/** A value as HCL writes it, on one line. */
function hcl(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(hcl).join(', ')}]`;
  if (v && typeof v === 'object') {
    const parts = Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => `${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)} = ${hcl(x)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return JSON.stringify(v);
}
