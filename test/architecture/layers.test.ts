/**
 * The layers of docs/architecture.md, held to the code: every relative import
 * (type-only ones included) of service/, provider/ and cli/ points at a part
 * the table allows, and no module reaches itself through its imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');

/** The part a file belongs to (its layer), by path. */
function partOf(file: string): string {
  const rel = relative(ROOT, file);
  const m = rel.match(/^service\/([^/]+)\//);
  if (m) return `service/${m[1]}`;
  if (rel.startsWith('service/')) return 'service (composition)';
  return rel.split('/')[0];
}

/** Which parts each part may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  'service/model': [],
  'service/policy': ['service/model'],
  'service/compiler': ['service/model'],
  'service/store': ['service/model'],
  'service/client': ['service/model'],
  'service/agent': ['service/model', 'service/compiler', 'service/policy', 'service/client'],
  'service/observations': [
    'service/model',
    'service/policy',
    'service/compiler',
    'service/store',
    'service/metrics',
    'service/ui',
  ],
  'service/metrics': ['service/model', 'service/store'],
  'service/ui': ['service/model', 'service/store'],
  'service/api': ['service/model', 'service/policy', 'service/store'],
  'service (composition)': [
    'service/model',
    'service/client',
    'service/policy',
    'service/compiler',
    'service/store',
    'service/agent',
    'service/observations',
    'service/metrics',
    'service/ui',
    'service/api',
  ],
  provider: ['service/model'],
  cli: ['service/model', 'service/client'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      /* next */
    }
  }
  return null;
}

const files = ['service', 'provider', 'cli'].flatMap((d) => sources(join(ROOT, d)));
// preProcessFile lists every import and export-from, `import type` included.
const graph = new Map(
  files.map((f) => [
    f,
    ts
      .preProcessFile(readFileSync(f, 'utf8'), true, true)
      .importedFiles.map((i) => resolveImport(f, i.fileName))
      .filter((x): x is string => x !== null),
  ]),
);

test('every import points down the layers of docs/architecture.md', () => {
  const crossings: string[] = [];
  for (const [file, deps] of graph) {
    const from = partOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) throw new Error(`${relative(ROOT, file)}: part ${from} is not in the layer table`);
    for (const dep of deps) {
      const to = partOf(dep);
      if (to !== from && !allowed.includes(to))
        crossings.push(`${relative(ROOT, file)} (${from}) imports ${relative(ROOT, dep)} (${to})`);
    }
  }
  expect(crossings).toEqual([]);
});

test('no import cycle, type-only imports included', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open')
        cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => relative(ROOT, x)).join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});
