/**
 * Ready-made lab layouts. The three-tier one is what the enforcement tests and
 * the demo use: two hosts, six VMs, tiers spread across hosts so that every
 * tier pair has both same-host and cross-host paths.
 */
import type { LabSpec } from './lab';

/** Echo ports every VM serves: the tiers' service ports and one nobody allows. */
export const TCP_PORTS = [22, 80, 443, 5432, 8080];
export const UDP_PORTS = [53, 5353];

export function threeTierLayout(): Omit<LabSpec, 'prefix'> {
  const vm = (name: string, host: string, n: number) => ({
    name,
    host,
    ip: `10.77.0.${n}`,
    mac: `02:77:00:00:00:${n.toString(16).padStart(2, '0')}`,
    port: `vm-${name}`,
    tcp: TCP_PORTS,
    udp: UDP_PORTS,
  });
  return {
    hosts: [{ name: 'ha' }, { name: 'hb' }],
    vms: [
      vm('web1', 'ha', 11),
      vm('web2', 'hb', 12),
      vm('app1', 'hb', 21),
      vm('app2', 'ha', 22),
      vm('db1', 'ha', 31),
      vm('db2', 'hb', 32),
    ],
  };
}
