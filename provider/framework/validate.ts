/**
 * Runs the attribute validators of a schema over a configuration value.
 * Unknown values are skipped (they are checked again once known).
 */
import { isObject, UNKNOWN, type ObjectValue, type Value } from '../cty/value';
import type { Attribute } from './schema';
import { error, formatPath, type Diagnostic, type Path } from './diagnostics';

export function validateObject(attrs: Record<string, Attribute>, value: Value, path: Path = []): Diagnostic[] {
  if (!isObject(value)) return [];
  const out: Diagnostic[] = [];
  for (const [name, a] of Object.entries(attrs)) {
    const v = (value as ObjectValue)[name] ?? null;
    const p = [...path, name];
    if (v === UNKNOWN) continue;
    if (v === null) {
      // Terraform enforces required top-level attributes; inside nested values we say it ourselves.
      if (a.required && path.length > 0)
        out.push(error('Missing required attribute', `${formatPath(p)} is required.`, p));
      continue;
    }
    for (const check of a.validators ?? []) out.push(...check(v, p));
    if (!a.nested) continue;
    const inner = a.nested.attributes;
    switch (a.nested.nesting) {
      case 'single':
        out.push(...validateObject(inner, v, p));
        break;
      case 'list':
      case 'set':
        if (Array.isArray(v)) v.forEach((e, i) => out.push(...validateObject(inner, e, [...p, i])));
        break;
      case 'map':
        if (isObject(v))
          for (const [k, e] of Object.entries(v)) out.push(...validateObject(inner, e, [...p, { key: k }]));
        break;
    }
  }
  return out;
}
