/**
 * The provider end to end: the real terraform CLI (offline, provider from a
 * temporary filesystem mirror) against a real service on a temporary SQLite
 * database, in process. One working directory per scenario; the scenarios
 * run in order and build on each other (apply → drift → delete → import →
 * reorder → destroy).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createLab, explainFailure, fixture, type Lab, type TfResult } from './support';

jest.setTimeout(240_000);

const COLLECTIONS = [
  'categories',
  'address-groups',
  'service-groups',
  'hosts',
  'entities',
  'application-rules',
  'isolation-rules',
  'quarantine-rules',
  'shared-service-rules',
];

/** Every resource of full.tf: address → [collection, name]. */
const RESOURCES: Record<string, [string, string]> = {
  'microseg_category.tier': ['categories', 'AppTier'],
  'microseg_category.app': ['categories', 'AppType'],
  'microseg_address_group.office': ['address-groups', 'office'],
  'microseg_service_group.web': ['service-groups', 'web'],
  'microseg_host.a': ['hosts', 'host-a'],
  'microseg_entity.web1': ['entities', 'web1'],
  'microseg_entity.app1': ['entities', 'app1'],
  'microseg_application_rule.shop': ['application-rules', 'shop'],
  'microseg_isolation_rule.split': ['isolation-rules', 'split'],
  'microseg_quarantine_rule.forensic': ['quarantine-rules', 'forensic'],
  'microseg_shared_service_rule.dns': ['shared-service-rules', 'dns'],
};

let svc: TestService;
let lab: Lab;
let main: string;
const timings: Record<string, number> = {};

async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const c of COLLECTIONS) {
    const r = await svc.api('GET', `/v1/${c}`);
    expect(r.status).toBe(200);
    out[c] = r.body.items;
  }
  return out;
}

async function ok(dir: string, args: string[], expected = 0): Promise<TfResult> {
  const r = await lab.tf(dir, [...args]);
  if (r.code !== expected)
    throw new Error(
      `terraform ${args.join(' ')} in ${path.basename(dir)}: expected exit ${expected}\n${explainFailure(r)}`,
    );
  return r;
}

/** GET, change, PUT back with If-Match: an out-of-band edit through the API. */
async function edit(collection: string, name: string, change: (o: Record<string, any>) => void): Promise<void> {
  const got = await svc.api('GET', `/v1/${collection}/${name}`);
  expect(got.status).toBe(200);
  const { id: _id, version, created_at: _c, updated_at: _u, status: _s, rule_id: _r, ...body } = got.body;
  change(body);
  const put = await svc.api('PUT', `/v1/${collection}/${name}`, body, { headers: { 'if-match': `"${version}"` } });
  if (put.status !== 200) throw new Error(`PUT ${collection}/${name}: ${put.status} ${JSON.stringify(put.body)}`);
}

/** Arrays sorted (the service keeps the order it was sent; sets have none), so values compare by meaning. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

interface ResourceChange {
  address: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

/** plan -out, then the plan as JSON: the changes Terraform would make. */
async function planChanges(dir: string): Promise<{ exit: number; changes: ResourceChange[] }> {
  const r = await lab.tf(dir, ['plan', '-input=false', '-detailed-exitcode', '-out=tfplan']);
  if (r.code === 1) throw new Error(`plan failed\n${explainFailure(r)}`);
  const show = await ok(dir, ['show', '-json', 'tfplan']);
  const plan = JSON.parse(show.stdout) as { resource_changes?: ResourceChange[] };
  return {
    exit: r.code,
    changes: (plan.resource_changes ?? []).filter(
      (c) => !c.change.actions.includes('no-op') && !c.change.actions.includes('read'),
    ),
  };
}

beforeAll(async () => {
  lab = await createLab({});
  svc = await startService({ database: path.join(lab.root, 'microseg.sqlite') });
  lab.setEnv({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.admin.secret });
  main = lab.workdir('main', { 'main.tf': fixture('full.tf') });
});

afterAll(async () => {
  await svc?.close();
  lab?.cleanup();
  // The figure the issue asks for, printed once.
  if (Object.keys(timings).length > 0) console.log(`terraform timings (ms): ${JSON.stringify(timings)}`);
});

let before: Record<string, unknown[]>;

test('terraform init works offline from the mirror and records the provider in the lock file', async () => {
  const r = await ok(main, ['init', '-input=false', '-no-color']);
  expect(r.stdout).toContain('Installing terraform.local/microseg/microseg v0.1.0');
  const lock = fs.readFileSync(path.join(main, '.terraform.lock.hcl'), 'utf8');
  expect(lock).toContain('provider "terraform.local/microseg/microseg"');
  expect(lock).toMatch(/version\s+=\s+"0\.1\.0"/);
  expect(lock).toMatch(/h1:[A-Za-z0-9+/=]+/);
});

test('apply of every resource type, then plan -detailed-exitcode exits 0', async () => {
  before = await snapshot();
  const applied = await ok(main, ['apply', '-input=false', '-auto-approve', '-no-color']);
  timings.apply_create = applied.ms;
  expect(applied.stdout).toContain('Apply complete! Resources: 11 added, 0 changed, 0 destroyed.');
  expect(applied.stdout).toMatch(/web_to_app = "would-deny\/application\/shop"/); // data.microseg_reachability
  expect(applied.stdout).toMatch(/web_to_app_drafts = tolist\(\[\]\)/); // no draft would decide it
  expect(applied.stdout).toMatch(/shop_entities = tolist\(\[\s*"app1",\s*"web1",\s*\]\)/); // data.microseg_entities
  expect(applied.stdout).toMatch(/quarantine_values = toset\(\[\s*"Forensic",\s*"Strict",\s*\]\)/); // data.microseg_category
  for (const [collection, name] of Object.values(RESOURCES))
    expect((await svc.api('GET', `/v1/${collection}/${name}`)).status).toBe(200);

  const plan = await ok(main, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
  timings.plan_no_changes = plan.ms;
  expect(plan.stdout).toContain('No changes.');
});

// Out-of-band edits: [address, attribute, change]. Together the rounds touch every attribute of every
// resource but `name` (an object renamed out of band is gone under its name: the delete test covers that).
const DRIFTS: [string, string, (o: Record<string, any>) => void][][] = [
  [
    [
      'microseg_category.tier',
      'description',
      (o) => {
        o.description = 'changed by hand';
      },
    ],
    [
      'microseg_address_group.office',
      'cidrs',
      (o) => {
        o.cidrs = ['10.10.0.0/16'];
      },
    ],
    [
      'microseg_service_group.web',
      'services',
      (o) => {
        o.services = [{ protocol: 'udp', ports: ['53'] }];
      },
    ],
    [
      'microseg_host.a',
      'uplinks',
      (o) => {
        o.uplinks = ['uplink0'];
      },
    ],
    [
      'microseg_entity.web1',
      'mac',
      (o) => {
        o.mac = '02:00:00:00:00:99';
      },
    ],
    [
      'microseg_application_rule.shop',
      'mode',
      (o) => {
        o.mode = 'apply';
      },
    ],
    [
      'microseg_isolation_rule.split',
      'groups',
      (o) => {
        o.groups = [o.groups[0], { categories: { AppType: ['shop'] } }];
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'consumers',
      (o) => {
        o.consumers = { any: true, except: ['10.66.0.0/16'] };
      },
    ],
    [
      'microseg_address_group.office',
      'except',
      (o) => {
        o.except = ['10.10.7.0/24'];
      },
    ],
    [
      'microseg_quarantine_rule.forensic',
      'outbound',
      (o) => {
        o.outbound = [];
      },
    ],
  ],
  [
    [
      'microseg_category.app',
      'values',
      (o) => {
        o.values = [...o.values, 'infra'];
      },
    ],
    [
      'microseg_address_group.office',
      'description',
      (o) => {
        o.description = 'not the office';
      },
    ],
    [
      'microseg_host.a',
      'bridge',
      (o) => {
        o.bridge = 'br.other';
      },
    ],
    [
      'microseg_entity.web1',
      'ips',
      (o) => {
        o.ips = ['10.0.0.12'];
      },
    ],
    [
      'microseg_entity.app1',
      'categories',
      (o) => {
        o.categories = { AppType: 'shop', AppTier: 'web' };
      },
    ],
    [
      'microseg_application_rule.shop',
      'inbound',
      (o) => {
        o.inbound = o.inbound.slice(0, 1);
      },
    ],
    [
      'microseg_isolation_rule.split',
      'mode',
      (o) => {
        o.mode = 'off';
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'services',
      (o) => {
        o.services = [{ protocol: 'esp' }];
      },
    ],
    [
      'microseg_application_rule.shop',
      'intra_group',
      (o) => {
        o.intra_group = 'allow';
      },
    ],
    [
      'microseg_quarantine_rule.forensic',
      'target',
      (o) => {
        o.target = { categories: { Quarantine: ['Strict'] } };
      },
    ],
  ],
  [
    [
      'microseg_category.tier',
      'values',
      (o) => {
        o.values = ['web', 'app', 'db', 'cache'];
      },
    ],
    [
      'microseg_service_group.web',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_host.a',
      'ovs_rundir',
      (o) => {
        o.ovs_rundir = '/run/elsewhere';
      },
    ],
    [
      'microseg_entity.web1',
      'port',
      (o) => {
        o.port = 'vm-moved';
      },
    ],
    [
      'microseg_entity.app1',
      'host',
      (o) => {
        o.host = 'host-b';
      },
    ],
    [
      'microseg_application_rule.shop',
      'outbound_policy',
      (o) => {
        o.outbound_policy = 'allow_all';
        o.outbound = [];
      },
    ],
    [
      'microseg_isolation_rule.split',
      'log',
      (o) => {
        o.log = true;
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'providers',
      (o) => {
        o.providers = { categories: { AppTier: ['db'] } };
      },
    ],
    [
      'microseg_application_rule.shop',
      'log',
      (o) => {
        o.log = false;
      },
    ],
    [
      'microseg_quarantine_rule.forensic',
      'inbound',
      (o) => {
        o.inbound = [{ from: { cidrs: ['10.5.0.0/16'] } }];
      },
    ],
  ],
  [
    [
      'microseg_category.app',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_host.a',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_entity.app1',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_application_rule.shop',
      'target',
      (o) => {
        o.target = { categories: { AppType: ['shop', 'tools'] } };
      },
    ],
    [
      'microseg_application_rule.shop',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_isolation_rule.split',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_quarantine_rule.forensic',
      'mode',
      (o) => {
        o.mode = 'monitor';
      },
    ],
    [
      'microseg_quarantine_rule.forensic',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_quarantine_rule.forensic',
      'log',
      (o) => {
        o.log = false;
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'mode',
      (o) => {
        o.mode = 'off';
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'service_groups',
      (o) => {
        o.service_groups = [];
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'description',
      (o) => {
        o.description = 'edited';
      },
    ],
    [
      'microseg_shared_service_rule.dns',
      'log',
      (o) => {
        o.log = false;
      },
    ],
  ],
];

test.each(DRIFTS.map((round, i) => [i + 1, round] as const))(
  "out-of-band changes (round %d) show as those attributes' changes, and apply puts them back",
  async (round, drifts) => {
    if (round === 3) expect((await svc.api('POST', '/v1/hosts', { name: 'host-b' })).status).toBe(201); // somewhere to move app1 to
    const original: Record<string, Record<string, unknown>> = {};
    for (const [address, , change] of drifts) {
      original[address] ??= (await svc.api('GET', `/v1/${RESOURCES[address][0]}/${RESOURCES[address][1]}`)).body;
      await edit(RESOURCES[address][0], RESOURCES[address][1], change);
    }
    const { exit, changes } = await planChanges(main);
    expect(exit).toBe(2);
    for (const [address, attribute] of drifts) {
      const c = changes.find((x) => x.address === address);
      expect({ address, actions: c?.change.actions }).toEqual({ address, actions: ['update'] });
      expect({
        address,
        attribute,
        differs: JSON.stringify(c!.change.before![attribute]) !== JSON.stringify(c!.change.after![attribute]),
      }).toEqual({ address, attribute, differs: true });
    }
    expect(changes.map((c) => c.address).sort()).toEqual([...new Set(drifts.map((d) => d[0]))].sort());
    await ok(main, ['apply', '-input=false', '-auto-approve', '-no-color', 'tfplan']);
    await ok(main, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
    for (const [address, attribute] of drifts) {
      const [collection, name] = RESOURCES[address];
      const now = (await svc.api('GET', `/v1/${collection}/${name}`)).body;
      expect({ address, attribute, value: canonical(now[attribute]) }).toEqual({
        address,
        attribute,
        value: canonical(original[address][attribute]),
      });
    }
  },
);

test('objects deleted out of band are planned for creation, and apply re-creates them', async () => {
  for (const address of [
    'microseg_entity.app1',
    'microseg_isolation_rule.split',
    'microseg_quarantine_rule.forensic',
    'microseg_shared_service_rule.dns',
  ]) {
    const [collection, name] = RESOURCES[address];
    expect((await svc.api('DELETE', `/v1/${collection}/${name}`)).status).toBe(204);
  }
  const { exit, changes } = await planChanges(main);
  expect(exit).toBe(2);
  expect(changes.map((c) => [c.address, c.change.actions]).sort()).toEqual([
    ['microseg_entity.app1', ['create']],
    ['microseg_isolation_rule.split', ['create']],
    ['microseg_quarantine_rule.forensic', ['create']],
    ['microseg_shared_service_rule.dns', ['create']],
  ]);
  await ok(main, ['apply', '-input=false', '-auto-approve', '-no-color', 'tfplan']);
  await ok(main, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
});

test('reordering the elements of every set-valued attribute plans no change', async () => {
  const reordered = fixture('full-reordered.tf');
  expect(reordered).not.toEqual(fixture('full.tf'));
  fs.writeFileSync(path.join(main, 'main.tf'), reordered);
  try {
    const plan = await ok(main, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
    expect(plan.stdout).toContain('No changes.');
  } finally {
    fs.writeFileSync(path.join(main, 'main.tf'), fixture('full.tf'));
  }
});

test('a rename is an in-place update (PUT to the old name), not a replacement', async () => {
  const renamed = fixture('full.tf').replace('name = "split"', 'name = "split-renamed"');
  expect(renamed).not.toEqual(fixture('full.tf'));
  fs.writeFileSync(path.join(main, 'main.tf'), renamed);
  try {
    const { exit, changes } = await planChanges(main);
    expect(exit).toBe(2);
    expect(changes.map((c) => [c.address, c.change.actions])).toEqual([['microseg_isolation_rule.split', ['update']]]);
    await ok(main, ['apply', '-input=false', '-auto-approve', '-no-color', 'tfplan']);
    expect((await svc.api('GET', '/v1/isolation-rules/split-renamed')).status).toBe(200);
    expect((await svc.api('GET', '/v1/isolation-rules/split')).status).toBe(404);
  } finally {
    fs.writeFileSync(path.join(main, 'main.tf'), fixture('full.tf'));
  }
  await ok(main, ['apply', '-input=false', '-auto-approve', '-no-color']);
  expect((await svc.api('GET', '/v1/isolation-rules/split')).status).toBe(200);
});

test('terraform import of each resource type by name, then a clean plan', async () => {
  const dir = lab.workdir('import-cli', { 'main.tf': fixture('full.tf') });
  await ok(dir, ['init', '-input=false', '-no-color']);
  for (const [address, [, name]] of Object.entries(RESOURCES)) {
    const r = await ok(dir, ['import', '-input=false', '-no-color', address, name]);
    expect(r.stdout).toContain('Import successful!');
  }
  const plan = await ok(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
  timings.plan_after_import = plan.ms;
  const missing = await lab.tf(dir, ['import', '-input=false', '-no-color', 'microseg_host.a', 'no-such-host']);
  expect(missing.code).toBe(1);
});

test('import blocks for each resource type, then a clean plan', async () => {
  const blocks = Object.entries(RESOURCES)
    .map(([address, [, name]]) => `import {\n  to = ${address}\n  id = "${name}"\n}\n`)
    .join('\n');
  const dir = lab.workdir('import-blocks', { 'main.tf': fixture('full.tf'), 'imports.tf': blocks });
  await ok(dir, ['init', '-input=false', '-no-color']);
  const plan = await ok(dir, ['plan', '-input=false', '-no-color']);
  expect(plan.stdout).toContain('Plan: 11 to import, 0 to add, 0 to change, 0 to destroy.');
  const applied = await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  expect(applied.stdout).toContain('Apply complete! Resources: 11 imported, 0 added, 0 changed, 0 destroyed.');
  await ok(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
});

const HEADER = `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}
provider "microseg" {
  wait_for_realization = false
}
`;

const BAD_CONFIGS: [string, string, RegExp[]][] = [
  [
    'bad CIDR',
    'resource "microseg_address_group" "bad" {\n  name  = "bad"\n  cidrs = ["10.0.0.0/8", "10.0.0.1/33"]\n}\n',
    [
      /Invalid value for cidrs\["10\.0\.0\.1\/33"\]/,
      /cidrs\["10\.0\.0\.1\/33"\]: "10\.0\.0\.1\/33" is not a CIDR/,
      /cidrs = \["10\.0\.0\.0\/8"/,
    ],
  ],
  [
    'non-canonical CIDR in a rule peer',
    'resource "microseg_application_rule" "bad" {\n  name   = "bad"\n  mode   = "monitor"\n  target = { categories = { AppTier = ["web"] } }\n  inbound = [{ from = { cidrs = ["10.1.2.3/8"] } }]\n}\n',
    [
      /inbound\[\{ from = \{ cidrs = \["10\.1\.2\.3\/8"\] \} \}\]\.from\.cidrs\["10\.1\.2\.3\/8"\]: "10\.1\.2\.3\/8" is not canonical; did you mean 10\.0\.0\.0\/8/,
      /inbound = \[/,
    ],
  ],
  [
    'port 70000 in a service group',
    'resource "microseg_service_group" "bad" {\n  name     = "bad"\n  services = [{ protocol = "tcp", ports = ["443", "70000"] }]\n}\n',
    [
      /services\[\{ protocol = "tcp", ports = \["443", "70000"\] \}\]\.ports\["70000"\]: "70000": ports are 1-65535/,
      /services = \[/,
    ],
  ],
  [
    'port 70000 in a reachability query',
    'data "microseg_reachability" "bad" {\n  src      = "10.0.0.1"\n  dst      = "10.0.0.2"\n  protocol = "tcp"\n  port     = 70000\n}\n',
    [/Invalid port/, /port: 70000 is not an integer in 1-65535/, /port\s+= 70000/],
  ],
  [
    'unknown category',
    'resource "microseg_entity" "bad" {\n  name       = "bad"\n  host       = "host-a"\n  port       = "vm-bad"\n  ips        = ["10.0.0.99"]\n  categories = { NoSuchCategory = "x" }\n}\n',
    [
      /Unknown category/,
      /categories\.NoSuchCategory: category "NoSuchCategory" does not exist/,
      /categories = \{ NoSuchCategory/,
    ],
  ],
  [
    'backwards address range',
    'resource "microseg_address_group" "bad" {\n  name  = "bad"\n  cidrs = ["10.0.0.9-10.0.0.1"]\n}\n',
    [
      /cidrs\["10\.0\.0\.9-10\.0\.0\.1"\]: "10\.0\.0\.9-10\.0\.0\.1": the range starts above its end/,
      /cidrs = \["10\.0\.0\.9/,
    ],
  ],
  [
    'ports on a protocol given by number',
    'resource "microseg_service_group" "bad" {\n  name     = "bad"\n  services = [{ protocol = "47", ports = ["1"] }]\n}\n',
    [
      /services\[\{ protocol = "47", ports = \["1"\] \}\]\.ports: ports apply only to tcp, udp and sctp, not 47/,
      /services = \[/,
    ],
  ],
  [
    'isolation with one group',
    'resource "microseg_isolation_rule" "bad" {\n  name   = "bad"\n  mode   = "apply"\n  groups = [{ categories = { AppTier = ["web"] } }]\n}\n',
    [/Invalid value for groups/, /groups = \[/],
  ],
  [
    'a shared-service rule in monitor mode',
    'resource "microseg_shared_service_rule" "bad" {\n  name      = "bad"\n  mode      = "monitor"\n  providers = { categories = { AppTier = ["web"] } }\n  consumers = { any = true }\n}\n',
    [/mode: "monitor" is not one of "apply", "off"/, /mode\s+= "monitor"/],
  ],
  [
    'unknown category value',
    'resource "microseg_quarantine_rule" "bad" {\n  name   = "bad"\n  mode   = "apply"\n  target = { categories = { AppTier = ["cache"] } }\n}\n',
    [
      /Unknown category value/,
      /target\.categories\.AppTier\["cache"\]: category "AppTier" has no value "cache"/,
      /target = \{/,
    ],
  ],
];

test.each(BAD_CONFIGS)(
  'a configuration error (%s) fails plan with a diagnostic naming the attribute',
  async (name, resource, expected) => {
    const dir = lab.workdir(`bad-${name.replace(/[^a-z0-9]+/gi, '-')}`, { 'main.tf': HEADER + resource });
    if (!fs.existsSync(path.join(dir, '.terraform'))) await ok(dir, ['init', '-input=false', '-no-color']);
    const r = await lab.tf(dir, ['plan', '-input=false', '-no-color']);
    expect(r.code).toBe(1);
    const text = r.stderr.replace(/\s+/g, ' '); // terraform wraps long lines
    for (const re of expected) expect(text).toMatch(re);
    expect(r.stderr).not.toMatch(/This is a bug in the provider|rpc error|at .*\.js:\d+/);
  },
);

test('a change the service refuses at apply fails with its message on the attribute', async () => {
  expect((await svc.api('POST', '/v1/hosts', { name: 'se-host' })).status).toBe(201);
  expect(
    (await svc.api('POST', '/v1/entities', { name: 'se-other', host: 'se-host', port: 'vm-other', ips: ['10.66.0.1'] }))
      .status,
  ).toBe(201);
  const dir = lab.workdir('service-errors', {
    'main.tf': `${HEADER}
resource "microseg_entity" "dup" {
  name = "se-dup"
  host = "se-host"
  port = "vm-dup"
  ips  = ["10.66.0.9", "10.66.0.1"]
}
`,
  });
  try {
    await ok(dir, ['init', '-input=false', '-no-color']);
    const r = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
    expect(r.code).toBe(1);
    const text = r.stderr.replace(/\s+/g, ' ');
    expect(text).toContain('The microseg service refused the change (conflict)');
    expect(text).toContain('ips[1]: IP 10.66.0.1 already belongs to entity "se-other"');
    expect(text).toMatch(/ips = \["10\.66\.0\.9", "10\.66\.0\.1"\]/); // terraform shows the attribute's line
    expect((await svc.api('GET', '/v1/entities/se-dup')).status).toBe(404);
  } finally {
    await svc.api('DELETE', '/v1/entities/se-other');
    await svc.api('DELETE', '/v1/hosts/se-host');
  }
});

test('terraform providers schema -json: every attribute of every resource and data source has a description', async () => {
  const r = await ok(main, ['providers', 'schema', '-json']);
  const schemas = JSON.parse(r.stdout).provider_schemas['terraform.local/microseg/microseg'];
  expect(Object.keys(schemas.resource_schemas).sort()).toEqual([
    'microseg_address_group',
    'microseg_application_rule',
    'microseg_category',
    'microseg_entity',
    'microseg_host',
    'microseg_isolation_rule',
    'microseg_quarantine_rule',
    'microseg_service_group',
    'microseg_shared_service_rule',
  ]);
  expect(Object.keys(schemas.data_source_schemas).sort()).toEqual([
    'microseg_category',
    'microseg_entities',
    'microseg_reachability',
    'microseg_recommendation',
  ]);
  const undocumented: string[] = [];
  let counted = 0;
  const walk = (
    where: string,
    attrs: Record<string, { description?: string; nested_type?: { attributes: Record<string, unknown> } }>,
  ) => {
    for (const [name, a] of Object.entries(attrs)) {
      counted++;
      if (!a.description || a.description.trim() === '') undocumented.push(`${where}.${name}`);
      if (a.nested_type) walk(`${where}.${name}`, a.nested_type.attributes as never);
    }
  };
  walk('provider', schemas.provider.block.attributes);
  for (const [t, s] of Object.entries(
    schemas.resource_schemas as Record<string, { block: { attributes: never; description?: string } }>,
  )) {
    walk(t, s.block.attributes);
    if (!s.block.description) undocumented.push(t);
  }
  for (const [t, s] of Object.entries(
    schemas.data_source_schemas as Record<string, { block: { attributes: never; description?: string } }>,
  )) {
    walk(`data.${t}`, s.block.attributes);
    if (!s.block.description) undocumented.push(`data.${t}`);
  }
  expect(undocumented).toEqual([]);
  expect(counted).toBeGreaterThan(100);
  expect(schemas.provider.block.attributes.token.sensitive).toBe(true);
  expect(schemas.resource_schemas.microseg_application_rule.block.attributes.inbound.nested_type.nesting_mode).toBe(
    'set',
  );
  expect(schemas.resource_schemas.microseg_entity.block.attributes.ips.type).toEqual(['list', 'string']);
});

test('destroy leaves the service as it was before apply', async () => {
  const r = await ok(main, ['destroy', '-input=false', '-auto-approve', '-no-color']);
  expect(r.stdout).toContain('Destroy complete! Resources: 11 destroyed.');
  expect((await svc.api('DELETE', '/v1/hosts/host-b')).status).toBe(204); // made by hand in drift round 3
  expect(await snapshot()).toEqual(before);
});

test('wait_for_realization (after the main configuration is destroyed): apply waits for live hosts and warns naming the hosts that lag', async () => {
  const config = `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}
provider "microseg" {
  timeout = "4s"
}
resource "microseg_host" "ok" {
  name = "rt-ok"
}
resource "microseg_host" "lag" {
  name = "rt-lag"
}
resource "microseg_host" "empty" {
  name = "rt-empty"
}
resource "microseg_entity" "ok" {
  name = "rt-vm-ok"
  host = microseg_host.ok.name
  port = "vm-rt-ok"
  ips  = ["10.77.0.1"]
}
resource "microseg_entity" "lag" {
  name = "rt-vm-lag"
  host = microseg_host.lag.name
  port = "vm-rt-lag"
  ips  = ["10.77.0.2"]
}
`;
  const dir = lab.workdir('realization', { 'main.tf': config });
  await ok(dir, ['init', '-input=false', '-no-color']);
  // A stand-in agent for rt-ok: reports the current generation as realized, as a converged agent would.
  let reporting = true;
  const agent = (async () => {
    while (reporting) {
      const status = await svc.api('GET', '/v1/status');
      if (status.body.hosts.some((h: { name: string }) => h.name === 'rt-ok')) {
        await svc.api(
          'POST',
          '/v1/agents/hosts/rt-ok/status',
          {
            realized_generation: status.body.generation,
            flow_count: 1,
            reachable: true,
            last_error: null,
            drift_repairs: 0,
          },
          { as: 'agent:rt-ok' },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const r = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
    // The entities are stored: a failed wait on a create warns (an error would taint them, see practitioner.test.ts).
    expect(r.code).toBe(0);
    const text = `${r.stdout} ${r.stderr}`.replace(/\s+/g, ' ');
    expect(text).toContain('Warning: The policy was not realized on every host in time');
    expect(text).toMatch(/on 1 host\(s\): rt-lag \(no agent has reported yet, needs \d+\)/);
    expect(text).not.toMatch(/rt-ok \(|rt-empty \(/);
  } finally {
    reporting = false;
    await agent;
  }
  // rt-ok's stand-in agent has stopped, so waiting would fail again: switch it off through the environment.
  const destroyed = await lab.tf(dir, ['destroy', '-input=false', '-auto-approve', '-no-color'], {
    MICROSEG_WAIT_FOR_REALIZATION: 'false',
  });
  expect(destroyed.code).toBe(0);
  expect((await svc.api('GET', '/v1/hosts')).body.items).toEqual([]);
});
