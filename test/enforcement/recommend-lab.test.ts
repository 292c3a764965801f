/**
 * Rules from observed traffic, end to end (needs root): the three-tier lab
 * (2 hosts, 6 VMs, embedded agents), everything created by the real
 * `terraform` with the built provider, the shop rule in monitor mode with no
 * entries. Real traffic on some cells; once the agents have reported them,
 * `terraform plan -out` reads `data.microseg_recommendation.shop` into the
 * rule's `inbound` (the plan is saved, so the matrix measured next does not
 * add to what it read) and `terraform apply` of that plan realizes it. The
 * TCP/UDP/ICMP matrix before and after, each cell measured with real packets
 * and held against explain(): every cell of the traffic went from would-deny
 * to allow, and no other cell changed. Then the rule switched to apply
 * (through the API): the traffic's cells stay open, the rest of the shop's
 * cells close.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../lab/lab';
import { threeTierLayout } from '../../lab/layouts';
import { serviceLabel, type MatrixCell } from '../../lab/matrix';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createLab, explainFailure, type Lab as TfLab, type TfResult } from '../provider/support';
import { TIER, PROBED } from './three-tier-policy';
import { strictApi, waitRealized as realizedOn, checkedMatrix as checkedMatrixOf, mismatches } from './lab-service';
import type { Checked } from './lab-service';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');

jest.setTimeout(240_000);

/** The traffic sent while the rule monitors: web → app on tcp/8080, app → db on tcp/5432, web1 alone → app on udp/53. */
const TRAFFIC: MatrixCell[] = [
  ...['web1', 'web2'].flatMap((src) =>
    ['app1', 'app2'].map((dst) => ({ src, dst, protocol: 'tcp' as const, port: 8080, open: true })),
  ),
  ...['app1', 'app2'].flatMap((src) =>
    ['db1', 'db2'].map((dst) => ({ src, dst, protocol: 'tcp' as const, port: 5432, open: true })),
  ),
  ...['app1', 'app2'].map((dst) => ({ src: 'web1', dst, protocol: 'udp' as const, port: 53, open: true })),
];
const cellName = (c: { src: string; dst: string; protocol: MatrixCell['protocol']; port?: number }) =>
  `${c.src}→${c.dst} ${serviceLabel(c)}`;

describe('a monitor rule with no entries, its recommendation applied through Terraform', () => {
  const prefix = `rc${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/msrc-');
  let lab: Lab;
  let svc: TestService;
  let tf: TfLab;
  let dir: string;
  const figures: string[] = [];
  const api = strictApi(() => svc);
  const waitRealized = (label: string, timeoutMs?: number) => realizedOn(api, ['ha', 'hb'], label, figures, timeoutMs);
  const checkedMatrix = () => checkedMatrixOf(lab, api, PROBED, figures);

  async function terraform(args: string[]): Promise<TfResult> {
    const r = await tf.tf(dir, [args[0], '-input=false', '-no-color', ...args.slice(1)]);
    figures.push(`terraform ${args[0]}: ${r.ms} ms`);
    if (r.code !== 0) throw new Error(`terraform ${args.join(' ')}\n${explainFailure(r)}`);
    return r;
  }

  /** The lab as Terraform configuration; `inbound` is the rule's. */
  function config(inbound: string, withData: boolean): string {
    const hosts = [...lab.hosts.values()]
      .map(
        (h) => `resource "microseg_host" "${h.name}" {
  name       = "${h.name}"
  bridge     = "${h.bridge}"
  ovs_rundir = "${h.rundir}"
  uplinks    = ["${h.uplink}"]
}`,
      )
      .join('\n');
    const entities = [...lab.vms.values()]
      .map(
        (v) => `resource "microseg_entity" "${v.name}" {
  name       = "${v.name}"
  host       = microseg_host.${v.host}.name
  port       = "${v.port}"
  mac        = "${v.mac}"
  ips        = ["${v.ip}"]
  categories = { (microseg_category.type.name) = "shop", (microseg_category.tier.name) = "${TIER[v.name]}" }
}`,
      )
      .join('\n');
    return `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}
provider "microseg" {}
resource "microseg_category" "type" {
  name   = "AppType"
  values = ["shop"]
}
resource "microseg_category" "tier" {
  name   = "AppTier"
  values = ["web", "app", "db"]
}
${hosts}
${entities}
${withData ? 'data "microseg_recommendation" "shop" {\n  name = "shop"\n}\n' : ''}
resource "microseg_application_rule" "shop" {
  name            = "shop"
  mode            = "monitor"
  target          = { categories = { (microseg_category.type.name) = ["shop"] } }
  inbound         = ${inbound}
  outbound_policy = "allow_all"
  depends_on      = [${[...lab.vms.keys()].map((v) => `microseg_entity.${v}`).join(', ')}]
}
`;
  }

  beforeAll(async () => {
    lab = await Lab.up({ ...threeTierLayout(), prefix });
    svc = await startService({ database: join(tmp, 'microseg.sqlite'), defaultPlugins: true });
    tf = await createLab({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.admin.secret });
    dir = tf.workdir('shop', { 'main.tf': config('[]', false) });
    await terraform(['init']);
    await terraform(['apply', '-auto-approve']);
    await waitRealized('monitor rule with no entries', margin(4000));
  });

  afterAll(async () => {
    await svc?.close();
    await lab?.down();
    tf?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  let before: Checked[] = [];

  test('traffic is observed; the saved plan reads the recommendation; the matrix before equals explain()', async () => {
    expect((await api('GET', '/v1/application-rules/shop')).inbound).toEqual([]);
    expect(await lab.probeAll(TRAFFIC, 3000)).toEqual(TRAFFIC.map(() => true)); // monitor forwards
    // Every cell of the traffic in /v1/flows as would-deny by shop: promised within 5 s (the next 2 s pass).
    const { ms } = await eventually(
      'the traffic observed as would-deny by shop',
      async () => {
        const items = (await api('GET', '/v1/flows?rule=shop&verdict=would-deny&limit=10000')).items as {
          source: string;
          destination: string;
          protocol: string;
          port: number;
        }[];
        const seen = new Set(
          items.map((f) =>
            cellName({ src: f.source, dst: f.destination, protocol: f.protocol as 'tcp', port: f.port }),
          ),
        );
        const missing = TRAFFIC.map(cellName).filter((c) => !seen.has(c));
        if (missing.length) throw new Error(`not yet observed: ${missing.join(', ')}`);
        return true;
      },
      { timeoutMs: margin(5000), intervalMs: 200 },
    );
    figures.push(
      `traffic of ${TRAFFIC.length} cells observed ${ms} ms after it was sent (promise 5000, bound ${margin(5000)})`,
    );

    writeFileSync(join(dir, 'main.tf'), config('data.microseg_recommendation.shop.inbound', true));
    const plan = await terraform(['plan', '-out=recommend.tfplan']);
    expect(plan.stdout).toContain('microseg_application_rule.shop will be updated in-place');

    before = await checkedMatrix();
    expect(mismatches(before)).toEqual([]);
    for (const c of TRAFFIC)
      expect(before.find((m) => cellName(m) === cellName(c))).toMatchObject({ verdict: 'would-deny', rule: 'shop' });
  });

  test('applied: every cell of the traffic is allow, no other cell changed, packets agree with explain()', async () => {
    await terraform(['apply', 'recommend.tfplan']);
    await waitRealized('recommendation applied');
    const rule = await api('GET', '/v1/application-rules/shop');
    figures.push(`shop.inbound after apply: ${JSON.stringify(rule.inbound)}`);
    const after = await checkedMatrix();
    expect(mismatches(after)).toEqual([]);
    const traffic = new Set(TRAFFIC.map(cellName));
    const changed = after
      .map((c, i) => ({ cell: cellName(c), was: before[i].verdict, now: c.verdict }))
      .filter((x) => x.was !== x.now);
    expect(after.map(cellName)).toEqual(before.map(cellName));
    // Exactly the traffic's cells changed, each from would-deny to allow.
    expect(changed.map((x) => x.cell).sort()).toEqual([...traffic].sort());
    expect(changed.every((x) => x.was === 'would-deny' && x.now === 'allow')).toBe(true);
    figures.push(
      `recommendation: ${changed.length} cells would-deny → allow (the ${traffic.size} of the traffic), ${after.length - changed.length} unchanged`,
    );
  });

  test('switched to apply: the traffic stays open, every other cell closes', async () => {
    const rule = await api('GET', '/v1/application-rules/shop');
    await api('PUT', '/v1/application-rules/shop', {
      name: 'shop',
      mode: 'apply',
      target: rule.target,
      inbound: rule.inbound,
      outbound_policy: 'allow_all',
      version: rule.version,
    });
    await waitRealized('monitor → apply');
    const m = await checkedMatrix();
    expect(mismatches(m)).toEqual([]);
    // Every VM is in the shop: with the rule enforced, open means recommended, and only the traffic was.
    const traffic = new Set(TRAFFIC.map(cellName));
    expect(
      m
        .filter((c) => c.open)
        .map(cellName)
        .sort(),
    ).toEqual([...traffic].sort());
    figures.push(`apply: ${traffic.size} cells open (the traffic's), ${m.length - traffic.size} closed`);
  });
});
