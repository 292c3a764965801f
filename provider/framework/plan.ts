/**
 * PlanResourceChange as a pure function of the schema and the three values
 * Terraform sends: fills defaults and computed values, marks what the apply
 * will change as unknown, and lists the changes that force replacement.
 */
import { UNKNOWN, isObject, valueEquals, type ObjectValue } from '../cty/value';
import { attributeType, type Schema } from './schema';
import type { Path } from './diagnostics';

export interface PlanResult {
  planned: ObjectValue | null;
  requiresReplace: Path[];
}

export function planResource(
  schema: Schema,
  prior: ObjectValue | null,
  proposed: ObjectValue | null,
  config: ObjectValue | null,
): PlanResult {
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const planned: ObjectValue = { ...proposed };
  const attrs = Object.entries(schema.attributes);

  for (const [name, a] of attrs) {
    const configured = config && isObject(config) ? (config[name] ?? null) : null;
    if (!a.computed || configured !== null) continue;
    if (a.default !== undefined) planned[name] = a.default;
    else if (prior === null) planned[name] = UNKNOWN;
  }

  const managed = attrs.filter(([, a]) => !(a.computed && !a.optional));
  const changed =
    prior !== null &&
    managed.some(([name, a]) => !valueEquals(attributeType(a), planned[name] ?? null, prior[name] ?? null));

  const requiresReplace: Path[] = [];
  if (prior !== null) {
    for (const [name, a] of attrs) {
      if (a.computed && !a.optional) {
        if (a.useStateForUnknown) planned[name] = prior[name] ?? null;
        else if (a.changesOnUpdate) planned[name] = changed ? UNKNOWN : (prior[name] ?? null);
      }
      if (a.requiresReplace && !valueEquals(attributeType(a), planned[name] ?? null, prior[name] ?? null))
        requiresReplace.push([name]);
    }
  }
  return { planned, requiresReplace };
}
