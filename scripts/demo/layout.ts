/**
 * The demo's lab and the Terraform variables that describe it: two hosts,
 * the shop's six production VMs (two per tier, spread over both hosts), the
 * shared DNS server, a development VM and the forensic tools VM. Lab VM names
 * are the entity names, so a matrix cell and explain() name the same thing.
 */
import type { LabSpec, LabVmSpec } from '../../lab/lab';
import { OFFICE } from './office';

/** The services the matrix probes (what the rules talk about) and the ports every VM serves. */
export const PROBED = { tcp: [443, 8080, 5432], udp: [53], icmp: true };
const SERVED = { tcp: [22, 443, 8080, 5432], udp: [53] };

export type Tier = 'web' | 'app' | 'db';
export const SHOP: Record<string, { host: string; tier: Tier; n: number }> = {
  web1: { host: 'ha', tier: 'web', n: 11 },
  web2: { host: 'hb', tier: 'web', n: 12 },
  app1: { host: 'hb', tier: 'app', n: 21 },
  app2: { host: 'ha', tier: 'app', n: 22 },
  db1: { host: 'ha', tier: 'db', n: 31 },
  db2: { host: 'hb', tier: 'db', n: 32 },
};
/** VMs outside the shop module: entity name → placement. */
export const EXTRA: Record<'dns' | 'dev' | 'tools', { name: string; host: string; n: number }> = {
  dns: { name: 'dns', host: 'hb', n: 53 },
  dev: { name: 'web-dev', host: 'ha', n: 41 },
  tools: { name: 'tools', host: 'hb', n: 99 },
};
/** The shop VM the demo puts into Quarantine: Forensic (only tools may reach it). */
export const QUARANTINED = ['db2'];

/** VM names in display order: the shop by tier, then dns, dev, tools. */
export function demoVmNames(): string[] {
  return [...Object.keys(SHOP), ...Object.values(EXTRA).map((e) => e.name)];
}

function vm(
  name: string,
  host: string,
  n: number,
): Required<Pick<LabVmSpec, 'name' | 'host' | 'ip' | 'mac' | 'port' | 'tcp' | 'udp'>> {
  return {
    name,
    host,
    ip: `10.78.0.${n}`,
    mac: `02:78:00:00:00:${n.toString(16).padStart(2, '0')}`,
    port: `vm-${name}`,
    tcp: SERVED.tcp,
    udp: SERVED.udp,
  };
}

export function demoLabSpec(prefix: string, persistentDaemons: boolean): LabSpec {
  const vms = [
    ...Object.entries(SHOP).map(([name, s]) => vm(name, s.host, s.n)),
    ...Object.values(EXTRA).map((e) => vm(e.name, e.host, e.n)),
  ];
  return { prefix, hosts: [{ name: 'ha' }, { name: 'hb' }], vms, persistentDaemons };
}

/** The variables of examples/three-tier for a lab (host name → OVS run directory). */
export function threeTierVars(rundirs: Record<string, string>): Record<string, unknown> {
  const place = (name: string, host: string, n: number) => {
    const v = vm(name, host, n);
    return { host: v.host, port: v.port, mac: v.mac, ip: v.ip };
  };
  return {
    hosts: rundirs,
    vms: Object.fromEntries(
      Object.entries(SHOP).map(([name, s]) => [name, { ...place(name, s.host, s.n), tier: s.tier }]),
    ),
    dns: place(EXTRA.dns.name, EXTRA.dns.host, EXTRA.dns.n),
    dev_vm: place(EXTRA.dev.name, EXTRA.dev.host, EXTRA.dev.n),
    tools_vm: place(EXTRA.tools.name, EXTRA.tools.host, EXTRA.tools.n),
    quarantined: QUARANTINED,
    office_cidrs: [OFFICE.cidr],
  };
}
