/**
 * GET /v1/application-rules/NAME/recommendation against a real service:
 * observations reported as an agent would, the answer's entries and
 * evidence, errors, and the promise itself held against explain(): with the
 * entries applied, every observed connection the rule did not allow is
 * allowed, and every other (source, destination, service) cell keeps its
 * verdict. `microseg recommend` prints the same entries as HCL that
 * `terraform fmt` accepts unchanged.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { runCli } from '../support/cli';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { explain } from '../../service/policy/explain';
import { createLab, explainFailure } from '../provider/support';

let svc: TestService;

const ENTITIES = [
  { name: 'web1', ip: '10.0.0.11', AppType: 'shop', AppTier: 'web' },
  { name: 'web2', ip: '10.0.0.12', AppType: 'shop', AppTier: 'web' },
  { name: 'app1', ip: '10.0.0.21', AppType: 'shop', AppTier: 'app' },
  { name: 'db1', ip: '10.0.0.31', AppType: 'shop', AppTier: 'db' },
  { name: 'crmweb1', ip: '10.0.0.41', AppType: 'crm', AppTier: 'web' },
  { name: 'crmweb2', ip: '10.0.0.42', AppType: 'crm', AppTier: 'web' },
];
const ip = (name: string) => ENTITIES.find((e) => e.name === name)?.ip ?? name;
const OFFICE = '192.0.2.10';
const RESOLVER = '198.51.100.7';
/** [src, dst, protocol, port]: what the agent saw (the shop rule has no entries, so it would deny all of it). */
const OBSERVED: [string, string, string, number | null][] = [
  ['web1', 'app1', 'tcp', 8080],
  ['web2', 'app1', 'tcp', 8080],
  ['web1', 'app1', 'icmp', null],
  ['app1', 'db1', 'tcp', 5432],
  ['app1', 'db1', 'tcp', 5433],
  ['crmweb1', 'app1', 'tcp', 9000],
  [OFFICE, 'web1', 'tcp', 443],
  ['app1', RESOLVER, 'udp', 53],
];
const RULE = {
  name: 'shop',
  mode: 'monitor',
  target: { categories: { AppType: ['shop'] } },
  outbound_policy: 'allow_listed',
};

const run = (args: string[]) => runCli(svc.url, args);

const ok = async (method: string, path: string, body?: unknown) => {
  const r = await svc.api(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: 1000, retentionMs: 3_600_000 })] });
  await ok('POST', '/v1/categories', { name: 'AppType', values: ['shop', 'crm'] });
  await ok('POST', '/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
  await ok('POST', '/v1/hosts', { name: 'ha' });
  for (const e of ENTITIES)
    await ok('POST', '/v1/entities', {
      name: e.name,
      host: 'ha',
      port: `vm-${e.name}`,
      ips: [e.ip],
      categories: { AppType: e.AppType, AppTier: e.AppTier },
    });
  await ok('POST', '/v1/application-rules', RULE);
  const r = await svc.api(
    'POST',
    '/v1/agents/hosts/ha/observations',
    {
      connections: OBSERVED.map(([s, d, protocol, port]) => ({
        src: ip(s),
        dst: ip(d),
        protocol,
        port,
        verdict: 'would-deny',
        rule: 'shop',
        rule_kind: 'application',
        new: 1,
        active: 0,
      })),
    },
    { as: 'agent:ha' },
  );
  expect(r.status).toBe(204);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

test('the entries: shared categories where every entity with them was observed, else addresses; ports as ranges', async () => {
  const r = await svc.api('GET', '/v1/application-rules/shop/recommendation', undefined, { as: 'reader' });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ rule: 'shop', mode: 'monitor', window: '24h', connections: OBSERVED.length });
  // web1 and web2 are every shop web entity; app1 is the only shop app; crmweb1 shares its categories
  // with crmweb2 (not observed), and web1 alone is not every shop web entity (icmp): addresses.
  // In the order of `to` (the target's tiers), then `from`.
  expect(r.body.inbound).toEqual([
    {
      from: { categories: { AppTier: ['web'], AppType: ['shop'] } },
      to: { categories: { AppTier: ['app'] } },
      services: [{ protocol: 'tcp', ports: ['8080'] }],
    },
    { from: { cidrs: ['10.0.0.11/32'] }, to: { categories: { AppTier: ['app'] } }, services: [{ protocol: 'icmp' }] },
    {
      from: { cidrs: ['10.0.0.41/32'] },
      to: { categories: { AppTier: ['app'] } },
      services: [{ protocol: 'tcp', ports: ['9000'] }],
    },
    {
      from: { categories: { AppTier: ['app'], AppType: ['shop'] } },
      to: { categories: { AppTier: ['db'] } },
      services: [{ protocol: 'tcp', ports: ['5432-5433'] }],
    },
    {
      from: { cidrs: [`${OFFICE}/32`] },
      to: { categories: { AppTier: ['web'] } },
      services: [{ protocol: 'tcp', ports: ['443'] }],
    },
  ]);
  expect(r.body.evidence.inbound[0]).toEqual({
    kept: false,
    connections: [
      expect.objectContaining({ source: 'web1', destination: 'app1', protocol: 'tcp', port: 8080, count: 1 }),
      expect.objectContaining({ source: 'web2', destination: 'app1', protocol: 'tcp', port: 8080, count: 1 }),
    ],
  });
  // allow_listed: the target's own connections out need outbound entries too, and the resolver is an address.
  expect(r.body.outbound).toContainEqual({
    from: { categories: { AppTier: ['app'] } },
    to: { cidrs: [`${RESOLVER}/32`] },
    services: [{ protocol: 'udp', ports: ['53'] }],
  });
  // Deterministic: the same answer twice.
  expect((await ok('GET', '/v1/application-rules/shop/recommendation')).inbound).toEqual(r.body.inbound);
});

test('applied, it allows every observed connection the rule did not, and changes no other verdict', async () => {
  const before = await svc.store.getSnapshot();
  const rec = await ok('GET', '/v1/application-rules/shop/recommendation');
  const current = await ok('GET', '/v1/application-rules/shop');
  await ok('PUT', '/v1/application-rules/shop', {
    ...RULE,
    inbound: rec.inbound,
    outbound: rec.outbound,
    version: current.version,
  });
  const after = await svc.store.getSnapshot();
  const ends = [...ENTITIES.map((e) => e.name), OFFICE, RESOLVER];
  const services = [...new Map(OBSERVED.map(([, , p, port]) => [`${p}/${port}`, { protocol: p, port }])).values()];
  const observed = new Set(OBSERVED.map(([s, d, p, port]) => `${s}>${d}>${p}/${port}`));
  const changed: string[] = [];
  const unexpected: string[] = [];
  for (const src of ends)
    for (const dst of ends) {
      if (src === dst) continue;
      for (const s of services) {
        const q = { src: ip(src), dst: ip(dst), protocol: s.protocol, ...(s.port !== null ? { port: s.port } : {}) };
        const was = explain(before, q).verdict;
        const now = explain(after, q).verdict;
        const cell = `${src}>${dst}>${s.protocol}/${s.port}`;
        if (observed.has(cell)) {
          if (now !== 'allow') unexpected.push(`${cell}: observed, still ${now}`);
        } else if (now !== was) {
          changed.push(`${cell}: ${was} → ${now}`);
          // Only where a selector cannot tell entities apart (web1/web2 share every category).
          if (!(src === 'web1' || src === 'web2' || dst === 'web1' || dst === 'web2') || now !== 'allow')
            unexpected.push(`${cell}: ${was} → ${now}`);
        }
      }
    }
  process.stdout.write(`recommendation applied: unobserved cells changed: ${changed.join('; ') || 'none'}\n`);
  expect(unexpected).toEqual([]);
  // Stable once applied: the same entries, all kept, nothing new.
  const again = await ok('GET', '/v1/application-rules/shop/recommendation');
  expect(again.connections).toBe(0);
  expect(again.inbound).toEqual(rec.inbound.map((e: object) => ({ services: [], service_groups: [], ...e })));
  expect(again.evidence.inbound.every((e: { kept: boolean }) => e.kept)).toBe(true);
});

test('errors: unknown rule 404, bad window 400 naming the field; no token 401', async () => {
  const missing = await svc.api('GET', '/v1/application-rules/nope/recommendation', undefined, { as: 'reader' });
  expect(missing.status).toBe(404);
  expect(missing.body).toMatchObject({ error: 'not_found', field: 'name' });
  const bad = await svc.api('GET', '/v1/application-rules/shop/recommendation?window=soon');
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ field: 'window' });
  expect(bad.body.message).toMatch(/window must be a duration/);
  expect((await svc.api('GET', '/v1/application-rules/shop/recommendation', undefined, { as: null })).status).toBe(401);
});

test('microseg recommend prints the entries as HCL that terraform fmt leaves as it is', async () => {
  const r = await run(['recommend', 'shop']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^# microseg recommend shop: /);
  expect(r.stdout).toContain('inbound = [');
  expect(r.stdout).toContain('from     = { categories = { AppTier = ["app"], AppType = ["shop"] } }');
  const dir = mkdtempSync(join(tmpdir(), 'msrec-'));
  try {
    writeFileSync(join(dir, 'rule.tf'), r.stdout);
    const fmt = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile('terraform', ['fmt', '-check', '-diff', dir], (err, stdout) =>
        resolve({ code: err ? 1 : 0, out: String(stdout) }),
      ),
    );
    expect(fmt.out).toBe('');
    expect(fmt.code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const missing = await run(['recommend', 'nope']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe('microseg: 404: application rule "nope" does not exist (field name)\n');
});

test('the data source: a bad window is refused on its attribute at plan; an unknown rule names it', async () => {
  const tf = await createLab({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.reader.secret });
  try {
    const config = (name: string, window: string) => `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}
data "microseg_recommendation" "x" {
  name   = "${name}"
  window = "${window}"
}
output "inbound" {
  value = length(data.microseg_recommendation.x.inbound)
}
`;
    const plan = async (name: string, window: string) => {
      const dir = tf.workdir(`${name}-${window}`, { 'main.tf': config(name, window) });
      const init = await tf.tf(dir, ['init', '-input=false', '-no-color']);
      if (init.code !== 0) throw new Error(explainFailure(init));
      return tf.tf(dir, ['plan', '-input=false', '-no-color']);
    };
    const bad = await plan('shop', 'soon');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid window');
    expect(bad.stderr).toContain('window: "soon" is not a duration such as "30m" or "24h"');
    expect(bad.stderr).toMatch(
      /on main\.tf line 8, in data "microseg_recommendation" "x":\s*\n\s*8:\s+window = "soon"/,
    );
    const missing = await plan('nope', '2h');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('application rule "nope" does not exist');
    const good = await plan('shop', '2h');
    expect(good.code).toBe(0);
    // Nothing new since the entries were applied above: the rule's own entries.
    const own = (await ok('GET', '/v1/application-rules/shop')).inbound.length;
    expect(own).toBeGreaterThan(0);
    expect(good.stdout).toContain(`inbound = ${own}`);
  } finally {
    tf.cleanup();
  }
}, 120_000);
