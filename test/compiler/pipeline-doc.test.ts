/** docs/pipeline.md's tables come from the pipeline's declaration; the flow set keeps one flow per canonical match. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPipelineTables, withPipelineTables } from '../../service/compiler/pipeline-doc';
import { TABLES, TABLE } from '../../service/compiler/pipeline';
import { FlowSet, canonicalMatch } from '../../service/compiler/flow-set';

test('docs/pipeline.md holds the tables rendered from TABLES and REGISTERS (run `npm run docs:generate` if this fails)', () => {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'pipeline.md'), 'utf8');
  expect(page).toContain(renderPipelineTables());
  expect(withPipelineTables(page)).toBe(page);
});

test('every table is declared once, and every goto miss names a declared table', () => {
  expect(new Set(TABLES.map((t) => t.id)).size).toBe(TABLES.length);
  expect(new Set(TABLES.map((t) => t.name)).size).toBe(TABLES.length);
  for (const t of TABLES) if ('goto' in t.miss) expect(TABLE[t.miss.goto]).toBeGreaterThan(t.id);
});

describe('flow set', () => {
  const cookie = 0x4d53000000000000n;
  test('a host CIDR and the bare address are one match', () => {
    expect(canonicalMatch('ip,nw_src=10.0.0.3/32,tcp')).toBe('ip,nw_src=10.0.0.3,tcp');
    expect(canonicalMatch('ipv6,ipv6_dst=fd00::1/128')).toBe('ipv6,ipv6_dst=fd00::1');
    expect(canonicalMatch('ip,nw_src=10.0.0.0/24')).toBe('ip,nw_src=10.0.0.0/24');
    const fs = new FlowSet();
    fs.add({ table: 33, priority: 1001, match: 'ip,nw_src=10.0.0.3/32', cookie, actions: 'conjunction(1,2/2)' });
    fs.add({ table: 33, priority: 1001, match: 'ip,nw_src=10.0.0.3', cookie, actions: 'conjunction(2,2/2)' });
    expect(fs.lines()).toEqual([
      `cookie=0x4d53000000000000,table=33,priority=1001,ip,nw_src=10.0.0.3 actions=conjunction(1,2/2),conjunction(2,2/2)`,
    ]);
  });

  test('two different plain flows for one match throw; the same flow twice is one', () => {
    const fs = new FlowSet();
    fs.add({ table: 40, priority: 100, match: 'ip,nw_dst=10.0.0.1', cookie, actions: 'drop' });
    fs.add({ table: 40, priority: 100, match: 'ip,nw_dst=10.0.0.1/32', cookie, actions: 'drop' });
    expect(fs.lines()).toHaveLength(1);
    expect(() =>
      fs.add({ table: 40, priority: 100, match: 'ip,nw_dst=10.0.0.1', cookie, actions: 'output:2' }),
    ).toThrow(
      'two flows for one match in table 40, priority 100, ip,nw_dst=10.0.0.1: "drop" (cookie 0x4d53000000000000) and "output:2"',
    );
  });
});
