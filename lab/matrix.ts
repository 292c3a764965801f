/**
 * The reachability matrix measured with real packets: every ordered pair of
 * VMs × every probed service, all probes in flight at once.
 */
import type { Lab, Probe, ProbeProtocol } from './lab';

/** `ipv6`: probe the VMs' IPv6 addresses (icmp = ping -6) instead of their IPv4 ones. */
export interface MatrixServices {
  tcp: number[];
  udp: number[];
  icmp: boolean;
  ipv6?: boolean;
}
export interface MatrixCell extends Probe {
  open: boolean;
}

/** The probes for every ordered pair (src ≠ dst) and service, in a stable order. */
export function matrixProbes(vms: string[], services: MatrixServices): Probe[] {
  const out: Probe[] = [];
  const v6 = services.ipv6 ? { ipv6: true } : {};
  for (const src of vms) {
    for (const dst of vms) {
      if (src === dst) continue;
      for (const port of services.tcp) out.push({ src, dst, protocol: 'tcp', port, ...v6 });
      for (const port of services.udp) out.push({ src, dst, protocol: 'udp', port, ...v6 });
      if (services.icmp) out.push({ src, dst, protocol: 'icmp', ...v6 });
    }
  }
  return out;
}

export async function measureMatrix(lab: Lab, services: MatrixServices, timeoutMs = 1000): Promise<MatrixCell[]> {
  const probes = matrixProbes([...lab.vms.keys()], services);
  const open = await lab.probeAll(probes, timeoutMs);
  return probes.map((p, i) => ({ ...p, open: open[i] }));
}

/**
 * A reply proves "open"; a missing reply within a short timeout may be load.
 * The cells measured closed that the policy says are open are probed once more
 * with `timeoutMs` (cells measured open are never retried); returns them.
 */
export async function reprobeDoubtful<C extends MatrixCell>(
  cells: C[],
  shouldBeOpen: (c: C) => boolean,
  probe: (cells: C[], timeoutMs: number) => Promise<boolean[]>,
  timeoutMs = 3000,
): Promise<C[]> {
  const doubtful = cells.filter((c) => !c.open && shouldBeOpen(c));
  const again = await probe(doubtful, timeoutMs);
  doubtful.forEach((c, i) => {
    c.open = again[i];
  });
  return doubtful;
}

export function serviceLabel(p: { protocol: ProbeProtocol; port?: number; ipv6?: boolean }): string {
  const v6 = p.ipv6 ? '6' : '';
  return p.protocol === 'icmp' ? `icmp${p.ipv6 ? 'v6' : ''}` : `${p.protocol}${v6}/${p.port}`;
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
