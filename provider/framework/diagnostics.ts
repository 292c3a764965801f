/**
 * Diagnostics and attribute paths. A path step is an attribute name, a list
 * or set index (number) or a map key ({ key }). Terraform cannot address set
 * elements, so the protocol path stops at the set; the full path is still
 * written into the message so the user sees which element is wrong (the
 * conversion along a schema is in proto-diagnostics.ts).
 */
export type Step = string | number | { key: string };
export type Path = Step[];

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  path?: Path;
}

export const error = (summary: string, detail: string, path?: Path): Diagnostic => ({
  severity: 'ERROR',
  summary,
  detail,
  path,
});
export const warning = (summary: string, detail: string, path?: Path): Diagnostic => ({
  severity: 'WARNING',
  summary,
  detail,
  path,
});
export const hasErrors = (ds: Diagnostic[]): boolean => ds.some((d) => d.severity === 'ERROR');

/** `inbound[0].from.cidrs[1]`, `categories["AppTier"]`. */
export function formatPath(path: Path): string {
  return path
    .map((s, i) =>
      typeof s === 'number' ? `[${s}]` : typeof s === 'object' ? `[${JSON.stringify(s.key)}]` : i === 0 ? s : `.${s}`,
    )
    .join('');
}

/** Parses the service's field paths (`inbound[0].from.cidrs[1]`, `categories.AppTier`). */
export function parseFieldPath(field: string): Path {
  const path: Path = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(field); m; m = re.exec(field)) {
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push({ key: JSON.parse(`"${m[3]}"`) as string });
  }
  return path;
}

/** The service's spelling of a path: `inbound[0].from.categories.AppTier[1]`. */
export function serviceField(path: Path): string {
  return path
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${typeof s === 'object' ? s.key : s}`))
    .join('');
}
