/**
 * Routes beyond CRUD: the reachability query mapping (with a recording
 * evaluator), OpenAPI and the docs page, and concurrent writers (optimistic
 * concurrency holds under parallel requests).
 */
import type { PolicySnapshot } from '../../service/model/snapshot';
import type { ExplainQuery } from '../../service/api/status';
import { startService, type TestService } from '../support/service';

class ExplainInputError extends Error {
  constructor(message: string, readonly field: string) { super(message); this.name = 'ExplainInputError'; }
}

let svc: TestService;
const seen: { snapshot: PolicySnapshot; query: ExplainQuery }[] = [];

beforeAll(async () => {
  svc = await startService({
    explain: (snapshot, query) => {
      seen.push({ snapshot, query });
      if (query.protocol === 'icmpv6' && query.src.includes('.')) throw new ExplainInputError('icmpv6 needs IPv6 addresses', 'protocol');
      return { verdict: 'deny', layer: 'application', rule: 'shop', mode: 'apply' };
    },
  });
  await svc.api('POST', '/v1/categories', { name: 'Tier', values: ['web'] });
  await svc.api('POST', '/v1/hosts', { name: 'hv1' });
  await svc.api('POST', '/v1/entities', { name: 'web1', host: 'hv1', port: 'p1', ips: ['10.0.0.1'], categories: { Tier: 'web' } });
});
afterAll(async () => { await svc?.close(); });

describe('GET /v1/reachability', () => {
  test('passes a typed query and the current snapshot to the evaluator', async () => {
    const r = await svc.api('GET', '/v1/reachability?src=web1&dst=192.0.2.7&protocol=tcp&port=443', undefined, { as: 'reader' });
    expect([r.status, r.body]).toEqual([200, { verdict: 'deny', layer: 'application', rule: 'shop', mode: 'apply' }]);
    const last = seen[seen.length - 1];
    expect(last.query).toEqual({ src: 'web1', dst: '192.0.2.7', protocol: 'tcp', port: 443 });
    expect(last.snapshot.entities.map((e) => e.name)).toEqual(['web1']);
    expect(last.snapshot.generation).toBe(svc.store.generation());
    await svc.api('GET', '/v1/reachability?src=10.0.0.1&dst=web1&protocol=icmp&icmp_type=8&icmp_code=0');
    expect(seen[seen.length - 1].query).toEqual({ src: '10.0.0.1', dst: 'web1', protocol: 'icmp', icmp_type: 8, icmp_code: 0 });
  });

  test.each([
    ['src=ghost&dst=web1&protocol=tcp', 404, 'src'],
    ['src=web1&dst=nobody&protocol=tcp', 404, 'dst'],
    ['src=web1&dst=web1&protocol=sctp', 400, 'protocol'],
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
    for (const c of ['categories', 'address-groups', 'service-groups', 'hosts', 'entities', 'application-rules', 'isolation-rules', 'quarantine-rules']) {
      expect(Object.keys(doc.paths[`/v1/${c}`])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths[`/v1/${c}/{name}`])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    }
    const entity = doc.paths['/v1/entities'].post.requestBody.content['application/json'].schema;
    expect(entity.properties.mac.description).toMatch(/MAC/);
    expect(entity.required).toEqual(expect.arrayContaining(['name', 'host', 'port', 'ips']));
    expect(doc.paths['/v1/reachability'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['src', 'dst', 'protocol', 'port']));
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
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      svc.api('PUT', '/v1/address-groups/race', { name: 'race', cidrs: [`198.51.100.${i}/32`] }, { headers: { 'if-match': '"1"' } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await svc.api('GET', '/v1/address-groups/race')).body).toEqual(winner.body);
  });

  test('of parallel creates claiming one IP exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      svc.api('POST', '/v1/entities', { name: `dup${i}`, host: 'hv1', port: `d${i}`, ips: ['10.0.9.9'] })));
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(409)]);
    expect((await svc.api('GET', '/v1/entities')).body.items.filter((e: { ips: string[] }) => e.ips.includes('10.0.9.9'))).toHaveLength(1);
  });
});
