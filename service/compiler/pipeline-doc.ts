/**
 * docs/pipeline.md's "Tables" and "Registers" tables, rendered from the
 * declarations in pipeline.ts (npm run docs:generate writes them; a test
 * fails when the page is stale). Pure.
 */
import { REGISTERS, TABLES, type TableSpec } from './pipeline';

export const BEGIN =
  '<!-- generated from service/compiler/pipeline.ts by `npm run docs:generate`: edit the declaration, not this table -->';
export const END = '<!-- end of generated tables -->';

function miss(t: TableSpec): string {
  if ('drop' in t.miss) return 'drop';
  if ('goto' in t.miss) return `→ ${t.miss.goto}`;
  return t.miss.computed;
}

export function renderPipelineTables(): string {
  const tables = TABLES.map((t) => `| ${t.id} | ${t.name} | ${t.does} | ${miss(t)} |`);
  const registers = Object.values(REGISTERS).map((r) => `| reg${r.n} | ${r.holds} |`);
  return [
    BEGIN,
    '',
    '| table | name | what it does | no flow matches |',
    '|---|---|---|---|',
    ...tables,
    '',
    '| register | holds |',
    '|---|---|',
    ...registers,
    '',
    END,
  ].join('\n');
}

/** The page with its generated block replaced (the markers must be there). */
export function withPipelineTables(page: string): string {
  const a = page.indexOf(BEGIN);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error('docs/pipeline.md: the generated-table markers are missing');
  return page.slice(0, a) + renderPipelineTables() + page.slice(b + END.length);
}
