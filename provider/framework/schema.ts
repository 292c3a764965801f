/**
 * How a resource, data source or provider declares its attributes, and the
 * translation of that declaration into cty types and tfplugin6 schemas.
 */
import { T, typeToJson, type CtyType } from '../cty/types';
import type { Value } from '../cty/value';
import type { Diagnostic, Path } from './diagnostics';

/** Checks one known, non-null value; may return diagnostics for sub-paths. */
export type Validator = (value: Value, path: Path) => Diagnostic[];

export interface Attribute {
  description: string;
  /** Primitive or collection-of-primitive type; absent for nested attributes. */
  type?: CtyType;
  nested?: NestedObject;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** For optional+computed attributes: the planned value when the configuration leaves it out. */
  default?: Value;
  validators?: Validator[];
  /** A change of this attribute replaces the object. */
  requiresReplace?: boolean;
  /** Computed: keeps its prior value in plans (an id). */
  useStateForUnknown?: boolean;
  /** Computed: unknown in the plan whenever anything else changes (version, updated_at). */
  changesOnUpdate?: boolean;
}

export type Nesting = 'single' | 'list' | 'set' | 'map';
export interface NestedObject {
  nesting: Nesting;
  attributes: Record<string, Attribute>;
}

export interface Schema {
  description: string;
  version?: number;
  attributes: Record<string, Attribute>;
}

export function objectType(attributes: Record<string, Attribute>): CtyType {
  return T.object(Object.fromEntries(Object.entries(attributes).map(([k, a]) => [k, attributeType(a)])));
}

// Schemas are built once and never change; every value Terraform sends is decoded against their types.
const attributeTypes = new WeakMap<Attribute, CtyType>();
const schemaTypes = new WeakMap<Schema, CtyType>();

export function attributeType(a: Attribute): CtyType {
  let t = attributeTypes.get(a);
  if (t === undefined) {
    t = typeOfAttribute(a);
    attributeTypes.set(a, t);
  }
  return t;
}

function typeOfAttribute(a: Attribute): CtyType {
  if (!a.nested) {
    if (!a.type) throw new Error('attribute needs a type or nested attributes');
    return a.type;
  }
  const obj = objectType(a.nested.attributes);
  switch (a.nested.nesting) {
    case 'single':
      return obj;
    case 'list':
      return T.list(obj);
    case 'set':
      return T.set(obj);
    case 'map':
      return T.map(obj);
  }
}

export function schemaType(s: Schema): CtyType {
  let t = schemaTypes.get(s);
  if (t === undefined) {
    t = objectType(s.attributes);
    schemaTypes.set(s, t);
  }
  return t;
}

/* tfplugin6.Schema as the plugin server (provider/plugin/serve.ts: field names as written, enums as names) takes it. */
export interface ProtoAttribute {
  name: string;
  type: Buffer;
  nested_type: ProtoObject | null;
  description: string;
  description_kind: 'MARKDOWN';
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  deprecated: boolean;
  write_only: boolean;
}
export interface ProtoObject {
  attributes: ProtoAttribute[];
  nesting: 'SINGLE' | 'LIST' | 'SET' | 'MAP';
}

function protoAttribute(name: string, a: Attribute): ProtoAttribute {
  return {
    name,
    type: a.nested ? Buffer.alloc(0) : Buffer.from(JSON.stringify(typeToJson(attributeType(a)))),
    nested_type: a.nested
      ? {
          attributes: protoAttributes(a.nested.attributes),
          nesting: a.nested.nesting.toUpperCase() as ProtoObject['nesting'],
        }
      : null,
    description: a.description,
    description_kind: 'MARKDOWN',
    required: !!a.required,
    optional: !!a.optional,
    computed: !!a.computed,
    sensitive: !!a.sensitive,
    deprecated: false,
    write_only: false,
  };
}

const protoAttributes = (attrs: Record<string, Attribute>): ProtoAttribute[] =>
  Object.keys(attrs)
    .sort()
    .map((k) => protoAttribute(k, attrs[k]));

export function toProtoSchema(s: Schema) {
  return {
    version: s.version ?? 0,
    block: {
      version: s.version ?? 0,
      attributes: protoAttributes(s.attributes),
      block_types: [],
      description: s.description,
      description_kind: 'MARKDOWN',
      deprecated: false,
    },
  };
}
