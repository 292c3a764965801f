/** The aggregated, bounded history of observed connections, in its database table (SQLite and PostgreSQL). */
import { FlowStore, type FlowStoreOptions } from '../../service/observations/flow-store';
import { PolicyStore } from '../../service/store/store';
import { startPostgres, type PgCluster } from '../support/postgres';
import { EntityIndex } from '../../service/observations/entity-index';
import type { PolicySnapshot } from '../../service/model/snapshot';
import type { ObservedConnectionT } from '../../service/model/observation';

const snapshot: PolicySnapshot = {
  generation: 3,
  categories: [],
  address_groups: [],
  service_groups: [],
  application_rules: [],
  isolation_rules: [],
  quarantine_rules: [],
  shared_service_rules: [],
  hosts: [{ name: 'ha', bridge: 'br.microseg', uplinks: [] }],
  entities: [
    {
      name: 'web-1',
      host: 'ha',
      port: 'vm-web1',
      ips: ['10.0.0.11', 'fd00::11'],
      categories: { AppType: 'shop', AppTier: 'web' },
    },
    { name: 'db-1', host: 'ha', port: 'vm-db1', ips: ['10.0.0.31'], categories: { AppType: 'shop', AppTier: 'db' } },
  ],
};
const index = new EntityIndex(snapshot);
const conn = (over: Partial<ObservedConnectionT> = {}): ObservedConnectionT => ({
  src: '10.0.0.11',
  dst: '10.0.0.31',
  protocol: 'tcp',
  port: 5432,
  verdict: 'would-deny',
  rule: 'shop',
  rule_kind: 'application',
  new: 1,
  active: 1,
  ...over,
});

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe.each(['sqlite', 'postgres'] as const)('FlowStore on %s', (backend) => {
  let pg: PgCluster | undefined;
  const opened: PolicyStore[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
    await pg?.stop();
  });
  /** A flow store on a fresh database. */
  async function flowStore(options: FlowStoreOptions): Promise<FlowStore> {
    let database = ':memory:';
    if (backend === 'postgres') {
      pg ??= await startPostgres();
      database = await pg.createDatabase();
    }
    const policy = await PolicyStore.open(database);
    opened.push(policy);
    return new FlowStore(policy.flows, options);
  }

  test('aggregates by (source, destination, protocol, port, verdict, rule) with first/last seen and count; resolves entity names', async () => {
    const c = clock();
    const s = await flowStore({ maxEntries: 100, retentionMs: 60_000, now: c.now });
    await s.ingest('ha', { connections: [conn({ new: 2, active: 2 })] }, index);
    c.t += 1000;
    await s.ingest(
      'ha',
      {
        connections: [
          conn({ new: 0, active: 1 }),
          conn({ src: 'fd00:0:0::11', new: 1 }),
          conn({ verdict: 'allow', rule: null, rule_kind: null }),
        ],
      },
      index,
    );
    const rows = await s.query({}, index);
    expect(rows).toHaveLength(2); // the IPv6 address of web-1 lands on the same row
    const wd = rows.find((r) => r.verdict === 'would-deny')!;
    expect(wd).toMatchObject({
      source: 'web-1',
      destination: 'db-1',
      source_entity: true,
      protocol: 'tcp',
      port: 5432,
      rule: 'shop',
      count: 3,
      hosts: ['ha'],
    });
    expect(wd.first_seen).toBe(new Date(1_000_000).toISOString());
    expect(wd.last_seen).toBe(new Date(1_001_000).toISOString());
  });

  test('an address of no entity stays an IP', async () => {
    const s = await flowStore({ maxEntries: 10, retentionMs: 60_000 });
    await s.ingest('ha', { connections: [conn({ src: '192.0.2.9' })] }, index);
    expect((await s.query({}, index))[0]).toMatchObject({
      source: '192.0.2.9',
      source_entity: false,
      destination: 'db-1',
    });
  });

  test('filters: rule, entity, category, verdict, since', async () => {
    const c = clock();
    const s = await flowStore({ maxEntries: 100, retentionMs: 600_000, now: c.now });
    await s.ingest(
      'ha',
      { connections: [conn(), conn({ verdict: 'deny', rule: 'iso', rule_kind: 'isolation', port: 22 })] },
      index,
    );
    c.t += 5000;
    await s.ingest(
      'ha',
      { connections: [conn({ src: '192.0.2.9', dst: '10.0.0.11', port: 443, verdict: 'allow', rule: 'shop' })] },
      index,
    );
    const q = async (f: Parameters<FlowStore['query']>[0]) =>
      (await s.query(f, index)).map((r) => `${r.source}>${r.destination}:${r.port}`).sort();
    expect(await q({ rule: 'shop' })).toEqual(['192.0.2.9>web-1:443', 'web-1>db-1:5432']);
    expect(await q({ rule: 'iso', rule_kind: 'isolation' })).toEqual(['web-1>db-1:22']);
    expect(await q({ entity: 'db-1' })).toEqual(['web-1>db-1:22', 'web-1>db-1:5432']);
    expect(await q({ category: { key: 'AppTier', value: 'web' } })).toHaveLength(3);
    expect(await q({ category: { key: 'AppTier', value: 'db' } })).toEqual(['web-1>db-1:22', 'web-1>db-1:5432']);
    expect(await q({ verdict: 'deny' })).toEqual(['web-1>db-1:22']);
    expect(await q({ since: c.t })).toEqual(['192.0.2.9>web-1:443']);
  });

  test('full: the least recently seen row is dropped first and counted', async () => {
    const c = clock();
    const s = await flowStore({ maxEntries: 3, retentionMs: 600_000, now: c.now });
    for (const port of [1, 2, 3]) {
      await s.ingest('ha', { connections: [conn({ port })] }, index);
      c.t += 10;
    }
    await s.ingest('ha', { connections: [conn({ port: 1 })] }, index); // port 1 seen again: now the newest
    c.t += 10;
    await s.ingest('ha', { connections: [conn({ port: 4 })] }, index);
    expect(await s.stats()).toMatchObject({ entries: 3, dropped: 1 });
    expect((await s.query({}, index)).map((r) => r.port)).toEqual([4, 1, 3]);
  });

  test('rows not seen within the retention expire', async () => {
    const c = clock();
    const s = await flowStore({ maxEntries: 10, retentionMs: 1000, now: c.now });
    await s.ingest('ha', { connections: [conn({ port: 1 })] }, index);
    c.t += 600;
    await s.ingest('ha', { connections: [conn({ port: 2 })] }, index);
    c.t += 600;
    expect((await s.query({}, index)).map((r) => r.port)).toEqual([2]);
    expect((await s.stats()).entries).toBe(1);
    await s.ingest('ha', { connections: [conn({ port: 3 })] }, index); // a report removes what expired, and counts it
    expect(await s.stats()).toMatchObject({ entries: 2, expired: 1 });
  });

  test('per-cookie counters are replaced per host and summed per rule', async () => {
    const s = await flowStore({ maxEntries: 10, retentionMs: 1000 });
    const counters = (packets: number) => [
      { cookie: '0x10', rule: 'shop', rule_kind: 'application' as const, packets, bytes: packets * 100 },
    ];
    await s.ingest('ha', { connections: [], counters: counters(5) }, index);
    await s.ingest('ha', { connections: [], counters: counters(7) }, index);
    await s.ingest('hb', { connections: [], counters: counters(1) }, index);
    expect(await s.ruleCounters('shop', 'application')).toMatchObject({ packets: 8, bytes: 800 });
    expect((await s.ruleCounters('shop', 'isolation')).packets).toBe(0);
  });

  test('rule totals count every row of the rule, of that kind only', async () => {
    const s = await flowStore({ maxEntries: 5000, retentionMs: 60_000 });
    await s.ingest('ha', { connections: Array.from({ length: 3000 }, (_, i) => conn({ port: i + 1, new: 2 })) }, index);
    await s.ingest('ha', { connections: [conn({ rule_kind: 'isolation', verdict: 'deny' })] }, index);
    const t = await s.ruleTotals('shop', 'application');
    expect(t.connections).toEqual({ allow: 0, deny: 0, 'would-deny': 6000 });
    expect(t.last_seen).not.toBeNull();
    expect((await s.ruleTotals('shop', 'isolation')).connections.deny).toBe(1);
    expect(await s.ruleTotals('nope', 'application')).toEqual({
      connections: { allow: 0, deny: 0, 'would-deny': 0 },
      last_seen: null,
    });
  });

  test('rejects a bad bound', async () => {
    await expect(flowStore({ maxEntries: 0, retentionMs: 1 })).rejects.toThrow(/maxEntries/);
  });
});
