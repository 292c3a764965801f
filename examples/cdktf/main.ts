/**
 * The three-tier shop of examples/three-tier, in TypeScript with the CDKTF
 * bindings generated from our provider's schema (npm run cdktf:generate → cdktf/).
 * Same inputs as the HCL example's variables; `mode` stays a Terraform variable,
 * so `terraform apply -var mode=apply` works on the synthesized JSON too.
 *
 *   npm run cdktf:synth [-- vars.json]   → examples/cdktf/cdktf.out/stacks/three-tier/cdk.tf.json
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack, TerraformVariable, TerraformOutput, LocalBackend, Fn, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { provider, category, host, addressGroup, serviceGroup, entity, applicationRule, isolationRule, quarantineRule, sharedServiceRule } from '../../cdktf/providers/microseg';

export interface Placement { host: string; port: string; mac: string; ip: string }
/** The HCL example's variables (examples/three-tier/variables.tf), less `mode`. */
export interface ThreeTierVars {
  hosts: Record<string, string | null>;
  vms: Record<string, Placement & { tier: 'web' | 'app' | 'db' }>;
  dns: Placement;
  dev_vm: Placement;
  tools_vm: Placement;
  quarantined?: string[];
  office_cidrs?: string[];
}

type Selector = Record<string, string[]>;

/** The application module (examples/three-tier/modules/application). */
class Application {
  readonly rule: applicationRule.ApplicationRule;
  readonly entities: entity.Entity[] = [];

  constructor(scope: Construct, o: {
    app: string; environment: string; mode: string; vms: ThreeTierVars['vms']; hosts: Record<string, host.Host>;
    quarantined: string[]; officeGroup: string; httpsGroup: string;
    /** The categories its entities and rule use (the HCL module's depends_on). */
    dependsOn: ITerraformDependable[];
  }) {
    const tier = (t: string): Selector => ({ AppType: [o.app], AppTier: [t] });
    for (const [name, vm] of Object.entries(o.vms)) {
      const e = new entity.Entity(scope, `vm_${name}`, {
        name,
        host: o.hosts[vm.host].name,
        port: vm.port,
        mac: vm.mac,
        ips: [vm.ip],
        categories: {
          AppType: o.app, AppTier: vm.tier, Environment: o.environment,
          ...(o.quarantined.includes(name) ? { Quarantine: 'Forensic' } : {}),
        },
        dependsOn: o.dependsOn,
      });
      this.entities.push(e);
    }
    this.rule = new applicationRule.ApplicationRule(scope, 'app', {
      name: o.app,
      description: `Allow-list of the ${o.app} application (${o.environment}).`,
      mode: o.mode,
      dependsOn: o.dependsOn,
      target: { categories: { AppType: [o.app], Environment: [o.environment] } },
      inbound: [
        { from: { addressGroups: [o.officeGroup] }, to: { categories: tier('web') }, serviceGroups: [o.httpsGroup] },
      ],
      intraGroup: 'allow',
      outboundPolicy: 'allow_listed',
    });
  }
}

export class ThreeTierStack extends TerraformStack {
  constructor(scope: Construct, id: string, vars: ThreeTierVars) {
    super(scope, id);
    // State beside the synthesized JSON (the default would be an absolute path into the current directory).
    new LocalBackend(this, { path: 'terraform.tfstate' });
    // endpoint and token come from MICROSEG_ENDPOINT / MICROSEG_TOKEN.
    new provider.MicrosegProvider(this, 'microseg', {});

    const mode = new TerraformVariable(this, 'mode', {
      type: 'string',
      default: 'monitor',
      description: 'Enforcement mode of the shop\'s application rule: monitor first, then apply.',
      validation: [{ condition: `\${contains(["monitor", "apply"], var.mode)}`, errorMessage: 'mode must be monitor or apply.' }],
    });
    mode.overrideLogicalId('mode');

    const appType = new category.Category(this, 'app_type', { name: 'AppType', description: 'Which application a VM belongs to.', values: ['shop', 'infra', 'tools'] });
    const appTier = new category.Category(this, 'app_tier', { name: 'AppTier', description: 'The tier of a VM within its application.', values: ['web', 'app', 'db', 'dns'] });
    const environment = new category.Category(this, 'environment', { name: 'Environment', description: 'Production or development.', values: ['prod', 'dev'] });

    const hosts: Record<string, host.Host> = {};
    for (const [name, rundir] of Object.entries(vars.hosts)) {
      hosts[name] = new host.Host(this, `host_${name}`, { name, ...(rundir ? { ovsRundir: rundir } : {}), uplinks: ['uplink'] });
    }
    const office = new addressGroup.AddressGroup(this, 'office', { name: 'office', description: 'The office network.', cidrs: vars.office_cidrs ?? ['198.51.100.0/24'] });
    const https = new serviceGroup.ServiceGroup(this, 'https', { name: 'https', services: [{ protocol: 'tcp', ports: ['443'] }] });
    const dnsGroup = new serviceGroup.ServiceGroup(this, 'dns_group', { name: 'dns', services: [{ protocol: 'udp', ports: ['53'] }] });

    const vmEntity = (id: string, name: string, p: Placement, categories: Record<string, string>) =>
      new entity.Entity(this, id, { name, host: hosts[p.host].name, port: p.port, mac: p.mac, ips: [p.ip], categories });
    const dns = vmEntity('dns', 'dns', vars.dns, { [appType.name]: 'infra', [appTier.name]: 'dns' });
    const tools = vmEntity('tools', 'tools', vars.tools_vm, { [appType.name]: 'tools' });

    const shop = new Application(this, {
      app: 'shop', environment: 'prod', mode: mode.stringValue, vms: vars.vms, hosts, quarantined: vars.quarantined ?? [],
      officeGroup: office.name, httpsGroup: https.name,
      dependsOn: [appType, appTier, environment],
    });
    // Construct ids are unique across types (the entity is 'dns'); the Terraform name is still dns.
    new sharedServiceRule.SharedServiceRule(this, 'dns_rule', {
      name: 'dns', description: 'Name service for every VM.', mode: 'apply',
      providers: { categories: { [appType.name]: [Fn.lookup(dns.categories, 'AppType')] } }, consumers: { any: true }, serviceGroups: [dnsGroup.name],
    }).overrideLogicalId('dns');

    // A development copy of the web tier: isolated from production.
    const dev = vmEntity('dev', 'web-dev', vars.dev_vm, { [appType.name]: 'shop', [appTier.name]: 'web', [environment.name]: 'dev' });
    new isolationRule.IsolationRule(this, 'prod_dev', {
      name: 'prod-dev', description: 'Production and development never talk.', mode: 'apply',
      groups: [{ categories: { [environment.name]: ['prod'] } }, { categories: { [environment.name]: ['dev'] } }],
    });
    new quarantineRule.QuarantineRule(this, 'forensic', {
      name: 'forensic', description: 'Quarantined VMs talk to nothing but the forensic tools VM.', mode: 'apply',
      target: { categories: { Quarantine: ['Strict', 'Forensic'] } },
      inbound: [{ from: { categories: { [appType.name]: ['tools'] } } }],
      dependsOn: [tools],
    });

    new TerraformOutput(this, 'application_rule', { description: "The shop's application rule.", value: shop.rule.name });
    new TerraformOutput(this, 'entities', {
      description: 'Every VM microseg now knows, by name.',
      value: Fn.concat([Fn.sort(shop.entities.map((e) => e.name)), [dns.name, tools.name, dev.name]]),
    });
  }
}

/** Synthesizes the stack into `outdir`; returns the path of its Terraform JSON. */
export function synth(outdir: string, vars: ThreeTierVars): string {
  const app = new App({ outdir, skipValidation: false });
  new ThreeTierStack(app, 'three-tier', vars);
  app.synth();
  return join(outdir, 'stacks', 'three-tier', 'cdk.tf.json');
}

if (require.main === module) {
  const varsFile = process.argv[2] ?? join(__dirname, 'three-tier.vars.json');
  const out = synth(process.env.CDKTF_OUTDIR ?? join(__dirname, 'cdktf.out'), JSON.parse(readFileSync(varsFile, 'utf8')) as ThreeTierVars);
  process.stdout.write(`synthesized ${out}\n`);
}
