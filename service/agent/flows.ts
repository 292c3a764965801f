/**
 * Pure helpers over ovs-ofctl text: the port map from `show`, and the
 * normalized flow list from `dump-flows --no-stats`.
 */
import type { HostPorts } from './types';

/** `ovs-ofctl show` lines like ` 3(vm-web1): addr:…` → { 'vm-web1': 3 }; LOCAL is left out. */
export function parsePorts(show: string): HostPorts {
  const ports: HostPorts = {};
  for (const line of show.split('\n')) {
    const m = /^\s*(\d+)\(([^)]+)\):/.exec(line);
    if (m) ports[m[2]] = Number(m[1]);
  }
  return ports;
}

/** The flow lines of a dump, trimmed and sorted: headers (`NXST_FLOW reply…`) dropped. */
export function normalizeDump(dump: string): string[] {
  return dump
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^(NXST|OFPST)_FLOW reply/.test(l))
    .sort();
}
