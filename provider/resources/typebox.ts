/**
 * Terraform attributes derived from the model's TypeBox schemas
 * (service/model/schemas.ts), so names, descriptions, requiredness and
 * defaults have one source of truth. Arrays become sets (unordered) unless
 * named in `ordered`; objects become single nested attributes; records
 * become maps. Values are checked by `validateBody` with the same schemas
 * and the service's own semantic checks, not by per-attribute validators.
 */
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { T, type CtyType } from '../cty/types';
import type { Value } from '../cty/value';
import type { Attribute } from '../framework/schema';

interface Options {
  /** Attribute names (at any depth) whose arrays keep their order. */
  ordered?: ReadonlySet<string>;
}

type Schema = TSchema & {
  description?: string;
  default?: unknown;
  items?: TSchema;
  properties?: Record<string, TSchema>;
  patternProperties?: Record<string, TSchema>;
  anyOf?: TSchema[];
};

function primitive(s: Schema): CtyType | null {
  switch (s[Kind]) {
    case 'String':
      return T.string;
    case 'Integer':
    case 'Number':
      return T.number;
    case 'Boolean':
      return T.bool;
    case 'Literal':
      return T.string;
    case 'Union':
      return (s.anyOf ?? []).every((x) => x[Kind] === 'Literal') ? T.string : null;
    default:
      return null;
  }
}

/** The cty type of a schema that contains no objects, or null. */
function plainType(s: Schema, name: string, opts: Options): CtyType | null {
  const p = primitive(s);
  if (p) return p;
  if (s[Kind] === 'Array' && s.items) {
    const e = plainType(s.items as Schema, name, opts);
    return e ? (opts.ordered?.has(name) ? T.list(e) : T.set(e)) : null;
  }
  if (s[Kind] === 'Record' && s.patternProperties) {
    const e = plainType(Object.values(s.patternProperties)[0] as Schema, name, opts);
    return e ? T.map(e) : null;
  }
  return null;
}

function describe(s: Schema, name: string): string {
  const d = s.description ?? (s.items as Schema | undefined)?.description;
  if (!d) throw new Error(`schemas.ts gives no description for "${name}"`);
  return d;
}

export function attributeFromTypeBox(name: string, s: Schema, optional: boolean, opts: Options = {}): Attribute {
  const description = describe(s, name);
  const presence: Partial<Attribute> =
    s.default !== undefined
      ? { optional: true, computed: true, default: s.default as Value }
      : optional
        ? { optional: true }
        : { required: true };
  const plain = plainType(s, name, opts);
  if (plain) return { description, type: plain, ...presence };
  if (s[Kind] === 'Object')
    return { description, nested: { nesting: 'single', attributes: attributesFromTypeBox(s, opts) }, ...presence };
  if (s[Kind] === 'Array' && (s.items as Schema)[Kind] === 'Object') {
    return {
      description,
      nested: {
        nesting: opts.ordered?.has(name) ? 'list' : 'set',
        attributes: attributesFromTypeBox(s.items as Schema, opts),
      },
      ...presence,
    };
  }
  if (s[Kind] === 'Record' && s.patternProperties) {
    const inner = Object.values(s.patternProperties)[0] as Schema;
    if (inner[Kind] === 'Object')
      return { description, nested: { nesting: 'map', attributes: attributesFromTypeBox(inner, opts) }, ...presence };
  }
  throw new Error(`cannot map the schema of "${name}" (${String(s[Kind])}) to a Terraform attribute`);
}

export function attributesFromTypeBox(object: TSchema, opts: Options = {}): Record<string, Attribute> {
  const props = (object as Schema).properties ?? {};
  return Object.fromEntries(
    Object.entries(props).map(([k, s]) => [
      k,
      attributeFromTypeBox(k, s as Schema, s[OptionalKind] === 'Optional', opts),
    ]),
  );
}
