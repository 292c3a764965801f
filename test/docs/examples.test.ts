/**
 * The registry examples against the real provider and a running service (in
 * process, temp SQLite, no agents): every resource example applies, a second
 * plan is empty, every import.sh command imports into a fresh state that then
 * plans clean, and every data-source example reads.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { terraform } from '../../scripts/demo/terraform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateProvider, SOURCE } = require('../../scripts/demo/provider-schema.js') as {
  privateProvider(): Promise<{ env: Record<string, string>; cleanup(): void }>;
  SOURCE: string;
};

jest.setTimeout(120_000);

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const resources = readdirSync(join(EXAMPLES, 'resources')).sort();
const dataSources = readdirSync(join(EXAMPLES, 'data-sources')).sort();

describe('registry examples against the provider and service', () => {
  const tmp = mkdtempSync('/tmp/msf-examples-');
  const log = join(tmp, 'terraform.log');
  let svc: TestService;
  let tf: { env: Record<string, string>; cleanup(): void };
  let env: Record<string, string>;

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  /** One directory with the given example files (resource.tf of each resource, …) and the provider requirement. */
  const workdir = (name: string, files: string[]) => {
    const dir = join(tmp, name);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'versions.tf'),
      `terraform {\n  required_providers {\n    microseg = { source = "${SOURCE}" }\n  }\n}\n`,
    );
    files.forEach((f, i) => cpSync(join(EXAMPLES, f), join(dir, `${i}-${f.split('/')[1]}.tf`)));
    return dir;
  };

  beforeAll(async () => {
    writeFileSync(log, '');
    // Monitoring too: the recommendation data source reads its route.
    svc = await startService({ database: join(tmp, 'microseg.sqlite'), plugins: [createMonitoringPlugin()] });
    tf = await privateProvider();
    // No agents here: hosts never realize, so applies do not wait for them.
    env = {
      ...tf.env,
      MICROSEG_ENDPOINT: svc.url,
      MICROSEG_TOKEN: TEST_TOKENS.admin.secret,
      MICROSEG_WAIT_FOR_REALIZATION: 'false',
    };
    // What the examples name but do not create (each shows one resource): the other categories and the https group.
    await api('POST', '/v1/categories', { name: 'AppType', values: ['shop', 'tools', 'infra'] });
    await api('POST', '/v1/categories', { name: 'Environment', values: ['prod', 'dev', 'staging'] });
    await api('POST', '/v1/service-groups', { name: 'https', services: [{ protocol: 'tcp', ports: ['443'] }] });
  });

  afterAll(async () => {
    await svc?.close();
    tf?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('every resource example applies, plans clean, and imports by its import.sh', async () => {
    const files = resources.map((r) => `resources/${r}/resource.tf`);
    const dir = workdir('resources', files);
    await terraform(dir, ['init', '-input=false', '-no-color'], env, log);
    // Objects that others refer to by name first (the examples use names, not references).
    await terraform(
      dir,
      [
        'apply',
        '-auto-approve',
        '-input=false',
        '-no-color',
        '-target=microseg_category.tier',
        '-target=microseg_host.a',
        '-target=microseg_address_group.office',
        '-target=microseg_service_group.web',
      ],
      env,
      log,
    );
    await terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], env, log);
    const plan = await terraform(dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode'], env, log);
    expect(plan.stdout).toContain('No changes.');

    // A fresh state: each import.sh command, then nothing to change.
    const again = workdir('imported', files);
    await terraform(again, ['init', '-input=false', '-no-color'], env, log);
    let imports = 0;
    for (const r of resources) {
      for (const line of readFileSync(join(EXAMPLES, 'resources', r, 'import.sh'), 'utf8').split('\n')) {
        const m = /^terraform import (\S+) (\S+)$/.exec(line.trim());
        if (!m) continue;
        await terraform(again, ['import', '-input=false', '-no-color', m[1], m[2]], env, log);
        imports += 1;
      }
    }
    expect(imports).toBe(resources.length + 1); // two hosts
    const after = await terraform(again, ['plan', '-input=false', '-no-color', '-detailed-exitcode'], env, log);
    expect(after.stdout).toContain('No changes.');
  });

  test('every data-source example reads', async () => {
    // The reachability example asks about web1 → db1.
    await api('POST', '/v1/entities', {
      name: 'db1',
      host: 'host-a',
      port: 'vm-db1',
      ips: ['10.0.0.31'],
      categories: { AppTier: 'db' },
    });
    // A draft that would cut web from db: the example lists it.
    await api('POST', '/v1/isolation-rules', {
      name: 'draft-split',
      mode: 'off',
      groups: [{ categories: { AppTier: ['web'] } }, { categories: { AppTier: ['db'] } }],
    });
    const dir = workdir(
      'data',
      dataSources.map((d) => `data-sources/${d}/data-source.tf`),
    );
    await terraform(dir, ['init', '-input=false', '-no-color'], env, log);
    await terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], env, log);
    const out = JSON.parse((await terraform(dir, ['output', '-json'], env, log)).stdout) as Record<
      string,
      { value: unknown }
    >;
    expect(out.quarantine_values.value).toEqual(expect.arrayContaining(['Strict', 'Forensic']));
    expect(out.prod_web_names.value).toEqual([]);
    expect(String(out.web_to_db.value)).toMatch(/^(allow|deny|would-deny) \(/);
    expect(out.web_to_db_drafts.value).toEqual(['isolation_rule draft-split: deny']);
    // Nothing observed: the shop rule's own two inbound entries, none new.
    expect(out.shop_recommendation.value).toBe('0 new connections, 2 inbound entries');
  });
});
