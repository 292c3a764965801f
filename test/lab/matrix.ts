/**
 * The reachability matrix measured with real packets: every ordered pair of
 * VMs × every probed service, all probes in flight at once.
 */
import type { Lab, Probe, ProbeProtocol } from './lab';

export interface MatrixServices { tcp: number[]; udp: number[]; icmp: boolean }
export interface MatrixCell extends Probe { open: boolean }

/** The probes for every ordered pair (src ≠ dst) and service, in a stable order. */
export function matrixProbes(vms: string[], services: MatrixServices): Probe[] {
  const out: Probe[] = [];
  for (const src of vms) {
    for (const dst of vms) {
      if (src === dst) continue;
      for (const port of services.tcp) out.push({ src, dst, protocol: 'tcp', port });
      for (const port of services.udp) out.push({ src, dst, protocol: 'udp', port });
      if (services.icmp) out.push({ src, dst, protocol: 'icmp' });
    }
  }
  return out;
}

export async function measureMatrix(lab: Lab, services: MatrixServices, timeoutMs = 1000): Promise<MatrixCell[]> {
  const probes = matrixProbes([...lab.vms.keys()], services);
  const open = await lab.probeAll(probes, timeoutMs);
  return probes.map((p, i) => ({ ...p, open: open[i] }));
}

export function serviceLabel(p: { protocol: ProbeProtocol; port?: number }): string {
  return p.protocol === 'icmp' ? 'icmp' : `${p.protocol}/${p.port}`;
}

/** One line per pair: "web1 → app1   tcp/80 open   tcp/8080 closed …". */
export function formatMatrix(cells: MatrixCell[]): string {
  const rows = new Map<string, string[]>();
  for (const c of cells) {
    const key = `${c.src} → ${c.dst}`;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key)!.push(`${serviceLabel(c)} ${c.open ? 'open' : 'closed'}`);
  }
  const width = Math.max(...[...rows.keys()].map((k) => k.length));
  return [...rows].map(([k, v]) => `${k.padEnd(width)}  ${v.join('  ')}`).join('\n');
}
