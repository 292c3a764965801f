/** The rule view's aggregation (pure): grouping of far ends, one band per group pair and verdict, the cap on groups. */
import { buildRuleView, MAX_GROUPS, MAX_LISTED } from '../../service/observations/rule-view';
import type { PolicySnapshot, SnapshotApplicationRule } from '../../service/model/snapshot';
import type { FlowRecord } from '../../service/model/observation';

const rule: SnapshotApplicationRule = {
  name: 'shop',
  id: 1,
  mode: 'monitor',
  target: { categories: { AppType: ['shop'] } },
  inbound: [
    {
      from: { categories: { AppTier: ['web'] } },
      to: { categories: { AppTier: ['app'] } },
      services: [],
      service_groups: [],
    },
  ],
  outbound_policy: 'allow_listed',
  outbound: [],
  intra_group: 'deny',
  log: false,
};
const others = Array.from({ length: 40 }, (_, i) => ({
  name: `o${i}`,
  host: 'h',
  port: `p${i}`,
  ips: [`10.9.0.${i + 1}`],
  categories: { AppType: `other${String(i).padStart(2, '0')}` },
}));
const snapshot: PolicySnapshot = {
  generation: 1,
  categories: [{ name: 'AppTier', values: ['web', 'app'] }],
  address_groups: [],
  service_groups: [],
  hosts: [],
  application_rules: [rule],
  isolation_rules: [],
  quarantine_rules: [],
  shared_service_rules: [],
  entities: [
    { name: 'web1', host: 'h', port: 'w', ips: ['10.0.0.1'], categories: { AppType: 'shop', AppTier: 'web' } },
    { name: 'app1', host: 'h', port: 'a', ips: ['10.0.0.2'], categories: { AppType: 'shop', AppTier: 'app' } },
    ...others,
  ],
};
const row = (
  source: string,
  destination: string,
  port: number,
  count: number,
  over: Partial<FlowRecord> = {},
): FlowRecord => ({
  source,
  destination,
  source_ip: '',
  destination_ip: '',
  source_entity: true,
  destination_entity: true,
  protocol: 'tcp',
  port,
  verdict: 'allow',
  rule: 'shop',
  rule_kind: 'application',
  first_seen: '2026-01-01T00:00:00.000Z',
  last_seen: '2026-01-01T00:00:00.000Z',
  count,
  hosts: ['h'],
  ...over,
});

test('rows of one group pair and verdict are one band, services and ends counted; a tier-to-tier connection is drawn once, inbound', () => {
  const v = buildRuleView(snapshot, rule, [
    row('web1', 'app1', 8080, 3),
    row('web1', 'app1', 8081, 1),
    row('web1', 'app1', 8080, 2, { verdict: 'would-deny' }),
  ]);
  expect(v.bands).toEqual([
    expect.objectContaining({
      source: 'in:AppTier=web',
      target: 'tier:app',
      verdict: 'allow',
      count: 4,
      rows: 2,
      services: [
        { service: 'tcp/8080', count: 3 },
        { service: 'tcp/8081', count: 1 },
      ],
      endpoints: [{ name: 'web1', count: 4 }],
    }),
    expect.objectContaining({ source: 'in:AppTier=web', target: 'tier:app', verdict: 'would-deny', count: 2 }),
  ]);
  expect(v.totals).toEqual({ allow: 4, deny: 0, 'would-deny': 2 });
  // allow_listed with no outbound entry: nothing allowed out, no destination column.
  expect(v.nodes.filter((n) => n.column === 2)).toEqual([]);
  expect(v.policy).toEqual([{ source: 'in:AppTier=web', target: 'tier:app', services: ['any'] }]);
});

test(`past ${MAX_GROUPS} groups a column merges the smallest into one node; lists stop at ${MAX_LISTED} with the rest counted`, () => {
  const rows = others.flatMap((o, i) => [
    row(o.name, 'web1', 1000 + i, 100 - i),
    row('app1', o.name, 53, 1, { protocol: 'udp', verdict: 'deny' }),
  ]);
  const v = buildRuleView(snapshot, rule, rows);
  const sources = v.nodes.filter((n) => n.column === 0);
  expect(sources.length).toBe(MAX_GROUPS);
  expect(sources.map((n) => n.label)).toContain('AppType=other00'); // the largest are kept by name…
  expect(sources.at(-1)).toMatchObject({ id: 'src:*more', label: `${40 - (MAX_GROUPS - 2)} more groups` }); // …the rest merged (one slot is the rule's entry)
  const more = v.bands.find((b) => b.source === 'src:*more')!;
  expect(more.rows).toBe(40 - (MAX_GROUPS - 2));
  expect(more.services).toHaveLength(MAX_LISTED);
  expect(more.more_services).toBe(more.rows - MAX_LISTED);
  // Every connection is still counted once.
  expect(v.bands.reduce((s, b) => s + b.count, 0)).toBe(rows.reduce((s, r) => s + r.count, 0));
  expect(v.nodes.filter((n) => n.column === 2).length).toBe(MAX_GROUPS);
});

test('an external address is grouped under the entry whose CIDR holds it, else "other addresses"', () => {
  const withCidr: SnapshotApplicationRule = {
    ...rule,
    inbound: [...rule.inbound, { from: { cidrs: ['192.0.2.0/24'] }, services: [], service_groups: [] }],
  };
  const ext = (ip: string) => row(ip, 'web1', 443, 1, { source_ip: ip, source_entity: false });
  const v = buildRuleView(snapshot, withCidr, [ext('192.0.2.9'), ext('198.51.100.1')]);
  expect(v.bands.map((b) => `${b.source}>${b.target}`).sort()).toEqual([
    'in:192.0.2.0/24>tier:web',
    'src:other addresses>tier:web',
  ]);
  expect(v.nodes.find((n) => n.id === 'src:other addresses')).toMatchObject({ kind: 'external', column: 0 });
});

test('tiers in the order the rule leads through them, whatever order the category lists its values in (a set in Terraform)', () => {
  const tier = (t: string) => ({ categories: { AppTier: [t] } });
  const three: SnapshotApplicationRule = {
    ...rule,
    inbound: [
      { from: tier('app'), to: tier('db'), services: [], service_groups: [] },
      { from: { cidrs: ['192.0.2.0/24'] }, to: tier('web'), services: [], service_groups: [] },
      { from: tier('web'), to: tier('app'), services: [], service_groups: [] },
    ],
  };
  const entities = ['web', 'app', 'db', 'cache'].map((t) => ({
    name: `${t}1`,
    host: 'h',
    port: t,
    ips: [],
    categories: { AppType: 'shop', AppTier: t },
  }));
  const s = { ...snapshot, categories: [{ name: 'AppTier', values: ['app', 'cache', 'db', 'web'] }], entities };
  expect(
    buildRuleView(s, three, [])
      .nodes.filter((n) => n.column === 1)
      .map((n) => n.id),
  ).toEqual(['tier:web', 'tier:app', 'tier:db', 'tier:cache']);
});

test('intra_group = allow: member-to-member connections come from one "members" node, with an allowed path to every tier', () => {
  const open: SnapshotApplicationRule = { ...rule, inbound: [], intra_group: 'allow' };
  const v = buildRuleView(snapshot, open, [
    row('web1', 'app1', 8080, 3),
    row('o1', 'app1', 22, 1, { verdict: 'would-deny' }),
  ]);
  expect(v.bands.map((b) => `${b.source}>${b.target}:${b.verdict}`).sort()).toEqual([
    'in:*members>tier:app:allow',
    'src:AppType=other01>tier:app:would-deny',
  ]);
  expect(v.policy).toEqual([
    { source: 'in:*members', target: 'tier:web', services: ['any'] },
    { source: 'in:*members', target: 'tier:app', services: ['any'] },
  ]);
  expect(v.nodes.find((n) => n.id === 'in:*members')).toMatchObject({
    label: 'members (intra-group allow)',
    column: 0,
  });
});
