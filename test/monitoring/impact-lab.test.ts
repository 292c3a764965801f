/**
 * The impact of a plan on live traffic, with real packets (needs root): a
 * monitor rule applied by the real terraform CLI, real traffic observed by
 * the embedded agents; `terraform plan` of switching the rule to apply warns
 * with exactly the connections the apply then blocks (the real-packet matrix
 * before and after), `microseg impact` on the plan's JSON prints the same and
 * exits 2, and a change that affects nothing warns about nothing (exit 0).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../lab/lab';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { serviceLabel, type MatrixServices } from '../../lab/matrix';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { runCli } from '../support/cli';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { createEmbeddedAgentsPlugin } from '../../service/agent/plugin';
import { pipelineDecoder } from '../../service/agent/decode';
import { createLab as createTfLab, explainFailure, PROVIDER_SOURCE, type Lab as TfLab } from '../provider/support';
import { checkedMatrix, mismatches, strictApi, waitRealized } from '../enforcement/lab-service';
import type { FlowRecord } from '../../service/model/observation';

if (!isRoot())
  throw new Error('test/monitoring/impact-lab needs root: network namespaces, veth pairs and Open vSwitch daemons');
jest.setTimeout(300_000);

const SERVICES: MatrixServices = { tcp: [22, 5432], udp: [], icmp: true };
const WARNING = 'This change alters the verdict of observed connections';

/** The rule as Terraform configuration; `extra` adds inbound entries. */
const config = (mode: 'monitor' | 'apply', extra = '') => `
terraform {
  required_providers {
    microseg = { source = "${PROVIDER_SOURCE}" }
  }
}
provider "microseg" {}
resource "microseg_application_rule" "db_guard" {
  name   = "db-guard"
  mode   = "${mode}"
  target = { categories = { AppTier = ["db"] } }
  inbound = [
    { from = { categories = { AppTier = ["app"] } }, services = [{ protocol = "tcp", ports = ["5432"] }] },${extra}
  ]
}
`;

/** `web1 → db1 tcp/5432` from every "A → B svc (last seen …)" a text lists. */
const listed = (text: string): string[] =>
  [...text.matchAll(/(\S+) → (\S+) (\S+) \(last seen/g)].map((m) => `${m[1]} → ${m[2]} ${m[3]}`).sort();

describe('impact of a plan on observed traffic, real packets', () => {
  const prefix = `im${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/msim-');
  const figures: string[] = [];
  let lab: Lab;
  let svc: TestService;
  let tf: TfLab;
  /** The Terraform working directory both tests share (the second plans from the state the first applied). */
  let dir: string;
  const api = strictApi(() => svc);

  const cli = (args: string[]) => runCli(svc.url, args, { timeoutMs: margin(20_000) });

  async function terraform(dir: string, args: string[]) {
    const r = await tf.tf(dir, args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(' ')}: ${explainFailure(r)}`);
    return r;
  }

  /** `terraform plan -json -out`: the impact warnings' details, the saved plan's JSON file, and the ms it took. */
  async function plan(dir: string): Promise<{ warnings: string[]; json: string; ms: number }> {
    const r = await terraform(dir, ['plan', '-input=false', '-json', '-out=plan.tfplan']);
    const warnings = r.stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; diagnostic?: { severity: string; summary: string; detail: string } })
      .filter((m) => m.type === 'diagnostic' && m.diagnostic!.severity === 'warning')
      .map((m) => `${m.diagnostic!.summary}\n${m.diagnostic!.detail}`);
    const shown = await terraform(dir, ['show', '-json', 'plan.tfplan']);
    const json = join(dir, 'plan.json');
    writeFileSync(json, shown.stdout);
    return { warnings, json, ms: r.ms };
  }

  beforeAll(async () => {
    const vm = (name: string, host: string, n: number) => ({
      name,
      host,
      ip: `10.79.0.${n}`,
      mac: `02:79:00:00:00:${n.toString(16).padStart(2, '0')}`,
      port: `vm-${name}`,
      tcp: SERVICES.tcp,
      udp: [],
    });
    lab = await Lab.up({
      prefix,
      hosts: [{ name: 'ha' }, { name: 'hb' }],
      vms: [vm('web1', 'ha', 11), vm('app1', 'hb', 21), vm('db1', 'hb', 31)],
    });
    svc = await startService({
      database: join(tmp, 'microseg.sqlite'),
      plugins: [
        createMonitoringPlugin({ maxEntries: 10_000, retentionMs: 3_600_000 }),
        createEmbeddedAgentsPlugin({ enabled: true, decoderFor: pipelineDecoder }),
      ],
    });
    await api('POST', '/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
    for (const h of lab.hosts.values())
      await api('POST', '/v1/hosts', { name: h.name, ovs_rundir: h.rundir, bridge: h.bridge, uplinks: [h.uplink] });
    const tier: Record<string, string> = { web1: 'web', app1: 'app', db1: 'db' };
    for (const v of lab.vms.values())
      await api('POST', '/v1/entities', {
        name: v.name,
        host: v.host,
        port: v.port,
        mac: v.mac,
        ips: [v.ip],
        categories: { AppTier: tier[v.name] },
      });
    tf = await createTfLab({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.admin.secret });
  });

  afterAll(async () => {
    tf?.cleanup();
    await svc?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  test('plan of monitor → apply warns with exactly the connections the apply blocks; microseg impact agrees, exit 2', async () => {
    dir = tf.workdir('rule', { 'main.tf': config('monitor') });
    await terraform(dir, ['init', '-input=false', '-no-color']);
    await terraform(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
    await waitRealized(api, [...lab.hosts.keys()], 'monitor rule', figures);

    // Real traffic under the monitor rule: every pair, every service; all of it passes.
    const before = await checkedMatrix(lab, api, SERVICES, figures);
    expect(mismatches(before)).toEqual([]);
    expect(before.filter((c) => !c.open).map((c) => `${c.src} → ${c.dst} ${serviceLabel(c)}`)).toEqual([]);

    // Every probed connection shows in the observed history (the agents report on each 2 s pass).
    const cell = (c: { src: string; dst: string; protocol: string; port?: number }) =>
      `${c.src} → ${c.dst} ${c.port ? `${c.protocol}/${c.port}` : c.protocol}`;
    const probed = before.map(cell).sort();
    const { ms: observedMs } = await eventually(
      'every probed connection in /v1/flows',
      async () => {
        const items = (await api('GET', '/v1/flows?limit=1000')).items as FlowRecord[];
        const seen = new Set(
          items.map((f) =>
            cell({ src: f.source, dst: f.destination, protocol: f.protocol, port: f.port ?? undefined }),
          ),
        );
        const missing = probed.filter((p) => !seen.has(p));
        if (missing.length === 0) return true;
        throw new Error(`not yet observed: ${missing.join(', ')}`);
      },
      { timeoutMs: margin(5000), intervalMs: 200 },
    );
    figures.push(
      `all ${probed.length} probed connections observed ${observedMs} ms after the matrix (promise 5000, bound ${margin(5000)})`,
    );

    // terraform plan of the switch to apply.
    writeFileSync(join(dir, 'main.tf'), config('apply'));
    const planned = await plan(dir);
    const impactWarnings = planned.warnings.filter((w) => w.startsWith(WARNING));
    expect(impactWarnings).toHaveLength(1);
    const warned = listed(impactWarnings[0]);
    expect(impactWarnings[0]).toMatch(/observed connections? would be denied: /);
    figures.push(`plan with the impact warning took ${planned.ms} ms; warning:\n${impactWarnings[0]}`);

    // microseg impact on the JSON plan: the same connections, exit 2.
    const r = await cli(['impact', planned.json]);
    figures.push(`microseg impact (exit ${r.code}):\n${r.stdout}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const summary = r.stdout.split('\n').filter((l) => /^\d+ observed connections? would be/.test(l));
    expect(listed(summary.join('\n'))).toEqual(warned);

    // The apply: what the real packets now refuse is exactly what the warning listed.
    await terraform(dir, ['apply', '-input=false', '-no-color', 'plan.tfplan']);
    await waitRealized(api, [...lab.hosts.keys()], 'apply rule', figures);
    const after = await checkedMatrix(lab, api, SERVICES, figures);
    expect(mismatches(after)).toEqual([]);
    const blocked = after
      .filter((c) => !c.open)
      .map(cell)
      .sort();
    figures.push(`blocked after apply: ${blocked.join(', ')}`);
    expect(blocked.length).toBeGreaterThan(0);
    expect(warned).toEqual(blocked);
  });

  test('a change that affects no observed connection: no warning, microseg impact exits 0', async () => {
    // An entry for a service nobody used: a real change of the rule, no observed connection changes verdict.
    writeFileSync(
      join(dir, 'main.tf'),
      config(
        'apply',
        '\n    { from = { categories = { AppTier = ["web"] } }, services = [{ protocol = "tcp", ports = ["8443"] }] },',
      ),
    );
    const planned = await plan(dir);
    const shown = JSON.parse(readFileSync(planned.json, 'utf8')) as {
      resource_changes: { change: { actions: string[] } }[];
    };
    expect(shown.resource_changes.map((c) => c.change.actions)).toEqual([['update']]);
    expect(planned.warnings.filter((w) => w.startsWith(WARNING))).toEqual([]);
    const r = await cli(['impact', planned.json]);
    figures.push(`microseg impact on the unaffecting change (exit ${r.code}): ${r.stdout.trim()}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No observed connection changes verdict/m);
  });
});
