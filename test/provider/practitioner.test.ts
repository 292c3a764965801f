/**
 * What a Terraform practitioner meets on a normal day (issue 10), each
 * through the real terraform CLI against a real service (or, for the
 * hung-endpoint cases, a TCP server that accepts and never answers):
 * Ctrl-C, the timeout, renames, realization failures, unknown names at
 * plan, missing groups, diagnostic paths, out-of-band renames, bad tokens.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createLab, explainFailure, type Lab, type TfResult } from './support';

jest.setTimeout(240_000);

let svc: TestService;
let lab: Lab;
const figures: Record<string, number> = {};
/** What the user saw in each case (the diagnostics' text), printed once at the end for the record. */
const seen: Record<string, string> = {};
const diagnostics = (r: TfResult) =>
  flat(r)
    .match(/(Error|Warning): .*/)?.[0]
    .replace(/ Apply complete!.*| Planning failed.*/, '')
    .slice(0, 600) ?? '';

beforeAll(async () => {
  lab = await createLab({});
  svc = await startService({ database: path.join(lab.root, 'microseg.sqlite') });
  lab.setEnv({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.admin.secret });
});

afterAll(async () => {
  await svc?.close();
  lab?.cleanup();
  if (Object.keys(figures).length > 0) console.log(`practitioner figures (ms): ${JSON.stringify(figures)}`);
  for (const [k, v] of Object.entries(seen)) console.log(`${k}: ${v}`);
});

const provider = (settings = 'wait_for_realization = false') => `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}
provider "microseg" {
  ${settings}
}
`;

async function ok(dir: string, args: string[], expected = 0, env: Record<string, string> = {}): Promise<TfResult> {
  const r = await lab.tf(dir, args, env);
  if (r.code !== expected)
    throw new Error(
      `terraform ${args.join(' ')} in ${path.basename(dir)}: expected exit ${expected}\n${explainFailure(r)}`,
    );
  return r;
}

async function workdir(name: string, config: string): Promise<string> {
  const dir = lab.workdir(name, { 'main.tf': config });
  await ok(dir, ['init', '-input=false', '-no-color']);
  return dir;
}

const flat = (r: TfResult) => `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' ');

interface ResourceChange {
  address: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

async function planChanges(
  dir: string,
  env: Record<string, string> = {},
): Promise<{ exit: number; changes: ResourceChange[] }> {
  const r = await lab.tf(dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=tfplan'], env);
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

/** A TCP server that accepts connections and never answers: a hung service. */
async function hungServer(): Promise<{
  url: string;
  connections: () => number;
  open: () => number;
  close(): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.resume(); // read (and ignore) the request, so the client's close is seen
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => count,
    open: () => sockets.size,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CATEGORY = (name: string) => `resource "microseg_category" "c" {
  name   = "${name}"
  values = ["web"]
}
`;

describe('a hung service (accepts, never answers)', () => {
  test('Ctrl-C (SIGINT to terraform) ends terraform plan within seconds; the default timeout is 5m', async () => {
    const hung = await hungServer();
    try {
      const dir = await workdir('ctrl-c', provider('') + CATEGORY('CcTier'));
      await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color'], 0, {
        MICROSEG_WAIT_FOR_REALIZATION: 'false',
      }); // against the real service: now plan has something to read
      const run = lab.spawnTf(dir, ['plan', '-input=false', '-no-color'], {
        MICROSEG_ENDPOINT: hung.url,
        TF_LOG_PROVIDER: 'INFO',
      });
      await until('the provider to send a request to the hung service', () => hung.connections() > 0, 60_000);
      // The default, as the provider configured itself: 5 minutes for one request, retries included.
      await until('the provider log line "configured"', () => /configured.*timeout_ms/.test(run.output()), 10_000);
      expect(run.output()).toMatch(/configured.*timeout_ms"?[=:]\s*300000\b/);
      const sent = Date.now();
      run.child.kill('SIGINT');
      const r = await run.done;
      const ms = Date.now() - sent;
      figures.ctrl_c_to_exit = ms;
      expect(r.code).not.toBe(0);
      expect(ms).toBeLessThan(10_000);
      expect(flat(r)).toContain('stopped by Terraform (interrupt) during GET /v1/status');
      seen.ctrl_c = diagnostics(r);
      await until('the provider to close its connection', () => hung.open() === 0, 5_000);
      await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color'], 0, {
        MICROSEG_WAIT_FOR_REALIZATION: 'false',
      });
    } finally {
      await hung.close();
    }
  });

  test('timeout bounds the whole request, retries included, and the error says what was tried', async () => {
    const hung = await hungServer();
    try {
      const dir = await workdir('timeout', provider('timeout = "4s"') + CATEGORY('ToTier'));
      await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']); // against the real service: now there is something to read
      const r = await lab.tf(dir, ['plan', '-input=false', '-no-color'], { MICROSEG_ENDPOINT: hung.url });
      figures.plan_with_timeout_4s = r.ms;
      expect(r.code).toBe(1);
      const text = flat(r);
      expect(text).toContain('The microseg service did not answer in time');
      seen.timeout = diagnostics(r);
      expect(text).toMatch(
        new RegExp(
          `no answer from the microseg service at ${hung.url.replace(/\./g, '\\.')} to GET /v1/status within 4s \\(1 attempt: no answer after 4(\\.\\d)?s\\)`,
        ),
      );
      expect(r.ms).toBeLessThan(4_000 + 10_000); // terraform's own start-up is the rest
      await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color']);
    } finally {
      await hung.close();
    }
  });
});

test('a bad token or a dead endpoint fails terraform plan, naming the fix', async () => {
  const dir = await workdir('bad-token', provider() + CATEGORY('BtTier'));
  const r = await lab.tf(dir, ['plan', '-input=false', '-no-color'], { MICROSEG_TOKEN: 'not-the-token-1234' });
  expect(r.code).toBe(1);
  expect(flat(r)).toContain('The microseg service did not accept the token');
  expect(flat(r)).toContain('Set token in the provider block or MICROSEG_TOKEN.');
  seen.bad_token = diagnostics(r);
  expect(r.stderr).not.toContain('not-the-token-1234');
  // A dead endpoint, too, fails plan (after the retries), naming the endpoint and what was tried.
  const closed = await hungServer();
  const dead = closed.url;
  await closed.close();
  const d = await lab.tf(dir, ['plan', '-input=false', '-no-color'], { MICROSEG_ENDPOINT: dead });
  expect(d.code).toBe(1);
  seen.dead_endpoint = diagnostics(d);
  expect(flat(d)).toMatch(
    new RegExp(
      `Cannot reach the microseg service .*cannot reach the microseg service at ${dead.replace(/\./g, '\\.')}: connect ECONNREFUSED .*\\(GET /v1/status, 5 attempts: `,
    ),
  );
});

test('renaming a category, an address group and a service group that rules use applies, and the next plan is clean', async () => {
  const config = (tier: string, office: string, https: string) => `${provider()}
resource "microseg_category" "tier" {
  name   = "${tier}"
  values = ["web", "db"]
}
resource "microseg_address_group" "office" {
  name  = "${office}"
  cidrs = ["192.0.2.0/24"]
}
resource "microseg_service_group" "https" {
  name     = "${https}"
  services = [{ protocol = "tcp", ports = ["443"] }]
}
resource "microseg_host" "h" {
  name = "rn-host"
}
resource "microseg_entity" "web" {
  name       = "rn-web"
  host       = microseg_host.h.name
  port       = "vm-rn-web"
  ips        = ["10.88.0.1"]
  categories = { (microseg_category.tier.name) = "web" }
}
resource "microseg_application_rule" "r" {
  name   = "rn-rule"
  mode   = "apply"
  target = { categories = { (microseg_category.tier.name) = ["web"] } }
  inbound = [{
    from           = { address_groups = [microseg_address_group.office.name] }
    service_groups = [microseg_service_group.https.name]
  }]
}
resource "microseg_isolation_rule" "i" {
  name   = "rn-split"
  mode   = "apply"
  groups = [{ categories = { (microseg_category.tier.name) = ["web"] } }, { categories = { (microseg_category.tier.name) = ["db"] } }]
}
`;
  const dir = await workdir('rename', config('RnTier', 'rn-office', 'rn-https'));
  await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  fs.writeFileSync(path.join(dir, 'main.tf'), config('RnLayer', 'rn-branch', 'rn-tls'));
  const { exit, changes } = await planChanges(dir);
  expect(exit).toBe(2);
  expect(changes.every((c) => c.change.actions.join() === 'update')).toBe(true);
  const applied = await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color', 'tfplan']);
  expect(applied.stdout).toMatch(/Apply complete! Resources: 0 added, \d+ changed, 0 destroyed\./);
  const plan = await ok(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
  expect(plan.stdout).toContain('No changes.');
  // The service holds the new names everywhere, and nothing under the old ones.
  expect((await svc.api('GET', '/v1/entities/rn-web')).body.categories).toEqual({ RnLayer: 'web' });
  const rule = (await svc.api('GET', '/v1/application-rules/rn-rule')).body;
  expect(rule.target).toEqual({ categories: { RnLayer: ['web'] } });
  expect(rule.inbound[0]).toMatchObject({ from: { address_groups: ['rn-branch'] }, service_groups: ['rn-tls'] });
  expect((await svc.api('GET', '/v1/isolation-rules/rn-split')).body.groups).toEqual(
    expect.arrayContaining([{ categories: { RnLayer: ['web'] } }, { categories: { RnLayer: ['db'] } }]),
  );
  expect((await svc.api('GET', '/v1/categories/RnTier')).status).toBe(404);
  await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color']);
});

test('an object renamed out of band shows as a change of its name, and apply renames it back', async () => {
  const dir = await workdir('oob-rename', provider() + CATEGORY('OobTier'));
  await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  const got = (await svc.api('GET', '/v1/categories/OobTier')).body;
  const put = await svc.api(
    'PUT',
    '/v1/categories/OobTier',
    { name: 'OobRenamed', values: got.values },
    { headers: { 'if-match': `"${got.version}"` } },
  );
  expect(put.status).toBe(200);
  const { exit, changes } = await planChanges(dir);
  expect(exit).toBe(2);
  expect(changes.map((c) => [c.address, c.change.actions])).toEqual([['microseg_category.c', ['update']]]);
  expect([changes[0].change.before!.name, changes[0].change.after!.name]).toEqual(['OobRenamed', 'OobTier']);
  expect(changes[0].change.before!.id).toBe(got.id);
  await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color', 'tfplan']);
  expect((await svc.api('GET', '/v1/categories/OobTier')).body.id).toBe(got.id);
  expect((await svc.api('GET', '/v1/categories/OobRenamed')).status).toBe(404);
  await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color']);
});

test('a category whose name is unknown until apply: entities and rules using it plan, and apply', async () => {
  // The category's name comes from another resource's output (unknown at plan); its users know the name
  // from elsewhere (a local) and wait for the category with depends_on.
  const dir = await workdir(
    'unknown-name',
    `${provider()}
locals {
  tier = "UkTier"
}
resource "terraform_data" "name" {
  input = local.tier
}
resource "microseg_category" "c" {
  name   = terraform_data.name.output
  values = ["web"]
}
resource "microseg_host" "h" {
  name = "uk-host"
}
resource "microseg_entity" "e" {
  name       = "uk-web"
  host       = microseg_host.h.name
  port       = "vm-uk-web"
  ips        = ["10.89.0.1"]
  categories = { (local.tier) = "web" }
  depends_on = [microseg_category.c]
}
resource "microseg_isolation_rule" "i" {
  name       = "uk-split"
  mode       = "apply"
  groups     = [{ categories = { (local.tier) = ["web"] } }, { categories = { Quarantine = ["Strict"] } }]
  depends_on = [microseg_category.c]
}
`,
  );
  const plan = await ok(dir, ['plan', '-input=false', '-no-color']);
  expect(plan.stdout).toContain('Plan: 5 to add');
  await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  expect((await svc.api('GET', '/v1/entities/uk-web')).body.categories).toEqual({ UkTier: 'web' });
  await ok(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
  await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color']);
});

const BAD_AT_PLAN: [string, string, RegExp[]][] = [
  [
    'a missing address group',
    `resource "microseg_application_rule" "bad" {
  name   = "bad"
  mode   = "monitor"
  target = { categories = { Quarantine = ["Strict"] } }
  inbound = [{ from = { address_groups = ["no-such-group"] } }]
}
`,
    [
      /Unknown address group/,
      /inbound\[\{.*\}\]\.from\.address_groups\["no-such-group"\]: address group "no-such-group" does not exist in the microseg service and is not declared in this configuration/,
      /inbound = \[\{ from = \{ address_groups = \["no-such-group"\]/,
    ],
  ],
  [
    'a missing service group',
    `resource "microseg_application_rule" "bad" {
  name   = "bad"
  mode   = "monitor"
  target = { categories = { Quarantine = ["Strict"] } }
  inbound = [{ from = { any = true }, service_groups = ["no-such-services"] }]
}
`,
    [
      /Unknown service group/,
      /service_groups\["no-such-services"\]: service group "no-such-services" does not exist/,
      /inbound = \[/,
    ],
  ],
  [
    'a bad port in the second element the user wrote',
    `resource "microseg_service_group" "bad" {
  name     = "bad"
  services = [{ protocol = "udp", ports = ["53"] }, { protocol = "tcp", ports = ["70000", "443"] }]
}
`,
    [
      /services\[\{ protocol = "tcp", ports = \["443", "70000"\] \}\]\.ports\["70000"\]: "70000": ports are 1-65535/,
      /services = \[/,
    ],
  ],
  [
    'a port with a leading zero',
    `resource "microseg_service_group" "bad" {
  name     = "bad"
  services = [{ protocol = "tcp", ports = ["0443", "80-080"] }]
}
`,
    [
      /\.ports\["0443"\]: "0443" is not canonical; did you mean 443/,
      /\.ports\["80-080"\]: "80-080" is not canonical; did you mean 80/,
    ],
  ],
];

test.each(BAD_AT_PLAN)('plan fails on %s, on the attribute, naming the element', async (name, resource, expected) => {
  const dir = await workdir(`bad-${name.replace(/[^a-z0-9]+/gi, '-')}`, provider() + resource);
  const r = await lab.tf(dir, ['plan', '-input=false', '-no-color']);
  expect(r.code).toBe(1);
  const text = r.stderr.replace(/\s+/g, ' ');
  for (const re of expected) expect(text).toMatch(re);
  expect(r.stderr).not.toMatch(/This is a bug in the provider|rpc error|at .*\.js:\d+/);
  seen[`plan: ${name}`] = diagnostics(r);
});

describe('wait_for_realization', () => {
  test('a create (or update) whose wait fails is stored, not tainted, and the next plan is clean', async () => {
    const dir = await workdir(
      'realize-fail',
      `${provider('timeout = "2s"')}
resource "microseg_host" "h" {
  name = "rf-host"
}
resource "microseg_entity" "e" {
  name = "rf-vm"
  host = microseg_host.h.name
  port = "vm-rf"
  ips  = ["10.90.0.1"]
}
`,
    );
    const r = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
    expect(r.code).toBe(0);
    const text = flat(r);
    expect(text).toContain('Warning: The policy was not realized on every host in time');
    expect(text).toMatch(/rf-host \(no agent has reported yet, needs \d+\)/);
    expect(text).toContain('The change is stored');
    seen.create_wait_failed = diagnostics(r);
    const state = JSON.parse((await ok(dir, ['show', '-json'])).stdout);
    const resources = state.values.root_module.resources as { address: string; tainted?: boolean }[];
    expect(resources.map((x) => [x.address, x.tainted ?? false])).toEqual([
      ['microseg_entity.e', false],
      ['microseg_host.h', false],
    ]);
    const plan = await ok(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
    expect(plan.stdout).toContain('No changes.');
    // An update whose wait fails is an error (Terraform does not taint an update), and it is stored too.
    // (A new IP: enforced, so it makes a generation to wait for; a description alone would not.)
    fs.writeFileSync(
      path.join(dir, 'main.tf'),
      fs.readFileSync(path.join(dir, 'main.tf'), 'utf8').replace('["10.90.0.1"]', '["10.90.0.2"]'),
    );
    const updated = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
    expect(updated.code).toBe(1);
    expect(flat(updated)).toContain('Error: The policy was not realized on every host in time');
    seen.update_wait_failed = diagnostics(updated);
    expect((await svc.api('GET', '/v1/entities/rf-vm')).body.ips).toEqual(['10.90.0.2']);
    const after = JSON.parse((await ok(dir, ['show', '-json'])).stdout).values.root_module.resources as {
      address: string;
      tainted?: boolean;
      values: { ips: string[] };
    }[];
    expect(after.map((x) => [x.address, x.tainted ?? false])).toEqual([
      ['microseg_entity.e', false],
      ['microseg_host.h', false],
    ]);
    expect(after[0].values.ips).toEqual(['10.90.0.2']);
    await ok(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color'], 0);
    await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color'], 0, {
      MICROSEG_WAIT_FOR_REALIZATION: 'false',
    });
  });

  test('a lagging host that the change does not affect does not fail it', async () => {
    // Another workspace's host: it carries a VM and no agent ever reports for it.
    expect((await svc.api('POST', '/v1/hosts', { name: 'other-ws-host' })).status).toBe(201);
    expect(
      (
        await svc.api('POST', '/v1/entities', {
          name: 'other-ws-vm',
          host: 'other-ws-host',
          port: 'vm-other',
          ips: ['10.91.0.9'],
        })
      ).status,
    ).toBe(201);
    const dir = await workdir(
      'realize-scoped',
      `${provider('timeout = "20s"')}
resource "microseg_host" "h" {
  name = "rs-host"
}
resource "microseg_entity" "e" {
  name = "rs-vm"
  host = microseg_host.h.name
  port = "vm-rs"
  ips  = ["10.91.0.1"]
}
`,
    );
    // A stand-in agent for rs-host: reports the current generation, as a converged agent would.
    let reporting = true;
    const agent = (async () => {
      while (reporting) {
        const status = await svc.api('GET', '/v1/status');
        if (status.body.hosts.some((h: { name: string }) => h.name === 'rs-host')) {
          await svc.api(
            'POST',
            '/v1/agents/hosts/rs-host/status',
            {
              realized_generation: status.body.generation,
              flow_count: 1,
              reachable: true,
              last_error: null,
              drift_repairs: 0,
            },
            { as: 'agent:rs-host' },
          );
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    try {
      const r = await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
      figures.apply_with_scoped_wait = r.ms;
      expect(flat(r)).not.toContain('Warning');
      expect(flat(r)).not.toContain('other-ws-host');
    } finally {
      reporting = false;
      await agent;
    }
    await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color'], 0, {
      MICROSEG_WAIT_FOR_REALIZATION: 'false',
    });
    await svc.api('DELETE', '/v1/entities/other-ws-vm');
    await svc.api('DELETE', '/v1/hosts/other-ws-host');
  });
});

test('a stale version at apply: the message reads as two sentences', async () => {
  const dir = await workdir('stale', provider() + CATEGORY('StTier'));
  await ok(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  const got = (await svc.api('GET', '/v1/categories/StTier')).body;
  expect(
    (
      await svc.api(
        'PUT',
        '/v1/categories/StTier',
        { name: 'StTier', values: ['web', 'app'] },
        { headers: { 'if-match': `"${got.version}"` } },
      )
    ).status,
  ).toBe(200);
  fs.writeFileSync(path.join(dir, 'main.tf'), provider() + CATEGORY('StTier').replace('["web"]', '["web", "db"]'));
  // -refresh=false: the state keeps the old version, as when someone changes the object between plan and apply.
  const r = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color', '-refresh=false']);
  expect(r.code).toBe(1);
  expect(flat(r)).toMatch(
    /it changed since you read it; read it again and retry\. The object changed since it was read; run terraform plan again\./,
  );
  seen.stale_version = diagnostics(r);
  await ok(dir, ['destroy', '-input=false', '-auto-approve', '-no-color']);
});

test('the schema: descriptions are markdown, and the computed version does not ask the user to send it', async () => {
  const dir = await workdir('schema', provider());
  const schemas = JSON.parse((await ok(dir, ['providers', 'schema', '-json'])).stdout).provider_schemas[
    'terraform.local/microseg/microseg'
  ];
  const kinds: string[] = [];
  const walk = (
    attrs: Record<string, { description_kind?: string; nested_type?: { attributes: Record<string, unknown> } }>,
  ) => {
    for (const a of Object.values(attrs)) {
      kinds.push(a.description_kind ?? 'plain');
      if (a.nested_type) walk(a.nested_type.attributes as never);
    }
  };
  walk(schemas.provider.block.attributes);
  for (const s of Object.values(
    schemas.resource_schemas as Record<string, { block: { attributes: never; description_kind?: string } }>,
  )) {
    kinds.push(s.block.description_kind ?? 'plain');
    walk(s.block.attributes);
  }
  expect(new Set(kinds)).toEqual(new Set(['markdown']));
  const version = schemas.resource_schemas.microseg_category.block.attributes.version;
  expect(version.computed).toBe(true);
  expect(version.description).not.toMatch(/send it/i);
});
