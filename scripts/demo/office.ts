/**
 * The office network of the example, made real: a namespace on the lab's
 * underlay (like a machine outside the hypervisors), with an address in the
 * `office` address group, so "office → web 443/tcp" is measured with packets
 * too. It is not an entity: it reaches VMs through the hosts' uplinks.
 */
import { run, tryRun } from '../../lab/exec';
import { VmDaemon } from '../../lab/vm';
import type { Probe } from '../../lab/lab';
import type { MatrixCell, MatrixServices } from '../../lab/matrix';

export const OFFICE = { name: 'office', ip: '10.78.200.10', mac: '02:78:00:00:c8:0a', cidr: '10.78.200.0/24' };

export interface Office {
  ns: string;
  daemon: VmDaemon;
}

/** Creates `<prefix>-office` with eth0 bridged into the underlay `<prefix>-ul`; `record` is called before anything exists. */
export async function addOffice(prefix: string, persistent: boolean, record: (ns: string) => void): Promise<Office> {
  const ns = `${prefix}-office`;
  const ul = `${prefix}-ul`;
  record(ns);
  await run('ip', ['netns', 'add', ns]);
  await run('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], { ns });
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'uo', 'netns', ul]);
  await run('ip', ['-n', ul, 'link', 'set', 'uo', 'master', 'ul0', 'up']);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', OFFICE.mac]);
  await run('ip', ['-n', ns, 'addr', 'add', `${OFFICE.ip}/16`, 'dev', 'eth0']);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  // Through the hosts' userspace datapaths, like the VMs: no checksum offload.
  await run('ethtool', ['-K', 'eth0', 'tx', 'off'], { ns });
  return { ns, daemon: await VmDaemon.start(ns, [], [], persistent) };
}

/** Removes an office namespace and whatever runs in it. */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', ns]).catch(() => '');
  for (const pid of pids.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await tryRun('ip', ['netns', 'del', ns]);
}

/** office → every VM (by IP) on every probed service, all at once. */
export async function measureFromOffice(
  office: Office,
  vms: { name: string; ip: string }[],
  services: MatrixServices,
  timeoutMs = 1000,
): Promise<MatrixCell[]> {
  const probes: (Probe & { ip: string })[] = [];
  for (const v of vms) {
    for (const port of services.tcp) probes.push({ src: OFFICE.name, dst: v.name, ip: v.ip, protocol: 'tcp', port });
    for (const port of services.udp) probes.push({ src: OFFICE.name, dst: v.name, ip: v.ip, protocol: 'udp', port });
    if (services.icmp) probes.push({ src: OFFICE.name, dst: v.name, ip: v.ip, protocol: 'icmp' });
  }
  const open = await probeFromOffice(office, probes, timeoutMs);
  return probes.map(({ ip: _ip, ...p }, i) => ({ ...p, open: open[i] }));
}

/** Probes from the office to each probe's `ip` (a VM's address), all at once. */
export function probeFromOffice(
  office: Office,
  probes: (Probe & { ip: string })[],
  timeoutMs: number,
): Promise<boolean[]> {
  return Promise.all(
    probes.map(async (p) => {
      const r = await office.daemon.request({
        op: p.protocol === 'icmp' ? 'ping' : p.protocol,
        ip: p.ip,
        port: p.port,
        timeoutMs,
      });
      if (r.error) throw new Error(`probe office→${p.dst}: ${String(r.error)}`);
      return r.open === true;
    }),
  );
}
