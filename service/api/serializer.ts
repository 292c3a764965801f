/**
 * The response serializers: fast-json-stringify (fastify's default) on the
 * route's response schema, with each union of plain scalar types (TypeBox's
 * `Union([Literal('apply'), Literal('monitor')])`, `Union([Integer(), Null()])`)
 * given to it as the list of its types. fast-json-stringify picks a union's
 * branch by validating the value with ajv, compiled on the first answer that
 * reaches it (tens of ms on the event loop, paid by whichever request came
 * first), or at start-up for every route if asked (seconds for all of ours).
 * A union whose branches are scalars serializes the same JSON whichever
 * branch matches, so a list of types (a `typeof` test) answers the same.
 * Only the serializers see this: validation and the OpenAPI document keep
 * the schemas as written.
 */
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Schema = Record<string, unknown>;

const SCALARS = new Set(['string', 'integer', 'number', 'boolean', 'null']);

/**
 * The types of a union of scalar branches, or null when a branch is anything else. Its other keywords (const,
 * minimum, pattern…) only validate; `format` is the one that changes how fast-json-stringify writes a scalar
 * (a Date as a date-time), so a branch with one is not plain.
 */
function scalarTypes(branches: unknown[]): string[] | null {
  const types: string[] = [];
  for (const b of branches) {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return null;
    const t = (b as Schema).type;
    if (typeof t !== 'string' || !SCALARS.has(t) || 'format' in b) return null;
    if (!types.includes(t)) types.push(t);
  }
  return types.length ? types : null;
}

/** `schema` with every union of scalar branches replaced by the list of their types. Pure. */
export function plainUnions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plainUnions);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = plainUnions(v);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const types = Array.isArray(out[key]) ? scalarTypes(out[key] as unknown[]) : null;
    if (!types || out.type !== undefined) continue;
    delete out[key];
    out.type = types.length === 1 ? types[0] : types;
  }
  return out;
}

type BuildSerializer = ReturnType<typeof SerializerSelector>;

/** fastify's `schemaController.compilersFactory.buildSerializer`: the default one, on the schemas as above. */
export const buildSerializer: BuildSerializer = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => compile({ ...route, schema: plainUnions(route.schema) as typeof route.schema });
};
