/**
 * The plan's impact warnings through the real terraform CLI against a real
 * service whose history holds observed connections (reported as an agent
 * would): a switch to apply warns on that resource, a destroy warns with what
 * it would allow, and the plan never fails because of impact — not when the
 * service cannot answer it, not with values unknown until apply, not with a
 * change that needs another change of the same plan.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fp from 'fastify-plugin';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { createLab, explainFailure, type Lab, type TfResult } from './support';

jest.setTimeout(240_000);

let svc: TestService;
let lab: Lab;
/** While set, POST /v1/impact answers 500 (a service that cannot compute impact), everything else works. */
let impactBroken = false;
/** POST /v1/impact requests received: the plan-time cost. */
let impactRequests = 0;
const seen: Record<string, string> = {};

const brokenImpact = fp(
  async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/v1/impact') impactRequests++;
      if (impactBroken && request.url === '/v1/impact')
        await reply
          .code(500)
          .send({ error: 'internal', message: 'internal error; the service log has the details', field: null });
    });
  },
  { name: 'test-broken-impact', dependencies: ['microseg-core'] },
);

const PROVIDER = `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}
provider "microseg" {
  wait_for_realization = false
}
`;
const RULE = (mode: string, name = '"pg-guard"') => `
resource "microseg_application_rule" "guard" {
  name    = ${name}
  mode    = "${mode}"
  target  = { categories = { PgTier = ["db"] } }
  inbound = [{ from = { categories = { PgTier = ["app"] } }, services = [{ protocol = "tcp", ports = ["5432"] }] }]
}
`;

/** The warnings of `terraform plan -json`, as "summary\ndetail". */
async function planWarnings(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ r: TfResult; warnings: string[] }> {
  const r = await lab.tf(dir, ['plan', '-input=false', '-json', ...args], env);
  if (r.code !== 0) throw new Error(`plan failed\n${explainFailure(r)}`);
  const warnings = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          diagnostic?: { severity: string; summary: string; detail: string; address?: string };
        },
    )
    .filter((m) => m.type === 'diagnostic' && m.diagnostic!.severity === 'warning')
    .map((m) => `${m.diagnostic!.address ?? ''}: ${m.diagnostic!.summary}\n${m.diagnostic!.detail}`);
  return { r, warnings };
}

async function apply(dir: string, env: Record<string, string> = {}): Promise<TfResult> {
  const r = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color'], env);
  if (r.code !== 0) throw new Error(`apply failed\n${explainFailure(r)}`);
  return r;
}

beforeAll(async () => {
  lab = await createLab({});
  svc = await startService({
    database: path.join(lab.root, 'microseg.sqlite'),
    plugins: [createMonitoringPlugin({ maxEntries: 100, retentionMs: 3_600_000 }), brokenImpact],
  });
  lab.setEnv({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.admin.secret });
  const ok = async (p: string, body: unknown) => {
    const r = await svc.api('POST', p, body);
    if (r.status !== 201) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await ok('/v1/categories', { name: 'PgTier', values: ['app', 'db'] });
  await ok('/v1/hosts', { name: 'pg-host' });
  await ok('/v1/entities', {
    name: 'pg-app',
    host: 'pg-host',
    port: 'p1',
    ips: ['10.7.0.21'],
    categories: { PgTier: 'app' },
  });
  await ok('/v1/entities', {
    name: 'pg-db',
    host: 'pg-host',
    port: 'p2',
    ips: ['10.7.0.31'],
    categories: { PgTier: 'db' },
  });
  await ok('/v1/entities', { name: 'pg-other', host: 'pg-host', port: 'p3', ips: ['10.7.0.41'] });
});

afterAll(async () => {
  await svc?.close();
  lab?.cleanup();
  for (const [k, v] of Object.entries(seen)) console.log(`${k}:\n${v}`);
});

test('monitor → apply warns on the rule with the connections it would deny; destroy warns with what it would allow', async () => {
  const dir = lab.workdir('guard', { 'main.tf': PROVIDER + RULE('monitor') });
  expect((await lab.tf(dir, ['init', '-input=false', '-no-color'])).code).toBe(0);
  await apply(dir);
  const report = await svc.api(
    'POST',
    '/v1/agents/hosts/pg-host/observations',
    {
      connections: [
        // pg-other → pg-db tcp/5432 and tcp/22: would-deny; pg-app → pg-db tcp/5432: allowed by the entry.
        {
          src: '10.7.0.41',
          dst: '10.7.0.31',
          protocol: 'tcp',
          port: 5432,
          verdict: 'would-deny',
          rule: 'pg-guard',
          rule_kind: 'application',
          new: 1,
          active: 0,
        },
        {
          src: '10.7.0.41',
          dst: '10.7.0.31',
          protocol: 'tcp',
          port: 22,
          verdict: 'would-deny',
          rule: 'pg-guard',
          rule_kind: 'application',
          new: 1,
          active: 0,
        },
        {
          src: '10.7.0.21',
          dst: '10.7.0.31',
          protocol: 'tcp',
          port: 5432,
          verdict: 'allow',
          rule: 'pg-guard',
          rule_kind: 'application',
          new: 1,
          active: 0,
        },
      ],
    },
    { as: 'agent:pg-host' },
  );
  expect(report.status).toBe(204);
  // Nothing changes yet: no request, no warning.
  impactRequests = 0;
  expect((await planWarnings(dir)).warnings).toEqual([]);
  expect(impactRequests).toBe(0);

  fs.writeFileSync(path.join(dir, 'main.tf'), PROVIDER + RULE('apply'));
  const { warnings, r } = await planWarnings(dir);
  seen['switch to apply'] = `${warnings.join('\n')}\n(plan ${r.ms} ms, ${impactRequests} impact request)`;
  expect(impactRequests).toBe(1); // one changed resource, one request
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(
    /^microseg_application_rule\.guard: This change alters the verdict of observed connections\n2 observed connections would be denied: pg-other → pg-db tcp\/(5432|22) \(last seen \d+ s ago\), pg-other → pg-db tcp\/(5432|22) \(last seen \d+ s ago\)\n/,
  );
  // As a person reads it: on the resource, the list in the text.
  const human = await lab.tf(dir, ['plan', '-input=false', '-no-color']);
  seen['switch to apply, as terraform plan prints it'] = human.stdout.slice(human.stdout.indexOf('Warning:'));
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(
    /Warning: This change alters the verdict of observed connections\n\n {2}with microseg_application_rule\.guard,/,
  );
  expect(warnings[0]).toContain('pg-other → pg-db tcp/5432');
  expect(warnings[0]).toContain('pg-other → pg-db tcp/22');

  // Destroying the monitor rule: nothing it decides is cut (would-deny → allow counts as a flip to allow).
  const destroy = await planWarnings(dir, ['-destroy']);
  seen['destroy of the monitor rule'] = destroy.warnings.join('\n');
  expect(destroy.warnings).toHaveLength(1);
  expect(destroy.warnings[0]).toMatch(/\n2 observed connections would be allowed: pg-other → pg-db /);

  // terraform apply shows the warning with its plan, before the question; the plan it makes again while applying
  // (in a new provider process) does not repeat it after the apply.
  const WARNING = 'Warning: This change alters the verdict of observed connections';
  const count = (text: string) => text.split(WARNING).length - 1;
  const asked = lab.spawnTf(dir, ['apply', '-no-color'], { TF_INPUT: '1' });
  asked.child.stdin!.end('yes\n');
  const answered = await asked.done;
  seen['terraform apply, answered yes'] = answered.stdout;
  expect(answered.code).toBe(0);
  expect(count(answered.stdout)).toBe(1);
  expect(answered.stdout.indexOf(WARNING)).toBeLessThan(
    answered.stdout.indexOf('Do you want to perform these actions?'),
  );
  expect(answered.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');

  // A saved plan: `terraform plan -out` shows it, and `terraform apply PLANFILE` (one planning process) shows it once.
  fs.writeFileSync(path.join(dir, 'main.tf'), PROVIDER + RULE('monitor'));
  const saved = await lab.tf(dir, ['plan', '-input=false', '-no-color', '-out=back.tfplan']);
  expect(saved.code).toBe(0);
  expect(count(saved.stdout)).toBe(1);
  expect(saved.stdout).toContain('would be reported as would-deny (monitor)');
  const savedApply = await lab.tf(dir, ['apply', '-input=false', '-no-color', 'back.tfplan']);
  expect(savedApply.code).toBe(0);
  expect(count(savedApply.stdout)).toBe(1);
  expect(savedApply.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');

  // -auto-approve: terraform shows the plan's warnings with the apply's at the end; the same one is not there twice.
  fs.writeFileSync(path.join(dir, 'main.tf'), PROVIDER + RULE('apply'));
  const auto = await apply(dir);
  seen['terraform apply -auto-approve'] = auto.stdout;
  expect(count(auto.stdout)).toBe(1);
  expect(auto.stdout).not.toContain('similar warning');
  expect(auto.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
});

test('nothing observed in the window: one impact request per terraform process however many changes, no warning', async () => {
  const quiet = await startService({
    plugins: [createMonitoringPlugin({ maxEntries: 100, retentionMs: 3_600_000 }), brokenImpact],
  });
  try {
    const env = { MICROSEG_ENDPOINT: quiet.url };
    const groups = [0, 1, 2, 3, 4, 5]
      .map(
        (i) =>
          `resource "microseg_address_group" "g${i}" {\n  name  = "quiet-g${i}"\n  cidrs = ["172.20.${i}.0/24"]\n}\n`,
      )
      .join('\n');
    const dir = lab.workdir('quiet', { 'main.tf': PROVIDER + groups });
    expect((await lab.tf(dir, ['init', '-input=false', '-no-color'], env)).code).toBe(0);
    impactRequests = 0;
    const { warnings, r } = await planWarnings(dir, [], env);
    const planRequests = impactRequests;
    impactRequests = 0;
    const applied = await apply(dir, env);
    seen['nothing observed'] =
      `plan of 6 changes: ${planRequests} impact request (${r.ms} ms); apply: ${impactRequests} (${applied.ms} ms)`;
    expect(warnings).toEqual([]);
    expect(applied.stdout).not.toContain('Warning:');
    expect(planRequests).toBe(1); // the first answer says the window holds no connection
    expect(impactRequests).toBe(2); // the apply's plan and its apply are two provider processes, each asks once
    expect((await quiet.api('GET', '/v1/address-groups/quiet-g5')).status).toBe(200);
  } finally {
    await quiet.close();
  }
});

test('a service that cannot compute impact: the plan warns so and succeeds', async () => {
  const dir = lab.workdir('broken', { 'main.tf': PROVIDER + RULE('apply', '"pg-guard-2"') });
  expect((await lab.tf(dir, ['init', '-input=false', '-no-color'])).code).toBe(0);
  impactBroken = true;
  try {
    const { r, warnings } = await planWarnings(dir);
    seen['impact unavailable'] = warnings.join('\n');
    expect(r.code).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^microseg_application_rule\.guard: Impact on observed traffic not computed\nThe microseg service could not say which observed connections this change would affect: .*The plan goes on without it\.$/,
    );
  } finally {
    impactBroken = false;
  }
});

test('values unknown until apply, or a change that needs another change of the plan: no impact warning, plan succeeds', async () => {
  const config =
    PROVIDER +
    `
resource "microseg_category" "zone" {
  name   = "PgZone"
  values = ["a"]
}
# The name is known only once the category exists (its id).
resource "microseg_application_rule" "unknown" {
  name    = "u-\${substr(microseg_category.zone.id, 0, 8)}"
  mode    = "apply"
  target  = { categories = { PgTier = ["db"] } }
}
# Uses a category this plan creates, so the service cannot judge it alone (judged, it would deny pg-other → pg-db).
resource "microseg_application_rule" "dependent" {
  name    = "pg-zone"
  mode    = "apply"
  target  = { categories = { PgTier = ["db"] } }
  inbound = [{ from = { categories = { (microseg_category.zone.name) = ["a"] } } }]
}
`;
  const dir = lab.workdir('unknown', { 'main.tf': config });
  expect((await lab.tf(dir, ['init', '-input=false', '-no-color'])).code).toBe(0);
  const { r, warnings } = await planWarnings(dir);
  expect(r.code).toBe(0);
  expect(warnings).toEqual([]);
});
