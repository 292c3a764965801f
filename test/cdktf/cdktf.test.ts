/**
 * examples/cdktf synthesizes Terraform JSON that plans, against a running
 * service, to the same resources as the HCL example with the same inputs:
 * same (type, name) set, same planned attribute values. Also: the example and
 * the generated bindings type-check, and the bindings match the provider schema.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { synth, type ThreeTierVars } from '../../examples/cdktf/main';
import { threeTierVars } from '../../scripts/demo/layout';
import { prepareWorkdir, terraform } from '../../scripts/demo/terraform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateProvider } = require('../../scripts/demo/provider-schema.js') as { privateProvider(): Promise<{ env: Record<string, string>; cleanup(): void }> };

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');

interface Planned { address: string; type: string; name: string; actions: string[]; after: Record<string, unknown> }

/** resource_changes of `terraform show -json plan`, keyed by type + name attribute (the import ID). */
function planned(showJson: string): Map<string, Planned> {
  const plan = JSON.parse(showJson) as { resource_changes: { address: string; type: string; change: { actions: string[]; after: Record<string, unknown>; after_unknown: Record<string, unknown> } }[] };
  const out = new Map<string, Planned>();
  for (const rc of plan.resource_changes) {
    const after = Object.fromEntries(Object.entries(rc.change.after).filter(([k]) => rc.change.after_unknown[k] !== true));
    const key = `${rc.type}.${String(after.name)}`;
    if (out.has(key)) throw new Error(`two planned resources are ${key}`);
    out.set(key, { address: rc.address, type: rc.type, name: String(after.name), actions: rc.change.actions, after });
  }
  return out;
}

describe('examples/cdktf', () => {
  const tmp = mkdtempSync('/tmp/msf-cdktf-');
  let svc: TestService;
  let tf: { env: Record<string, string>; cleanup(): void };
  const vars = threeTierVars({ ha: '/tmp/msf-cdktf-nohost/ha', hb: '/tmp/msf-cdktf-nohost/hb' });
  const log = join(tmp, 'terraform.log');

  beforeAll(async () => {
    writeFileSync(log, '');
    // No embedded agents: a plan needs no hosts.
    svc = await startService({ database: join(tmp, 'microseg.sqlite') });
    tf = await privateProvider();
  });

  afterAll(async () => {
    await svc?.close();
    tf?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function planIn(dir: string, args: string[] = []): Promise<Map<string, Planned>> {
    const env = { ...tf.env, MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.admin.secret };
    await terraform(dir, ['init', '-input=false', '-no-color'], env, log);
    await terraform(dir, ['plan', '-input=false', '-no-color', '-out=plan.bin', ...args], env, log);
    return planned((await terraform(dir, ['show', '-json', 'plan.bin'], env, log)).stdout);
  }

  test('the synthesized JSON plans the same resources and values as the HCL example', async () => {
    const stackFile = synth(join(tmp, 'cdktf.out'), vars as unknown as ThreeTierVars);
    const stackDir = join(tmp, 'cdktf.out', 'stacks', 'three-tier');
    expect(stackFile).toBe(join(stackDir, 'cdk.tf.json'));
    const hclDir = join(tmp, 'hcl');
    prepareWorkdir(join(ROOT, 'examples', 'three-tier'), hclDir, vars);

    for (const mode of ['monitor', 'apply']) {
      const fromCdktf = await planIn(stackDir, ['-var', `mode=${mode}`]);
      const fromHcl = await planIn(hclDir, ['-var', `mode=${mode}`]);
      expect([...fromCdktf.keys()].sort()).toEqual([...fromHcl.keys()].sort());
      expect(fromCdktf.size).toBe(21); // 3 categories, 2 hosts, office, 2 service groups, 9 entities, 4 rules
      for (const [key, hcl] of fromHcl) {
        const c = fromCdktf.get(key)!;
        expect({ key, actions: c.actions, after: c.after }).toEqual({ key, actions: ['create'], after: hcl.after });
      }
      expect(fromCdktf.get('microseg_application_rule.shop')!.after.mode).toBe(mode);
    }
    // Nothing was written outside the stack directory (state path is relative).
    expect(readdirSync(stackDir).sort()).toEqual(expect.arrayContaining(['cdk.tf.json']));
  });

  test('the example and the generated bindings type-check', () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'examples', 'cdktf', 'tsconfig.json')], { stdio: 'pipe' });
  });

  test('the committed bindings are what cdktf:generate makes from the provider schema', async () => {
    // As `npm run cdktf:generate` does it, into a temp dir (the generator is a CLI-side library: run it as one).
    const out = join(tmp, 'bindings');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'cdktf-generate.js'), '--out', out], { stdio: 'pipe' });
    const list = (d: string, base = d): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(join(d, e.name), base) : [join(d, e.name).slice(base.length + 1)])).sort();
    const committed = join(ROOT, 'cdktf');
    expect(list(out)).toEqual(list(committed));
    const stale = list(out).filter((f) => readFileSync(join(out, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'));
    expect(stale).toEqual([]); // run `npm run cdktf:generate` and commit cdktf/
  });
});
