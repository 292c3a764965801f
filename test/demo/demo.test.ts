/**
 * The demo's flow, non-interactively, through its own modules (needs root):
 * lab + service + terraform init/apply of examples/three-tier (monitor, then
 * apply) + real traffic. Its measured matrix must equal explain() for every
 * ordered pair and service, and everything it made must be gone afterwards.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { isRoot } from '../../lab/exec';
import { explain } from '../../service/policy/explain';
import { serviceLabel } from '../../lab/matrix';
import { runDemo, down, readDemoState, type DemoResult } from '../../scripts/demo/flow';
import { pickPort } from '../../scripts/demo/service';
import { demoVmNames, PROBED, SHOP } from '../../scripts/demo/layout';
import { OFFICE } from '../../scripts/demo/office';
import { createProgress } from '../../scripts/demo/progress';
import { terraform } from '../../scripts/demo/terraform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle, ROOT } = require('../../scripts/demo/bundle.js') as {
  bundle(out: string): { service: string };
  ROOT: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cliConfig: cliConfigText } = require('../../scripts/demo/provider-schema.js') as {
  cliConfig(mirror: string): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installProvider } = require('../../scripts/provider-install.js') as {
  installProvider(mirror: string): Promise<string>;
};

if (!isRoot()) throw new Error('test/demo needs root: network namespaces, veth pairs and Open vSwitch daemons');

jest.setTimeout(240_000);

describe('npm run demo flow', () => {
  const tmp = mkdtempSync('/tmp/msf-demo-');
  const stateDir = join(tmp, 'state');
  const prefix = `dt${process.pid % 100000}`;
  const binDir = join(ROOT, '.demo', `test-${process.pid}`);
  const cliConfig = join(tmp, 'cli.tfrc');
  let result: DemoResult;
  let servicePid: number | null = null;
  const output: string[] = [];

  beforeAll(async () => {
    // Inside the checkout: the bundle finds node_modules and service/ui/static from there.
    const { service } = bundle(binDir);
    // A private provider mirror and CLI config: nothing from ~/.terraform.d.
    const mirror = join(tmp, 'mirror');
    await installProvider(mirror);
    writeFileSync(cliConfig, cliConfigText(mirror));
    result = await runDemo({
      stateDir,
      serviceEntry: service,
      example: join(ROOT, 'examples', 'three-tier'),
      prefix,
      port: await pickPort(0),
      terraformEnv: { TF_CLI_CONFIG_FILE: cliConfig, TF_PLUGIN_CACHE_DIR: '' },
      progress: createProgress(8, process.stderr, true),
      print: (t) => {
        output.push(t);
      },
      // Keep until the assertions on cleanup below have seen the service pid.
      keep: true,
    });
    servicePid = readDemoState(stateDir)?.servicePid ?? null;
  });

  afterAll(async () => {
    await down(stateDir).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(binDir, { recursive: true, force: true });
    if (output.length) process.stdout.write(`${output.join('\n')}\n`);
  });

  const key = (c: { src: string; dst: string; protocol: string; port?: number }) =>
    `${c.src}→${c.dst} ${serviceLabel(c as never)}`;

  test('the apply-mode matrix covers every ordered pair and service, and equals explain() for each', () => {
    const names = demoVmNames();
    const services = PROBED.tcp.length + PROBED.udp.length + (PROBED.icmp ? 1 : 0);
    // Every ordered VM pair, and the office (outside, by its IP) to every VM.
    expect(result.apply).toHaveLength(names.length * (names.length - 1) * services + names.length * services);
    const disagree: string[] = [];
    for (const c of result.apply) {
      const src = c.src === OFFICE.name ? OFFICE.ip : c.src;
      const e = explain(
        result.snapshot,
        c.protocol === 'icmp'
          ? { src, dst: c.dst, protocol: 'icmp', icmp_type: 8, icmp_code: 0 }
          : { src, dst: c.dst, protocol: c.protocol, port: c.port },
      );
      if (c.open !== (e.verdict !== 'deny'))
        disagree.push(`${key(c)}: packets ${c.open ? 'open' : 'closed'}, explain ${e.verdict} (${e.rule})`);
    }
    expect(disagree).toEqual([]);
    // All three layers decide something in the example.
    expect([...new Set(result.apply.map((c) => c.layer))].sort()).toEqual([
      'application',
      'default',
      'isolation',
      'quarantine',
      'shared_service',
    ]);
    // The office reaches the web tier on 443 and nothing else of the shop.
    const officeOpen = result.apply
      .filter((c) => c.src === OFFICE.name && c.open && SHOP[c.dst])
      .map(key)
      .sort();
    expect(officeOpen).toEqual(
      Object.keys(SHOP)
        .filter((n) => SHOP[n].tier === 'web')
        .map((n) => `office→${n} tcp/443`)
        .sort(),
    );
    expect(result.snapshot.application_rules.map((r) => r.mode)).toEqual(['apply']);
  });

  test('monitor mode: would-deny cells were open, seen in /v1/flows, and closed by apply', () => {
    const wouldDeny = result.monitor.filter((c) => c.verdict === 'would-deny');
    expect(wouldDeny.length).toBeGreaterThan(0);
    expect(result.monitor.filter((c) => !c.agrees).map(key)).toEqual([]);
    expect(wouldDeny.every((c) => c.open)).toBe(true);
    expect(result.wouldDenyFlows.length).toBeGreaterThanOrEqual(wouldDeny.length);
    expect(result.wouldDenyFlows.every((f) => f.verdict === 'would-deny' && f.rule === 'shop')).toBe(true);
    const applyOpen = new Set(result.apply.filter((c) => c.open).map(key));
    expect(wouldDeny.filter((c) => applyOpen.has(key(c))).map(key)).toEqual([]);
  });

  test('it prints the matrix and PASS', () => {
    expect(result.pass).toBe(true);
    const text = output.join('\n');
    expect(text).toMatch(/^PASS: /m);
    expect(text).toContain('Reachability matrix');
    expect(text).toContain('Would-deny connections');
  });

  test('terraform plan after the demo has nothing to change (the applied policy is what the service holds)', async () => {
    const state = readDemoState(stateDir)!;
    const env = {
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_PLUGIN_CACHE_DIR: '',
      MICROSEG_ENDPOINT: result.url,
      MICROSEG_TOKEN: readFileSync(result.tokenFile, 'utf8').trim(),
    };
    const plan = await terraform(
      state.workdir,
      ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-var', 'mode=apply'],
      env,
      join(tmp, 'plan.log'),
    );
    expect(plan.stdout).toContain('No changes.');
    // The example folder itself got no state, lock file or variables.
    expect(readdirSync(join(ROOT, 'examples', 'three-tier')).sort()).toEqual([
      'main.tf',
      'modules',
      'outputs.tf',
      'variables.tf',
      'versions.tf',
    ]);
  });

  test('down removes the service, the lab and the state', async () => {
    expect(servicePid).not.toBeNull();
    expect(await down(stateDir)).toBe(true);
    expect(() => process.kill(servicePid!, 0)).toThrow();
    const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    expect(netns.split('\n').filter((l) => l.startsWith(`${prefix}-`))).toEqual([]); // lab and office
    expect(existsSync(`/tmp/mslab-${prefix}`)).toBe(false);
    expect(existsSync(join(stateDir, 'state.json'))).toBe(false);
    expect(await down(stateDir)).toBe(false);
  });
});
