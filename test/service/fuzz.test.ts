/**
 * Property-based fuzzing through real HTTP: thousands of malformed bodies,
 * paths and headers. Never a 5xx; every 4xx is `{ error, message, field }`,
 * naming the field when a body field is at fault; a rejected request changes
 * nothing (full listing compared after each rejection and at the end).
 */
import fc from 'fast-check';
import { KINDS } from '../../service/model/schemas';
import { agentSecret, startService, TEST_TOKENS, type TestService } from '../support/service';
import { startPostgres, type PgCluster } from '../support/postgres';

let svc: TestService;
/** The host whose agent token the header fuzz sends among others. */
const FUZZ_AGENT_HOST = 'hfuzz';
let baseline = '';
const stats = { requests: 0, accepted: 0, byStatus: new Map<number, number>() };

/** Every object of every kind, with versions, plus the generation, as stored: what a rejected request must not change. */
async function listing(): Promise<string> {
  return JSON.stringify(await svc.store.listAll());
}

const SEED: [string, Record<string, unknown>][] = [
  ['categories', { name: 'Tier', values: ['web', 'app', 'db'] }],
  ['categories', { name: 'Env', values: ['prod'] }],
  ['address-groups', { name: 'office', cidrs: ['192.0.2.0/24', '2001:db8::/48'] }],
  [
    'service-groups',
    {
      name: 'web',
      services: [
        { protocol: 'tcp', ports: ['80', '443'] },
        { protocol: 'icmp', icmp_type: 8 },
      ],
    },
  ],
  ['hosts', { name: 'hv1', uplinks: ['eth0'], ovs_rundir: '/run/hv1' }],
  [
    'entities',
    {
      name: 'web1',
      host: 'hv1',
      port: 'vm-web1',
      mac: '02:00:00:00:00:01',
      ips: ['10.0.0.1', 'fd00::1'],
      categories: { Tier: 'web', Env: 'prod' },
    },
  ],
  ['entities', { name: 'db1', host: 'hv1', port: 'vm-db1', ips: ['10.0.0.3'], categories: { Tier: 'db' } }],
  [
    'application-rules',
    {
      name: 'shop',
      mode: 'apply',
      target: { categories: { Tier: ['web', 'db'] } },
      inbound: [
        {
          from: { address_groups: ['office'], cidrs: ['198.51.100.0/24'] },
          to: { categories: { Tier: ['web'] } },
          service_groups: ['web'],
        },
        { from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] },
      ],
      outbound_policy: 'allow_listed',
      outbound: [
        { from: { categories: { Tier: ['web'] } }, to: { any: true }, services: [{ protocol: 'udp', ports: ['53'] }] },
      ],
    },
  ],
  [
    'isolation-rules',
    { name: 'split', mode: 'monitor', groups: [{ categories: { Env: ['prod'] } }, { categories: { Tier: ['db'] } }] },
  ],
  ['quarantine-rules', { name: 'q', mode: 'apply', inbound: [{ from: { cidrs: ['10.99.0.0/16'] } }] }],
];

async function setUp(database: string): Promise<void> {
  svc = await startService({ database });
  svc.agentToken(FUZZ_AGENT_HOST);
  stats.requests = 0;
  stats.accepted = 0;
  stats.byStatus.clear();
  for (const [collection, body] of SEED) {
    const r = await svc.api('POST', `/v1/${collection}`, body);
    if (r.status !== 201) throw new Error(`seed ${collection}: ${JSON.stringify(r.body)}`);
  }
  baseline = await listing();
}

async function tearDown(backend: string): Promise<void> {
  await svc?.close();
  const summary = [...stats.byStatus.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  process.stdout.write(
    `fuzz on ${backend}: ${stats.requests} requests, ${stats.accepted} accepted, by status ${summary}\n`,
  );
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  bodyIsObject: boolean;
}

async function send(req: Sent): Promise<void> {
  const res = await fetch(svc.url + req.path, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  stats.requests++;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const where = `${req.method} ${req.path} ${JSON.stringify(req.headers)} ${req.body?.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 500) throw new Error(`5xx: ${where}`);
  if (res.status < 400) {
    stats.accepted++;
    if (req.method !== 'GET' && req.method !== 'HEAD') baseline = await listing();
    return;
  }
  if (req.method !== 'HEAD') {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON error body: ${where}`);
    }
    if (typeof body.error !== 'string' || typeof body.message !== 'string' || !('field' in body))
      throw new Error(`bad error body: ${where}`);
    if (/\n\s+at /.test(String(body.message))) throw new Error(`stack trace in message: ${where}`);
    if (req.bodyIsObject && [400, 409, 422].includes(res.status) && typeof body.field !== 'string')
      throw new Error(`no field named: ${where}`);
  }
  const now = await listing();
  if (now !== baseline) throw new Error(`a rejected request changed the model: ${where}`);
}

const admin = { authorization: `Bearer ${TEST_TOKENS.admin.secret}` };
const json = { ...admin, 'content-type': 'application/json' };

// ------------------------------------------------------------- bodies

type Path = (string | number)[];
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => pathsOf((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

const tricky = fc.constantFrom(
  '10.0.0.1/24',
  '10.0.0.0/8',
  '::ffff:1.2.3.4',
  '2001:DB8::/32',
  '0',
  '65536',
  '90-80',
  '443',
  'tcp',
  'icmpv6',
  'any',
  'apply',
  'monitor',
  'allow_listed',
  'Tier',
  'web',
  'hv1',
  'office',
  'a'.repeat(70),
  '',
  ' ',
  '../etc',
  'é',
  '\u0000',
  '02:00:00:00:00:01',
  'FF:FF:FF:FF:FF:FF',
  '10.0.0.1',
  'fd00::1',
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  tricky,
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -70000, max: 70000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(tricky, fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.oneof(tricky, fc.string({ maxLength: 6 })), fc.oneof(tricky, fc.integer()), { maxKeys: 2 }),
  fc.constant({}),
  fc.constant([]),
);

type Mutation = { op: 'set' | 'delete' | 'add' | 'leaf'; at: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('set', 'delete', 'add'),
    at: fc.nat(),
    key: fc.oneof(tricky, fc.string({ maxLength: 8 })),
    value: anyValue,
  }),
  // Well-typed but meaningful values at leaves: reaches the semantic checks (422/409), not only the schema (400).
  fc.record({
    op: fc.constant('leaf'),
    at: fc.nat(),
    key: fc.constant(''),
    value: fc.oneof(tricky, fc.integer({ min: -1, max: 70000 })),
  }),
) as fc.Arbitrary<Mutation>;

function mutate(template: Record<string, unknown>, mutations: Mutation[]): unknown {
  let doc: unknown = structuredClone(template);
  for (const original of mutations) {
    // Values from fc.constant are shared between runs: never mutate them.
    const m = { ...original, value: structuredClone(original.value) };
    const all = pathsOf(doc);
    const leaves = all.filter((p) => {
      const v = p.reduce<any>((o, k) => o[k], doc);
      return v === null || typeof v !== 'object';
    });
    const paths = m.op === 'leaf' && leaves.length > 0 ? leaves : all;
    const path = paths[m.at % paths.length];
    if (path.length === 0) {
      if (m.op === 'set' || m.op === 'leaf') doc = m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], doc);
    const key = path[path.length - 1];
    if (m.op === 'set' || m.op === 'leaf') parent[key] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key]))
      parent[key][m.key] = m.value;
    else parent[key] = m.value;
  }
  return doc;
}

const bodyRequest: fc.Arbitrary<Sent> = fc
  .tuple(fc.nat({ max: SEED.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([i, muts, asUpdate]) => {
    const [collection, template] = SEED[i];
    const doc = mutate(template, muts);
    const path = asUpdate ? `/v1/${collection}/${template.name}` : `/v1/${collection}`;
    return {
      method: asUpdate ? 'PUT' : 'POST',
      path,
      headers: json,
      body: JSON.stringify(doc),
      bodyIsObject: doc !== null && typeof doc === 'object' && !Array.isArray(doc),
    };
  });

const rawBodyRequest: fc.Arbitrary<Sent> = fc
  .tuple(
    fc.constantFrom(...Object.values(KINDS).map((k) => k.collection)),
    fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '{',
        '{"name":',
        '[]',
        'null',
        '{"__proto__":{"x":1},"name":"a","values":[]}',
        '{"name":"a","values":[]',
        '1e999',
        '"str"',
      ),
    ),
  )
  .map(([collection, body]) => ({
    method: 'POST',
    path: `/v1/${collection}`,
    headers: json,
    body,
    bodyIsObject: false,
  }));

async function fuzzBodies(numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.oneof({ arbitrary: bodyRequest, weight: 4 }, { arbitrary: rawBodyRequest, weight: 1 }), send),
    { numRuns },
  );
  expect(await listing()).toBe(baseline);
}

// ------------------------------------------------------------- paths

const segment = fc.oneof(
  fc.constantFrom(
    'v1',
    'categories',
    'entities',
    'hosts',
    'application-rules',
    'agents',
    'policy',
    'status',
    'reachability',
    'web1',
    'Tier',
    'hv1',
    '..',
    '.',
    '%2e%2e',
    '%00',
    '%ff',
    '%',
    'docs',
    'openapi.json',
    'healthz',
    '',
  ),
  fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent),
  fc.constant('x'.repeat(300)),
);
const query = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('src', 'dst', 'protocol', 'port', 'icmp_type', 'icmp_code', 'after', 'wait', 'x'),
      fc.oneof(tricky, fc.string({ maxLength: 8 }), fc.integer().map(String)),
      { maxKeys: 4 },
    )
    .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
);
const pathRequest: fc.Arbitrary<Sent> = fc
  .tuple(
    fc.constantFrom('GET', 'GET', 'PUT', 'DELETE', 'POST', 'PATCH', 'HEAD', 'OPTIONS'),
    fc.array(segment, { minLength: 1, maxLength: 5 }),
    query,
    fc.boolean(),
  )
  .map(([method, segs, q, prefix]) => {
    const path = `/${prefix ? ['v1', ...segs] : segs}`.replace(/,/g, '/') + q;
    const withBody = method === 'PUT' || method === 'POST' || method === 'PATCH';
    return {
      method,
      path,
      headers: withBody ? json : admin,
      body: withBody ? '{"name":"x"}' : undefined,
      bodyIsObject: false,
    };
  });

async function fuzzPaths(numRuns: number): Promise<void> {
  await fc.assert(fc.asyncProperty(pathRequest, send), { numRuns });
  expect(await listing()).toBe(baseline);
}

// ------------------------------------------------------------- headers

const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    `Bearer ${TEST_TOKENS.reader.secret}`,
    `Bearer ${agentSecret(FUZZ_AGENT_HOST)}`,
    `bearer ${TEST_TOKENS.admin.secret}`,
    `Basic ${TEST_TOKENS.admin.secret}`,
    '*',
    '"1"',
    'W/"1"',
    '"0"',
    '"999999999999999999"',
    '-1',
    'application/json',
    'text/plain',
    'application/json; charset=latin1',
    'multipart/form-data',
  ),
);
const headerRequest: fc.Arbitrary<Sent> = fc
  .tuple(
    fc.constantFrom(0, 5, 7, 8),
    fc.record(
      { authorization: headerValue, 'if-match': headerValue, 'content-type': headerValue },
      { requiredKeys: [] },
    ),
    fc.constantFrom('PUT', 'DELETE', 'POST', 'GET'),
  )
  .map(([i, hdrs, method]) => {
    const [collection, template] = SEED[i];
    const path = method === 'POST' || method === 'GET' ? `/v1/${collection}` : `/v1/${collection}/${template.name}`;
    const body =
      method === 'PUT' || method === 'POST'
        ? JSON.stringify({ ...template, description: 'changed by fuzz' })
        : undefined;
    return { method, path, headers: hdrs as Record<string, string>, body, bodyIsObject: false };
  });

async function fuzzHeaders(numRuns: number): Promise<void> {
  await fc.assert(fc.asyncProperty(headerRequest, send), { numRuns });
  expect(await listing()).toBe(baseline);
}

test('the listing sees every stored object (so the comparisons can fail)', async () => {
  const probe = await startService();
  try {
    const before = JSON.stringify(await probe.store.listAll());
    await probe.api('PUT', '/v1/categories/Quarantine', {
      name: 'Quarantine',
      values: ['Strict', 'Forensic'],
      description: 'x',
    });
    expect(JSON.stringify(await probe.store.listAll())).not.toBe(before);
  } finally {
    await probe.close();
  }
});

// ------------------------------------------------------------- suites

let pg: PgCluster | null = null;
afterAll(async () => {
  await pg?.stop();
});

// The full run on SQLite; a quarter on PostgreSQL, for what only its driver would reject.
describe.each([
  ['sqlite', 1],
  ['postgres', 0.25],
] as const)('fuzz on %s', (backend, scale) => {
  beforeAll(async () => {
    let database = ':memory:';
    if (backend === 'postgres') {
      pg = await startPostgres();
      database = await pg.createDatabase();
    }
    await setUp(database);
  });
  afterAll(() => tearDown(backend));

  test('malformed bodies: no 5xx, errors name the field, rejections change nothing', () =>
    fuzzBodies(Math.round(1600 * scale)));
  test('malformed paths and queries: no 5xx, JSON errors, nothing changes', () => fuzzPaths(Math.round(800 * scale)));
  test('malformed headers: no 5xx, JSON errors, only authorized valid writes change anything', () =>
    fuzzHeaders(Math.round(800 * scale)));
});
