/**
 * cty types, the type system of Terraform values, and their JSON encoding
 * (the `type` bytes of a schema attribute): "string", ["list","string"],
 * ["object",{"a":"number"}] ...
 */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | { list: CtyType }
  | { set: CtyType }
  | { map: CtyType }
  | { object: Record<string, CtyType> }
  | { tuple: CtyType[] };

export const T = {
  string: 'string' as CtyType,
  number: 'number' as CtyType,
  bool: 'bool' as CtyType,
  list: (e: CtyType): CtyType => ({ list: e }),
  set: (e: CtyType): CtyType => ({ set: e }),
  map: (e: CtyType): CtyType => ({ map: e }),
  object: (attrs: Record<string, CtyType>): CtyType => ({ object: attrs }),
};

type TypeJson = string | [string, unknown];

export function typeToJson(t: CtyType): TypeJson {
  if (typeof t === 'string') return t;
  if ('list' in t) return ['list', typeToJson(t.list)];
  if ('set' in t) return ['set', typeToJson(t.set)];
  if ('map' in t) return ['map', typeToJson(t.map)];
  if ('tuple' in t) return ['tuple', t.tuple.map(typeToJson)];
  return ['object', Object.fromEntries(Object.entries(t.object).map(([k, v]) => [k, typeToJson(v)]))];
}

export function typeFromJson(j: unknown): CtyType {
  if (j === 'string' || j === 'number' || j === 'bool' || j === 'dynamic') return j;
  if (Array.isArray(j) && j.length >= 2) {
    const [kind, arg] = j as [string, unknown];
    if (kind === 'list') return { list: typeFromJson(arg) };
    if (kind === 'set') return { set: typeFromJson(arg) };
    if (kind === 'map') return { map: typeFromJson(arg) };
    if (kind === 'tuple' && Array.isArray(arg)) return { tuple: arg.map(typeFromJson) };
    if (kind === 'object' && arg && typeof arg === 'object') {
      return {
        object: Object.fromEntries(
          Object.entries(arg as Record<string, unknown>).map(([k, v]) => [k, typeFromJson(v)]),
        ),
      };
    }
  }
  throw new Error(`unsupported cty type ${JSON.stringify(j)}`);
}
