/**
 * Diagnostics in protocol form: paths converted along the schema into
 * tfplugin6 steps (stopping at a set, whose elements have no index).
 */
import type { Attribute, Schema } from './schema';
import type { Diagnostic, Path } from './diagnostics';

interface ProtoStep {
  attribute_name?: string;
  element_key_string?: string;
  element_key_int?: number;
}

/**
 * Converts a path into protocol steps along the schema: stops at a set (its
 * elements have no index), turns a name under a map into a key step.
 */
export function toProtoPath(schema: Schema, path: Path): { steps: ProtoStep[] } {
  const steps: ProtoStep[] = [];
  let attrs: Record<string, Attribute> | undefined = schema.attributes;
  let current: Attribute | undefined;
  let inCollection = false; // just stepped onto a list/map attribute; next step picks an element
  for (const step of path) {
    if (inCollection && current) {
      const nesting = current.nested?.nesting ?? collectionKind(current);
      if (nesting === 'set') break;
      if (nesting === 'list' && typeof step === 'number') steps.push({ element_key_int: step });
      else if (nesting === 'map')
        steps.push({ element_key_string: typeof step === 'object' ? step.key : String(step) });
      else break;
      inCollection = false;
      attrs = current.nested?.attributes;
      if (!current.nested) break; // element of a primitive collection: nothing deeper
      continue;
    }
    if (typeof step !== 'string' || !attrs || !(step in attrs)) break;
    current = attrs[step];
    steps.push({ attribute_name: step });
    const kind = current.nested?.nesting ?? collectionKind(current);
    if (kind === 'single') attrs = current.nested!.attributes;
    else if (kind) inCollection = true;
    else break;
  }
  return { steps };
}

function collectionKind(a: Attribute): 'list' | 'set' | 'map' | null {
  const t = a.type;
  if (!t || typeof t === 'string') return null;
  if ('list' in t) return 'list';
  if ('set' in t) return 'set';
  if ('map' in t) return 'map';
  return null;
}

/**
 * Terraform finds the configuration expression of a path only for a
 * top-level attribute, optionally with one element index (it traverses
 * blocks, not the object constructors of nested attributes): deeper paths
 * would point at the whole resource. So diagnostics point at the top-level
 * attribute (or its element) and the detail text names the full path.
 */
export function diagnosticPath(schema: Schema, path: Path): { steps: ProtoStep[] } {
  const { steps } = toProtoPath(schema, path);
  const keep = steps.length > 1 && steps[1].attribute_name === undefined ? 2 : 1;
  return { steps: steps.slice(0, keep) };
}

export function toProtoDiagnostic(schema: Schema | null, d: Diagnostic) {
  return {
    severity: d.severity,
    summary: d.summary,
    detail: d.detail,
    attribute: d.path && d.path.length > 0 && schema ? diagnosticPath(schema, d.path) : null,
  };
}
