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

const COLLECTIONS = ['categories', 'address-groups', 'service-groups', 'hosts', 'entities', 'application-rules', 'isolation-rules', 'quarantine-rules'];

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
  if (r.code !== expected) throw new Error(`terraform ${args.join(' ')} in ${path.basename(dir)}: expected exit ${expected}\n${explainFailure(r)}`);
  return r;
}

/** GET, change, PUT back with If-Match: an out-of-band edit through the API. */
async function edit(collection: string, name: string, change: (o: Record<string, any>) => void): Promise<void> {
  const got = await svc.api('GET', `/v1/${collection}/${name}`);
  expect(got.status).toBe(200);
  const { id: _id, version, created_at: _c, updated_at: _u, status: _s, ...body } = got.body;
  change(body);
  const put = await svc.api('PUT', `/v1/${collection}/${name}`, body, { headers: { 'if-match': `"${version}"` } });
  if (put.status !== 200) throw new Error(`PUT ${collection}/${name}: ${put.status} ${JSON.stringify(put.body)}`);
}

/** Arrays sorted (the service keeps the order it was sent; sets have none), so values compare by meaning. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

interface ResourceChange { address: string; change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null } }

/** plan -out, then the plan as JSON: the changes Terraform would make. */
async function planChanges(dir: string): Promise<{ exit: number; changes: ResourceChange[] }> {
  const r = await lab.tf(dir, ['plan', '-input=false', '-detailed-exitcode', '-out=tfplan']);
  if (r.code === 1) throw new Error(`plan failed\n${explainFailure(r)}`);
  const show = await ok(dir, ['show', '-json', 'tfplan']);
  const plan = JSON.parse(show.stdout) as { resource_changes?: ResourceChange[] };
  return { exit: r.code, changes: (plan.resource_changes ?? []).filter((c) => !c.change.actions.includes('no-op') && !c.change.actions.includes('read')) };
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
  expect(applied.stdout).toContain('Apply complete! Resources: 10 added, 0 changed, 0 destroyed.');
  expect(applied.stdout).toMatch(/web_to_app = "would-deny\/application\/shop"/);
  expect(applied.stdout).toMatch(/"app1",\s*"web1",/);
  for (const [collection, name] of Object.values(RESOURCES)) expect((await svc.api('GET', `/v1/${collection}/${name}`)).status).toBe(200);

  const plan = await ok(main, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
  timings.plan_no_changes = plan.ms;
  expect(plan.stdout).toContain('No changes.');
});

// Out-of-band edits: [address, collection, name, attribute, change]. Two rounds touch every attribute kind.
const DRIFTS: [string, string, (o: Record<string, any>) => void][][] = [[
  ['microseg_category.tier', 'description', (o) => { o.description = 'changed by hand'; }],
  ['microseg_address_group.office', 'cidrs', (o) => { o.cidrs = ['10.10.0.0/16']; }],
  ['microseg_service_group.web', 'services', (o) => { o.services = [{ protocol: 'udp', ports: ['53'] }]; }],
  ['microseg_host.a', 'uplinks', (o) => { o.uplinks = ['uplink0']; }],
  ['microseg_entity.web1', 'mac', (o) => { o.mac = '02:00:00:00:00:99'; }],
  ['microseg_application_rule.shop', 'mode', (o) => { o.mode = 'apply'; }],
  ['microseg_isolation_rule.split', 'second', (o) => { o.second = { categories: { AppType: ['shop'] } }; }],
  ['microseg_quarantine_rule.forensic', 'outbound', (o) => { o.outbound = []; }],
], [
  ['microseg_category.app', 'values', (o) => { o.values = [...o.values, 'infra']; }],
  ['microseg_address_group.office', 'description', (o) => { o.description = 'not the office'; }],
  ['microseg_host.a', 'bridge', (o) => { o.bridge = 'br.other'; }],
  ['microseg_entity.web1', 'ips', (o) => { o.ips = ['10.0.0.12']; }],
  ['microseg_entity.app1', 'categories', (o) => { o.categories = { AppType: 'shop', AppTier: 'web' }; }],
  ['microseg_application_rule.shop', 'inbound', (o) => { o.inbound = o.inbound.slice(0, 1); }],
  ['microseg_isolation_rule.split', 'mode', (o) => { o.mode = 'monitor'; }],
  ['microseg_quarantine_rule.forensic', 'target', (o) => { o.target = { categories: { Quarantine: ['Strict'] } }; }],
]];

test.each(DRIFTS.map((round, i) => [i + 1, round] as const))('out-of-band changes (round %d) show as those attributes\' changes, and apply puts them back', async (_round, drifts) => {
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
    expect({ address, attribute, differs: JSON.stringify(c!.change.before![attribute]) !== JSON.stringify(c!.change.after![attribute]) }).toEqual({ address, attribute, differs: true });
  }
  expect(changes.map((c) => c.address).sort()).toEqual([...new Set(drifts.map((d) => d[0]))].sort());
  await ok(main, ['apply', '-input=false', '-auto-approve', '-no-color', 'tfplan']);
  await ok(main, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
  for (const [address, attribute] of drifts) {
    const [collection, name] = RESOURCES[address];
    const now = (await svc.api('GET', `/v1/${collection}/${name}`)).body;
    expect({ address, attribute, value: canonical(now[attribute]) }).toEqual({ address, attribute, value: canonical(original[address][attribute]) });
  }
});
