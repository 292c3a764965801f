/**
 * Terraform: `plan` (refresh included) and `apply` of 300 microseg resources
 * against 300 `terraform_data` resources holding the same attributes, with the
 * real terraform CLI and an isolated HOME and CLI config (test/provider/support.ts),
 * interleaved round by round (apply A, apply B, plan A, plan B, destroy both).
 */
import { figure, type Figure } from '../lib/figures';
import { median } from '../lib/measure';
import { ADMIN_SECRET, startBenchService } from '../lib/service';
import type { Suite } from '../lib/suite';
import { createLab, explainFailure, type Lab, type TfResult } from '../../test/provider/support';

const HEADER = `terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg", version = "0.1.0" }
  }
}

provider "microseg" {
  wait_for_realization = false
}
`;

/** `n` resources (n ≥ 10): one category and one host, then entities, address groups, service groups and rules in the proportions 1/3, 1/3, 1/6, 1/6. */
export function microsegConfig(n: number): { hcl: string; count: number } {
  const groups = Math.floor(n / 3);
  const services = Math.floor(n / 6);
  const rules = Math.floor(n / 6);
  const entities = n - 2 - groups - services - rules;
  const out = [
    HEADER,
    'resource "microseg_category" "tier" {\n  name   = "Tier"\n  values = ["web", "app", "db"]\n}\n',
    'resource "microseg_host" "h" {\n  name    = "tf-host"\n  uplinks = ["uplink"]\n}\n',
  ];
  for (let i = 0; i < entities; i++) {
    out.push(
      `resource "microseg_entity" "e${i}" {\n  name       = "e${i}"\n  host       = microseg_host.h.name\n  port       = "p${i}"\n  ips        = ["10.9.${i >> 8}.${i & 255}"]\n  categories = { (microseg_category.tier.name) = "${['web', 'app', 'db'][i % 3]}" }\n}\n`,
    );
  }
  for (let i = 0; i < groups; i++)
    out.push(
      `resource "microseg_address_group" "g${i}" {\n  name  = "g${i}"\n  cidrs = ["172.${16 + (i % 16)}.${i % 256}.0/24"]\n}\n`,
    );
  for (let i = 0; i < services; i++)
    out.push(
      `resource "microseg_service_group" "s${i}" {\n  name     = "s${i}"\n  services = [{ protocol = "tcp", ports = ["${1000 + i}"] }]\n}\n`,
    );
  for (let i = 0; i < rules; i++) {
    out.push(`resource "microseg_application_rule" "r${i}" {
  name   = "r${i}"
  mode   = "monitor"
  target = { categories = { (microseg_category.tier.name) = ["app"] } }
  inbound = [{
    from           = { address_groups = [microseg_address_group.g${i % groups}.name] }
    service_groups = [microseg_service_group.s${i % services}.name]
  }]
}
`);
  }
  return { hcl: out.join('\n'), count: 2 + entities + groups + services + rules };
}

/** The same number of terraform_data resources, each holding a comparable object. */
export function baselineConfig(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      `resource "terraform_data" "d${i}" {\n  input = { name = "d${i}", ips = ["10.9.${i >> 8}.${i & 255}"], categories = { Tier = "${['web', 'app', 'db'][i % 3]}" } }\n}\n`,
    );
  return out.join('\n');
}

async function tf(lab: Lab, dir: string, args: string[], expect: number[] = [0]): Promise<TfResult> {
  const r = await lab.tf(dir, [...args, '-input=false', '-no-color']);
  if (!expect.includes(r.code)) throw new Error(`terraform ${args[0]}: ${explainFailure(r).slice(0, 1500)}`);
  return r;
}

export const terraformSuite: Suite = {
  name: 'terraform',
  figures: [
    { name: 'terraform_plan_ratio', unit: 'ms', target: 1.1 },
    { name: 'terraform_apply_ratio', unit: 'ms', target: 1.1 },
  ],
  async run(ctx): Promise<Figure[]> {
    const n = ctx.quick ? 30 : 300;
    const rounds = ctx.quick ? 1 : 3;
    const svc = await startBenchService();
    const lab = await createLab({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: ADMIN_SECRET });
    try {
      const { hcl, count } = microsegConfig(n);
      const a = lab.workdir('microseg', { 'main.tf': hcl });
      const b = lab.workdir('baseline', { 'main.tf': baselineConfig(count) });
      await tf(lab, a, ['init']);
      await tf(lab, b, ['init']);
      const apply = { a: [] as number[], b: [] as number[] };
      const plan = { a: [] as number[], b: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        apply.a.push((await tf(lab, a, ['apply', '-auto-approve'])).ms);
        apply.b.push((await tf(lab, b, ['apply', '-auto-approve'])).ms);
        // -detailed-exitcode: 0 means no changes, so the plan also proves the apply round-trips.
        plan.a.push((await tf(lab, a, ['plan', '-detailed-exitcode'])).ms);
        plan.b.push((await tf(lab, b, ['plan', '-detailed-exitcode'])).ms);
        await tf(lab, a, ['destroy', '-auto-approve']);
        await tf(lab, b, ['destroy', '-auto-approve']);
        ctx.log(
          `terraform: round ${r + 1}: apply ${apply.a[r]} vs ${apply.b[r]} ms, plan ${plan.a[r]} vs ${plan.b[r]} ms`,
        );
      }
      const what = `${count} resources (category, host, entities, address groups, service groups, application rules; wait_for_realization = false), real terraform CLI, median of ${rounds}`;
      return [
        figure({
          name: 'terraform_plan_ratio',
          value: median(plan.a),
          unit: 'ms',
          baseline: median(plan.b),
          target: 1.1,
          targetOn: 'ratio',
          note: `terraform plan (refresh included, no changes) of ${what}; baseline: the same with ${count} terraform_data, interleaved`,
        }),
        figure({
          name: 'terraform_apply_ratio',
          value: median(apply.a),
          unit: 'ms',
          baseline: median(apply.b),
          target: 1.1,
          targetOn: 'ratio',
          note: `terraform apply (create) of ${what}; baseline: ${count} terraform_data, interleaved`,
        }),
      ];
    } finally {
      lab.cleanup();
      await svc.close();
    }
  },
};
