/**
 * From the service's JSON to a Terraform value of the schema, written the way
 * the reference value (the plan, or the prior state) writes it whenever the
 * two mean the same. The service fills absent lists with [] and so on; the
 * configuration may say null: without this, every such attribute would plan
 * a change forever. A real difference is kept, so drift shows.
 */
import { UNKNOWN, isObject, valueEquals, type ObjectValue, type Value } from '../cty/value';
import type { CtyType } from '../cty/types';
import { attributeType, type Attribute } from './schema';

/** null, [], {}, '' and false: "nothing" to the service. */
function isEmpty(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === '' ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

const usable = (ref: Value | undefined): Value => (ref === undefined || ref === UNKNOWN ? null : ref);

export function fromApi(attrs: Record<string, Attribute>, api: unknown, ref: Value | null): ObjectValue {
  const src = isObject(api as Value) ? (api as Record<string, unknown>) : {};
  const r = isObject(usable(ref)) ? (ref as ObjectValue) : null;
  const out: ObjectValue = {};
  for (const [name, a] of Object.entries(attrs)) out[name] = adopt(a, src[name], usable(r?.[name]));
  return out;
}

function adopt(a: Attribute, v: unknown, ref: Value): Value {
  if (isEmpty(v)) {
    if (a.default !== undefined && (v === undefined || v === null)) return a.default;
    if (a.default !== undefined || a.required) return convert(a, v);
    // optional with no default: the user's own spelling of "nothing", else null
    return ref !== null && isEmpty(ref) ? ref : null;
  }
  if (!a.nested) return convert(a, v);
  const attrs = a.nested.attributes;
  switch (a.nested.nesting) {
    case 'single':
      return fromApi(attrs, v, ref);
    case 'list': {
      const refs = Array.isArray(ref) ? ref : [];
      return (v as unknown[]).map((e, i) => fromApi(attrs, e, usable(refs[i])));
    }
    case 'map': {
      const refs = isObject(ref) ? ref : {};
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, e]) => [k, fromApi(attrs, e, usable(refs[k]))]),
      );
    }
    case 'set': {
      // Elements have no identity but their value: pair each with a reference element that means the same.
      const refs = (Array.isArray(ref) ? ref : []).filter((x) => x !== UNKNOWN);
      const used = new Array<boolean>(refs.length).fill(false);
      const elemType = (attributeType(a) as { set: CtyType }).set;
      const canonicalRefs = refs.map((x) => fromApi(attrs, x, null));
      return (v as unknown[]).map((e) => {
        const canonical = fromApi(attrs, e, null);
        const j = canonicalRefs.findIndex((x, k) => !used[k] && valueEquals(elemType, x, canonical));
        if (j < 0) return canonical;
        used[j] = true;
        return fromApi(attrs, e, refs[j]);
      });
    }
  }
}

/** JSON of a primitive or primitive collection → Value (the types coincide). */
function convert(a: Attribute, v: unknown): Value {
  if (v === undefined) return null;
  if (a.type === 'string' && typeof v !== 'string' && v !== null) return String(v);
  return v as Value;
}
