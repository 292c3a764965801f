/** Observation ingestion and queries, rule hits, flow view, /metrics and /ui, through the real service over HTTP. */
import { startService, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import type { ObservedConnectionT } from '../../service/model/observation';

let svc: TestService;

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

beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: 1000, retentionMs: 3_600_000 })] });
  const ok = async (path: string, body: unknown) => {
    const r = await svc.api('POST', path, body);
    if (r.status !== 201 && r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await ok('/v1/categories', { name: 'AppType', values: ['shop'] });
  await ok('/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
  await ok('/v1/hosts', { name: 'ha' });
  await ok('/v1/hosts', { name: 'hb' });
  await ok('/v1/entities', {
    name: 'web-1',
    host: 'ha',
    port: 'vm-web1',
    ips: ['10.0.0.11'],
    categories: { AppType: 'shop', AppTier: 'web' },
  });
  await ok('/v1/entities', {
    name: 'app-1',
    host: 'ha',
    port: 'vm-app1',
    ips: ['10.0.0.21'],
    categories: { AppType: 'shop', AppTier: 'app' },
  });
  await ok('/v1/entities', {
    name: 'db-1',
    host: 'hb',
    port: 'vm-db1',
    ips: ['10.0.0.31'],
    categories: { AppType: 'shop', AppTier: 'db' },
  });
  await ok('/v1/application-rules', {
    name: 'shop',
    mode: 'monitor',
    target: { categories: { AppType: ['shop'] } },
    inbound: [
      {
        from: { categories: { AppTier: ['web'] } },
        to: { categories: { AppTier: ['app'] } },
        services: [{ protocol: 'tcp', ports: ['8080'] }],
      },
      {
        from: { cidrs: ['192.0.2.0/24'] },
        to: { categories: { AppTier: ['web'] } },
        services: [{ protocol: 'tcp', ports: ['443'] }],
      },
    ],
  });
  await ok('/v1/isolation-rules', {
    name: 'split',
    mode: 'apply',
    groups: [{ categories: { AppTier: ['web'] } }, { categories: { AppTier: ['db'] } }],
  });
});
afterAll(async () => {
  await svc?.close();
});

describe('POST /v1/agents/hosts/:name/observations', () => {
  test('an agent reports; the rows appear in /v1/flows with entity names', async () => {
    const r = await svc.api(
      'POST',
      '/v1/agents/hosts/hb/observations',
      {
        connections: [
          conn(),
          conn({ src: '192.0.2.7', dst: '10.0.0.11', port: 443, verdict: 'allow' }),
          conn({ verdict: 'deny', rule: 'split', rule_kind: 'isolation', port: 22 }),
        ],
        counters: [{ cookie: '0x1a', rule: 'shop', rule_kind: 'application', packets: 9, bytes: 900 }],
      },
      { as: 'agent:hb' },
    );
    expect(r.status).toBe(204);
    const flows = await svc.api('GET', '/v1/flows', undefined, { as: 'reader' });
    expect(flows.status).toBe(200);
    expect(flows.body.items).toHaveLength(3);
    expect(flows.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'web-1',
          destination: 'db-1',
          port: 5432,
          verdict: 'would-deny',
          rule: 'shop',
          count: 1,
          hosts: ['hb'],
        }),
      ]),
    );
    expect(flows.body.stats).toMatchObject({ entries: 3, max_entries: 1000, dropped: 0 });
  });

  test('filters by rule, verdict, entity, category and since', async () => {
    const get = async (qs: string) =>
      (await svc.api('GET', `/v1/flows?${qs}`)).body.items.map((f: { port: number }) => f.port).sort();
    expect(await get('rule=shop')).toEqual([443, 5432]);
    expect(await get('verdict=would-deny')).toEqual([5432]);
    expect(await get('verdict=deny&rule=split')).toEqual([22]);
    expect(await get('entity=web-1')).toEqual([22, 443, 5432]);
    expect(await get('category=AppTier:db')).toEqual([22, 5432]);
    expect(await get('since=1m')).toEqual([22, 443, 5432]);
    expect(await get(`since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect(await get('host=hb')).toEqual([22, 443, 5432]);
    expect(await get('host=ha')).toEqual([]);
    expect(await get('q=192.0.2')).toEqual([443]);
    expect(await get('q=WEB-1')).toEqual([22, 443, 5432]); // any case
    expect(await get('q=AppTier:db')).toEqual([22, 5432]); // Key:Value searches the category
  });

  test('sorts and pages on the server: total counts every match, offset and limit cut one page', async () => {
    const page = async (qs: string) => (await svc.api('GET', `/v1/flows?${qs}`)).body;
    const all = await page('sort=service');
    expect(all.total).toBe(3);
    expect(all.items.map((f: { port: number }) => f.port)).toEqual([22, 443, 5432]); // "tcp/22" < "tcp/443" < "tcp/5432"
    expect((await page('sort=service&order=desc')).items.map((f: { port: number }) => f.port)).toEqual([5432, 443, 22]);
    const p2 = await page('sort=service&offset=1&limit=1');
    expect(p2).toMatchObject({ total: 3, items: [expect.objectContaining({ port: 443 })] });
    expect((await page('sort=verdict&limit=1')).items[0].verdict).toBe('allow');
    expect((await page('verdict=deny&limit=1')).total).toBe(1);
    expect(await page('sort=size')).toMatchObject({ error: 'bad_request', field: 'sort' });
    expect(await page('offset=-1')).toMatchObject({ error: 'bad_request', field: 'offset' });
    expect(await page('q=AppTier:')).toMatchObject({ error: 'bad_request', field: 'q' });
  });

  test('bad input: 400 naming the field; unknown host 404; reader may not report', async () => {
    const bad = await svc.api('GET', '/v1/flows?category=AppTier');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_request', field: 'category' });
    const since = await svc.api('GET', '/v1/flows?since=yesterday');
    expect(since.body.field).toBe('since');
    const verdict = await svc.api('GET', '/v1/flows?verdict=maybe');
    expect(verdict.status).toBe(400);
    expect(verdict.body.field).toBe('verdict');
    const body = await svc.api(
      'POST',
      '/v1/agents/hosts/ha/observations',
      { connections: [{ ...conn(), verdict: 'maybe' }] },
      { as: 'agent:ha' },
    );
    expect(body.status).toBe(400);
    expect(body.body.field).toBe('connections[0].verdict');
    expect(
      (await svc.api('POST', '/v1/agents/hosts/nohost/observations', { connections: [] }, { as: 'agent:nohost' }))
        .status,
    ).toBe(404);
    expect(
      (await svc.api('POST', '/v1/agents/hosts/ha/observations', { connections: [] }, { as: 'reader' })).status,
    ).toBe(403);
    expect((await svc.api('GET', '/v1/flows', undefined, { as: null })).status).toBe(401);
  });
});

describe('rule hits and the flow view', () => {
  test('GET /v1/application-rules/:name/hits sums connections by verdict and the rule counters', async () => {
    const r = await svc.api('GET', '/v1/application-rules/shop/hits');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      rule: 'shop',
      kind: 'application',
      mode: 'monitor',
      connections: { allow: 1, deny: 0, 'would-deny': 1 },
      packets: 9,
      bytes: 900,
    });
    const iso = await svc.api('GET', '/v1/isolation-rules/split/hits');
    expect(iso.body).toMatchObject({ kind: 'isolation', connections: { deny: 1 } });
    expect((await svc.api('GET', '/v1/quarantine-rules/nope/hits')).status).toBe(404);
    expect((await svc.api('GET', '/v1/application-rules/split/hits')).status).toBe(404);
  });

  test("flow view: sources → tiers by AppTier → destinations; one band per group pair and verdict with services and counts; the rule's paths", async () => {
    const r = await svc.api('GET', '/v1/application-rules/shop/flow-view');
    expect(r.status).toBe(200);
    const v = r.body;
    expect(v.tier_key).toBe('AppTier');
    const nodes = (column: number) =>
      v.nodes
        .filter((n: { column: number }) => n.column === column)
        .map((n: { id: string; label: string }) => [n.id, n.label]);
    expect(nodes(1)).toEqual([
      ['tier:web', 'AppTier=web'],
      ['tier:app', 'AppTier=app'],
      ['tier:db', 'AppTier=db'],
    ]); // the order the rule's entries lead through them (web → app), db reached by none last
    expect(nodes(0)).toEqual([
      ['in:AppTier=web', 'AppTier=web'],
      ['in:192.0.2.0/24', '192.0.2.0/24'],
    ]); // the rule's entries, in order
    expect(nodes(2)).toEqual([['out:any', 'any (allow all)']]);
    expect(v.bands).toEqual(
      expect.arrayContaining([
        // web-1 → db-1 is grouped under the rule's "from AppTier=web" entry (no entry lets it into db)
        expect.objectContaining({
          source: 'in:AppTier=web',
          target: 'tier:db',
          verdict: 'would-deny',
          count: 1,
          services: [{ service: 'tcp/5432', count: 1 }],
          endpoints: [{ name: 'web-1', count: 1 }],
          rules: ['shop'],
        }),
        expect.objectContaining({
          source: 'in:AppTier=web',
          target: 'tier:db',
          verdict: 'deny',
          services: [{ service: 'tcp/22', count: 1 }],
          rules: ['split'],
        }),
        expect.objectContaining({
          source: 'in:192.0.2.0/24',
          target: 'tier:web',
          verdict: 'allow',
          endpoints: [{ name: '192.0.2.7', count: 1 }],
        }),
      ]),
    );
    expect(v.bands).toHaveLength(3);
    expect(v.totals).toEqual({ allow: 1, deny: 1, 'would-deny': 1 });
    expect(v.policy).toEqual(
      expect.arrayContaining([
        { source: 'in:AppTier=web', target: 'tier:app', services: ['tcp/8080'] },
        { source: 'tier:db', target: 'out:any', services: ['any'] },
      ]),
    );
    // Filters as for /v1/flows.
    const wd = (await svc.api('GET', '/v1/application-rules/shop/flow-view?verdict=would-deny&q=web-1')).body;
    expect(wd.bands.map((b: { verdict: string }) => b.verdict)).toEqual(['would-deny']);
    expect(
      (await svc.api('GET', '/v1/application-rules/shop/flow-view?since=1m&q=AppTier:web')).body.bands,
    ).toHaveLength(3);
    expect((await svc.api('GET', '/v1/application-rules/shop/flow-view?since=soon')).body).toMatchObject({
      error: 'bad_request',
      field: 'since',
    });
    expect((await svc.api('GET', '/v1/application-rules/nope/flow-view')).status).toBe(404);
  });

  test('GET /v1/entities/:name/rules: the rules whose target or isolation group holds it', async () => {
    expect((await svc.api('GET', '/v1/entities/db-1/rules', undefined, { as: 'reader' })).body.items).toEqual([
      { kind: 'isolation', name: 'split', mode: 'apply', as: 'group 2' },
      { kind: 'application', name: 'shop', mode: 'monitor', as: 'target' },
    ]);
    expect((await svc.api('GET', '/v1/entities/nope/rules')).body).toMatchObject({ error: 'not_found', field: 'name' });
  });
});

describe('/metrics', () => {
  test('scraped with realization lag per host, drift repairs, flows, agent errors, API latency and observed connections', async () => {
    const gen = svc.store.generation();
    await svc.api(
      'POST',
      '/v1/agents/hosts/ha/status',
      { realized_generation: gen - 1, flow_count: 42, reachable: true, last_error: null, drift_repairs: 2 },
      { as: 'agent:ha' },
    );
    await svc.api(
      'POST',
      '/v1/agents/hosts/hb/status',
      { realized_generation: gen, flow_count: 40, reachable: true, last_error: 'ovs-ofctl: timeout', drift_repairs: 0 },
      { as: 'agent:hb' },
    );
    await svc.api(
      'POST',
      '/v1/agents/hosts/hb/status',
      { realized_generation: gen, flow_count: 40, reachable: true, last_error: 'ovs-ofctl: timeout', drift_repairs: 0 },
      { as: 'agent:hb' },
    );
    expect((await svc.api('GET', '/metrics', undefined, { as: null })).status).toBe(401);
    const r = await svc.api('GET', '/metrics', undefined, { as: 'reader' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    const text = r.body as string;
    expect(text).toContain('microseg_host_realization_lag{host="ha"} 1');
    expect(text).toContain('microseg_host_realization_lag{host="hb"} 0');
    expect(text).toContain('microseg_host_drift_repairs{host="ha"} 2');
    expect(text).toContain('microseg_host_flows{host="ha"} 42');
    expect(text).toContain('microseg_agent_errors_total{host="hb"} 1'); // the repeated error counts once
    expect(text).toContain('microseg_host_agent_error{host="hb"} 1');
    expect(text).toContain('microseg_connections_observed_total{verdict="would-deny"} 1');
    expect(text).toContain('microseg_connections_observed_total{verdict="deny"} 1');
    expect(text).toMatch(
      /microseg_http_request_duration_seconds_count\{method="GET",route="\/v1\/flows",status_code="200"\} [1-9]/,
    );
    expect(text).toContain(`microseg_policy_generation ${gen}`);
  });
});

describe('/ui', () => {
  test('serves the page and its script without a token, with a content security policy', async () => {
    const page = await fetch(`${svc.url}/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('/ui/app.js');
    const js = await fetch(`${svc.url}/ui/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('sessionStorage');
    expect((await fetch(`${svc.url}/ui/%2e%2e%2froutes.ts`)).status).toBe(404);
    expect((await fetch(`${svc.url}/ui/nope.js`)).status).toBe(404);
  });
});
