/**
 * Routes beyond CRUD: the reachability query mapping (with a recording
 * evaluator), OpenAPI and the docs page, and concurrent writers (optimistic
 * concurrency holds under parallel requests).
 */
import type { PolicySnapshot } from '../../service/model/snapshot';
import { ExplainInputError, type ExplainQuery } from '../../service/policy/explain';
import { startService, type TestService } from '../support/service';

let svc: TestService;
const seen: { snapshot: PolicySnapshot; query: ExplainQuery }[] = [];

beforeAll(async () => {
  svc = await startService({
    explain: (snapshot, query) => {
      seen.push({ snapshot, query });
      if (query.protocol === 'icmpv6' && query.src.includes('.'))
        throw new ExplainInputError('protocol', 'icmpv6 needs IPv6 addresses');
      return { verdict: 'deny', layer: 'application', rule: 'shop', mode: 'apply' };
    },
  });
  await svc.api('POST', '/v1/categories', { name: 'Tier', values: ['web'] });
  await svc.api('POST', '/v1/hosts', { name: 'hv1' });
  await svc.api('POST', '/v1/entities', {
    name: 'web1',
    host: 'hv1',
    port: 'p1',
    ips: ['10.0.0.1'],
    categories: { Tier: 'web' },
  });
});
afterAll(async () => {
  await svc?.close();
});

describe('GET /v1/reachability', () => {
  test('passes a typed query and the current snapshot to the evaluator', async () => {
    const r = await svc.api('GET', '/v1/reachability?src=web1&dst=192.0.2.7&protocol=tcp&port=443', undefined, {
      as: 'reader',
    });
    expect([r.status, r.body]).toEqual([
      200,
      { verdict: 'deny', layer: 'application', rule: 'shop', mode: 'apply', drafts: [] },
    ]);
    const last = seen[seen.length - 1];
    expect(last.query).toEqual({ src: 'web1', dst: '192.0.2.7', protocol: 'tcp', port: 443 });
    expect(last.snapshot.entities.map((e) => e.name)).toEqual(['web1']);
    expect(last.snapshot.generation).toBe(svc.store.generation());
    await svc.api('GET', '/v1/reachability?src=10.0.0.1&dst=web1&protocol=icmp&icmp_type=8&icmp_code=0');
    expect(seen[seen.length - 1].query).toEqual({
      src: '10.0.0.1',
      dst: 'web1',
      protocol: 'icmp',
      icmp_type: 8,
      icmp_code: 0,
    });
  });

  test.each([
    ['src=ghost&dst=web1&protocol=tcp', 404, 'src'],
    ['src=web1&dst=nobody&protocol=tcp', 404, 'dst'],
    ['src=web1&dst=web1&protocol=ipx', 422, 'protocol'],
    ['src=web1&dst=web1&protocol=256', 422, 'protocol'],
    ['src=web1&dst=web1&protocol=tcp&port=0', 422, 'port'],
    ['src=web1&dst=web1&protocol=tcp&port=70000', 422, 'port'],
    ['src=web1&dst=web1&protocol=tcp&port=http', 400, 'port'],
    ['src=web1&dst=web1&protocol=icmp&icmp_type=300', 422, 'icmp_type'],
    ['dst=web1&protocol=tcp', 400, 'src'],
    ['src=web1&dst=web1&protocol=tcp&colour=red', 400, 'colour'],
    ['src=10.0.0.1&dst=10.0.0.2&protocol=icmpv6', 422, 'protocol'],
  ])('%s → %i naming %s', async (q, status, field) => {
    const r = await svc.api('GET', `/v1/reachability?${q}`);
    expect([r.status, r.body.field, typeof r.body.message]).toEqual([status, field, 'string']);
  });
});

describe('OpenAPI', () => {
  test('/openapi.json documents every collection with the model schemas', async () => {
    const r = await svc.api('GET', '/openapi.json', undefined, { as: null });
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const c of [
      'categories',
      'address-groups',
      'service-groups',
      'hosts',
      'entities',
      'application-rules',
      'isolation-rules',
      'quarantine-rules',
    ]) {
      expect(Object.keys(doc.paths[`/v1/${c}`])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths[`/v1/${c}/{name}`])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    }
    const entity = doc.paths['/v1/entities'].post.requestBody.content['application/json'].schema;
    expect(entity.properties.mac.description).toMatch(/MAC/);
    expect(entity.required).toEqual(expect.arrayContaining(['name', 'host', 'port', 'ips']));
    expect(doc.paths['/v1/reachability'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['src', 'dst', 'protocol', 'port']),
    );
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
  });

  test('/docs serves the page and its assets without network or token', async () => {
    const page = await fetch(`${svc.url}/docs/static/index.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const asset = await fetch(`${svc.url}/docs/static/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});

describe('concurrent writers', () => {
  test('of 10 parallel updates at one version exactly one wins; the rest get 409', async () => {
    await svc.api('POST', '/v1/address-groups', { name: 'race', cidrs: [] });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        svc.api(
          'PUT',
          '/v1/address-groups/race',
          { name: 'race', cidrs: [`198.51.100.${i}/32`] },
          { headers: { 'if-match': '"1"' } },
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await svc.api('GET', '/v1/address-groups/race')).body).toEqual(winner.body);
  });

  test('of parallel creates claiming one IP exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        svc.api('POST', '/v1/entities', { name: `dup${i}`, host: 'hv1', port: `d${i}`, ips: ['10.0.9.9'] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(409)]);
    expect(
      (await svc.api('GET', '/v1/entities')).body.items.filter((e: { ips: string[] }) => e.ips.includes('10.0.9.9')),
    ).toHaveLength(1);
  });
});

describe('GET /v1/reachability with the reference evaluator', () => {
  let real: TestService;
  beforeAll(async () => {
    real = await startService();
    const objects: [string, object][] = [
      ['categories', { name: 'Tier', values: ['web', 'app', 'db'] }],
      ['categories', { name: 'Env', values: ['prod', 'dev'] }],
      ['address-groups', { name: 'office', cidrs: ['192.0.2.0/24'] }],
      ['hosts', { name: 'hv1' }],
      [
        'entities',
        { name: 'web1', host: 'hv1', port: 'p1', ips: ['10.0.0.1'], categories: { Tier: 'web', Env: 'prod' } },
      ],
      [
        'entities',
        { name: 'app1', host: 'hv1', port: 'p2', ips: ['10.0.0.2'], categories: { Tier: 'app', Env: 'prod' } },
      ],
      [
        'entities',
        { name: 'db1', host: 'hv1', port: 'p3', ips: ['10.0.0.3'], categories: { Tier: 'db', Env: 'prod' } },
      ],
      [
        'entities',
        { name: 'dev1', host: 'hv1', port: 'p4', ips: ['10.0.0.4'], categories: { Tier: 'app', Env: 'dev' } },
      ],
      [
        'entities',
        { name: 'q1', host: 'hv1', port: 'p5', ips: ['10.0.0.5'], categories: { Tier: 'web', Quarantine: 'Forensic' } },
      ],
      ['entities', { name: 'mon1', host: 'hv1', port: 'p6', ips: ['10.0.0.6'], categories: { Env: 'dev' } }],
      [
        'entities',
        { name: 's1', host: 'hv1', port: 'p7', ips: ['10.0.0.7'], categories: { Tier: 'web', Quarantine: 'Strict' } },
      ],
      [
        'application-rules',
        {
          name: 'shop',
          mode: 'apply',
          target: { categories: { Tier: ['web', 'app', 'db'] } },
          inbound: [
            {
              from: { address_groups: ['office'] },
              to: { categories: { Tier: ['web'] } },
              services: [{ protocol: 'tcp', ports: ['443'] }],
            },
            {
              from: { categories: { Tier: ['web'] } },
              to: { categories: { Tier: ['app'] } },
              services: [{ protocol: 'tcp', ports: ['8080'] }],
            },
            {
              from: { categories: { Tier: ['app'] } },
              to: { categories: { Tier: ['db'] } },
              services: [{ protocol: 'tcp', ports: ['5432'] }],
            },
          ],
        },
      ],
      ['application-rules', { name: 'devmon', mode: 'monitor', target: { categories: { Env: ['dev'] } } }],
      [
        'isolation-rules',
        { name: 'envs', mode: 'apply', groups: [{ categories: { Env: ['prod'] } }, { categories: { Env: ['dev'] } }] },
      ],
      [
        'quarantine-rules',
        {
          name: 'q',
          mode: 'apply',
          target: { categories: { Quarantine: ['Strict', 'Forensic'] } },
          inbound: [{ from: { cidrs: ['10.9.0.0/16'] }, services: [{ protocol: 'tcp', ports: ['22'] }] }],
        },
      ],
      [
        'shared-service-rules',
        {
          name: 'dns',
          mode: 'apply',
          providers: { categories: { Tier: ['db'] } },
          consumers: { any: true },
          services: [{ protocol: 'udp', ports: ['53'] }],
        },
      ],
      [
        'isolation-rules',
        { name: 'draft', mode: 'off', groups: [{ categories: { Tier: ['web'] } }, { categories: { Tier: ['app'] } }] },
      ],
    ];
    for (const [collection, body] of objects) {
      const r = await real.api('POST', `/v1/${collection}`, body);
      if (r.status !== 201) throw new Error(`${collection}: ${JSON.stringify(r.body)}`);
    }
  });
  afterAll(async () => {
    await real?.close();
  });

  test.each([
    ['192.0.2.10', 'web1', 'tcp', 443, 'allow', 'application', 'shop', 'apply'],
    ['192.0.2.10', 'web1', 'tcp', 80, 'deny', 'application', 'shop', 'apply'],
    ['web1', 'app1', 'tcp', 8080, 'allow', 'application', 'shop', 'apply'],
    ['web1', '10.0.0.3', 'tcp', 5432, 'deny', 'application', 'shop', 'apply'],
    ['app1', 'dev1', 'tcp', 8080, 'deny', 'isolation', 'envs', 'apply'],
    ['10.9.0.1', 'q1', 'tcp', 22, 'allow', 'quarantine', 'q', 'apply'],
    ['web1', 'q1', 'tcp', 443, 'deny', 'quarantine', 'q', 'apply'],
    ['10.9.0.1', 's1', 'tcp', 22, 'deny', 'quarantine', null, 'apply'],
    ['dev1', 'db1', 'udp', 53, 'allow', 'shared_service', 'dns', 'apply'],
    ['198.51.100.1', 'mon1', 'tcp', 80, 'would-deny', 'application', 'devmon', 'monitor'],
    ['198.51.100.1', '198.51.100.2', 'udp', 53, 'allow', 'default', null, null],
  ])('%s → %s %s/%s: %s by %s (%s)', async (src, dst, protocol, port, verdict, layer, rule, mode) => {
    const r = await real.api(
      'GET',
      `/v1/reachability?src=${src}&dst=${dst}&protocol=${protocol}&port=${port}`,
      undefined,
      { as: 'reader' },
    );
    expect([r.status, r.body]).toEqual([
      200,
      {
        verdict,
        layer,
        rule,
        mode,
        drafts: src === 'web1' && dst === 'app1' ? [{ kind: 'isolation_rule', rule: 'draft', verdict: 'deny' }] : [],
      },
    ]);
  });

  test('a policy change shows at once', async () => {
    const before = await real.api('GET', '/v1/reachability?src=web1&dst=db1&protocol=tcp&port=5432');
    expect(before.body.verdict).toBe('deny');
    const rule = await real.api('GET', '/v1/application-rules/shop');
    const { id: _i, version, created_at: _c, updated_at: _u, rule_id: _r, ...body } = rule.body;
    body.inbound[2].from.categories.Tier = ['app', 'web'];
    expect((await real.api('PUT', '/v1/application-rules/shop', { ...body, version })).status).toBe(200);
    const after = await real.api('GET', '/v1/reachability?src=web1&dst=db1&protocol=tcp&port=5432');
    expect(after.body).toEqual({ verdict: 'allow', layer: 'application', rule: 'shop', mode: 'apply', drafts: [] });
  });
});

describe('plugins and the in-process agent link', () => {
  test('a plugin adds routes with declared access and gets the store and agent link', async () => {
    const generations: number[] = [];
    let unsubscribe = () => {};
    const withPlugin = await startService({
      plugins: [
        async (app) => {
          unsubscribe = app.agentLink.onGeneration((g) => generations.push(g));
          app.get('/v1/x-open', { config: { access: 'open' } }, async () => ({ open: true }));
          app.post('/v1/x-agent', { config: { access: 'agent' } }, async () => ({
            generation: (await app.agentLink.fetchPolicy()).generation,
          }));
          app.post('/v1/x-report', { config: { access: 'agent' } }, async () => {
            await app.agentLink.reportStatus('hvp', {
              realized_generation: 2,
              flow_count: 5,
              reachable: true,
              last_error: null,
              drift_repairs: 0,
            });
            return { ok: true };
          });
        },
      ],
    });
    try {
      expect((await withPlugin.api('GET', '/v1/x-open', undefined, { as: null })).body).toEqual({ open: true });
      expect((await withPlugin.api('POST', '/v1/x-agent', undefined, { as: 'reader' })).status).toBe(403);
      expect((await withPlugin.api('POST', '/v1/x-agent', undefined, { as: 'agent:hvp' })).body).toEqual({
        generation: 1,
      });
      await withPlugin.api('POST', '/v1/hosts', { name: 'hvp' });
      expect(generations).toEqual([2]);
      expect((await withPlugin.api('POST', '/v1/x-report', undefined, { as: 'agent:hvp' })).status).toBe(200);
      expect((await withPlugin.api('GET', '/v1/hosts/hvp')).body.status).toMatchObject({
        reachable: true,
        realized_generation: 2,
        desired_generation: 2,
        flow_count: 5,
      });
      unsubscribe();
      await withPlugin.api('DELETE', '/v1/hosts/hvp');
      expect(generations).toEqual([2]);
    } finally {
      await withPlugin.close();
    }
  });
});

describe('shutdown', () => {
  test('closing the app answers pending long polls at once', async () => {
    const closing = await startService();
    const g = closing.store.generation();
    const pending = closing.api('GET', `/v1/agents/policy?after=${g}&wait=60`, undefined, { as: 'agent:hx' });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await closing.close();
    const answered = await pending;
    expect(Date.now() - started).toBeLessThan(3000);
    expect([answered.status, answered.body.generation]).toEqual([200, g]);
  });
});

describe('health', () => {
  test('/healthz answers 200 with the generation, 503 once the database is gone', async () => {
    const h = await startService();
    try {
      expect((await h.api('GET', '/healthz', undefined, { as: null })).body).toEqual({ ok: true, generation: 1 });
      await h.store.close();
      const down = await h.api('GET', '/healthz', undefined, { as: null });
      expect([down.status, down.body.error]).toEqual([503, 'unavailable']);
    } finally {
      await h.app.close();
    }
  });
});
