/**
 * Checks a configuration the way the service will: the same TypeBox input
 * schema and the same semantic checks (service/model/validate.ts), before
 * anything is sent. Places that are still unknown are not judged.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value as TypeBoxValue } from '@sinclair/typebox/value';
import { KINDS, type Kind } from '../../service/model/schemas';
import { validateShape, type Bodies } from '../../service/model/validate';
import { pointerToField } from '../../service/model/schema-errors';
import { error, parseFieldPath, type Diagnostic } from '../framework/diagnostics';

function explain(
  schema: TSchema & {
    anyOf?: { const?: unknown }[];
    pattern?: string;
    minimum?: number;
    maximum?: number;
    description?: string;
  },
  value: unknown,
  fallback: string,
): string {
  if (schema.anyOf && schema.anyOf.every((s) => s.const !== undefined))
    return `${JSON.stringify(value)} is not one of ${schema.anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  if (schema.pattern && typeof value === 'string')
    return `${JSON.stringify(value)} is not valid${schema.description ? ` (${schema.description.replace(/\.$/, '')})` : ''}: it must match ${schema.pattern}`;
  if ((schema.minimum !== undefined || schema.maximum !== undefined) && typeof value === 'number')
    return `${value} is out of range ${schema.minimum ?? '-∞'}..${schema.maximum ?? '∞'}`;
  return fallback;
}

const under = (field: string, prefix: string) =>
  field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`);

/** `show` spells a field for the user (set elements by value); the diagnostic's path stays the field's. */
export function validateBody(
  kind: Kind,
  json: Record<string, unknown>,
  unknownPaths: string[],
  show: (field: string) => string = (f) => f,
): Diagnostic[] {
  const unknownAt = (field: string) => unknownPaths.some((u) => under(field, u) || under(u, field));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  const push = (field: string, message: string) => {
    if (unknownAt(field) || seen.has(field)) return;
    seen.add(field);
    const shown = show(field);
    const text = message.startsWith(field) ? shown + message.slice(field.length) : `${shown}: ${message}`;
    out.push(error(`Invalid value for ${shown}`, text, parseFieldPath(field)));
  };
  for (const e of TypeBoxValue.Errors(KINDS[kind].input, json)) {
    push(pointerToField(e.path), explain(e.schema, e.value, e.message));
  }
  if (out.length === 0) {
    try {
      for (const e of validateShape(kind, json as unknown as Bodies[typeof kind])) push(e.field, e.message);
    } catch {
      // A body with unknown parts may lack what the semantic checks expect; they run again once it is known.
      if (unknownPaths.length === 0) throw new Error(`cannot check this ${kind}`);
    }
  }
  return out;
}
