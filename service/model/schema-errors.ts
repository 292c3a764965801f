/**
 * JSON-schema (ajv / TypeBox) failures in words that name the field:
 * `/inbound/0/from/cidrs/1` → `inbound[0].from.cidrs[1]`. Used by the API
 * (400 answers) and by the provider (diagnostics on the attribute path). Pure.
 */
export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/inbound/0/from/cidrs/1` → `inbound[0].from.cidrs[1]`. */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^[0-9]+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/** The field and a human message for the most useful of ajv's errors. */
export function describeSchemaErrors(
  errors: AjvError[],
  context: string,
): { field: string | null; message: string; details: { field: string; message: string }[] } {
  const described = errors
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'const' && e.keyword !== 'if')
    .map((e) => describe(e));
  // A union of literals (protocol, mode…) fails as one `const` error per branch plus `anyOf`: say which values are allowed.
  for (const e of errors.filter((x) => x.keyword === 'anyOf')) {
    const consts = errors
      .filter((x) => x.keyword === 'const' && x.instancePath === e.instancePath)
      .map((x) => JSON.stringify(x.params.allowedValue));
    if (consts.length > 0)
      described.unshift({ field: pointerToField(e.instancePath), message: `must be one of ${consts.join(', ')}` });
    else described.push(describe(e));
  }
  if (described.length === 0) described.push({ field: '', message: 'is invalid' });
  const named = described.map((d) => {
    const field = context === 'body' ? d.field : context === 'headers' ? headerName(d.field) : d.field;
    return { field, message: `${field || context}: ${d.message}` };
  });
  return { field: named[0].field || null, message: named[0].message, details: named.slice(1) };
}

function headerName(field: string): string {
  return field === 'if-match' ? 'If-Match' : field;
}

function describe(e: AjvError): { field: string; message: string } {
  const base = pointerToField(e.instancePath);
  switch (e.keyword) {
    case 'required':
      return { field: join(base, String(e.params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: join(base, String(e.params.additionalProperty)), message: 'is not a known field' };
    case 'pattern':
      return { field: base, message: `must match ${String(e.params.pattern)}` };
    case 'type':
      return { field: base, message: `must be ${String(e.params.type)}` };
    default:
      return { field: base, message: e.message ?? 'is invalid' };
  }
}
