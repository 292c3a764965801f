/**
 * Dual-stack lab VMs (an `ip6` in the VM spec), with plain OVS flows (no
 * microseg): IPv6 TCP, UDP and ping -6 cross hosts with neighbour discovery
 * through the bridges, the address is usable at once (no DAD wait), and a VM
 * without `ip6` stays IPv4-only as before. Needs root.
 */
import { Lab, validateSpec, type LabSpec } from '../../lab/lab';
import { isRoot } from '../../lab/exec';

if (!isRoot()) throw new Error('the lab tests need root: network namespaces, veth pairs and Open vSwitch daemons');

function spec(prefix: string): LabSpec {
  return {
    prefix,
    hosts: [{ name: 'ha' }, { name: 'hb' }],
    vms: [
      { name: 'd1', host: 'ha', ip: '10.77.2.1', ip6: 'fd77::2:1', mac: '02:77:00:00:02:01', tcp: [80], udp: [53] },
      { name: 'd2', host: 'ha', ip: '10.77.2.2', ip6: 'fd77::2:2', mac: '02:77:00:00:02:02', tcp: [80], udp: [53] },
      { name: 'd3', host: 'hb', ip: '10.77.2.3', ip6: 'fd77::2:3', mac: '02:77:00:00:02:03', tcp: [80], udp: [53] },
      { name: 'v4', host: 'hb', ip: '10.77.2.4', mac: '02:77:00:00:02:04', tcp: [80], udp: [53] },
    ],
  };
}

describe('lab: dual-stack VMs', () => {
  const prefix = `l6${process.pid % 100000}`;
  let lab: Lab;
  let upMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    lab = await Lab.up(spec(prefix));
    upMs = Date.now() - t0;
    for (const h of ['ha', 'hb']) await lab.ofctl(h, 'add-flow', 'priority=1,actions=NORMAL');
  });
  afterAll(async () => {
    await lab?.down();
    process.stdout.write(`\ndual-stack lab (2 hosts, 4 VMs) up in ${upMs} ms\n`);
  });

  test('the VM has its IPv6 address, usable at once (not tentative), and the lab knows it', async () => {
    expect(lab.vm('d1').ip6).toBe('fd77::2:1');
    expect(lab.address('d3', true)).toBe('fd77::2:3');
    const addrs = await lab.vmExec('d1', 'ip', ['-6', '-o', 'addr', 'show', 'dev', 'eth0']);
    expect(addrs).toMatch(/inet6 fd77::2:1\/64 scope global/);
    expect(addrs).not.toMatch(/tentative/);
  });

  test('IPv6 TCP, UDP and ping -6 cross hosts and stay on one; closed ports are closed; IPv4 still works', async () => {
    const probes = [
      { src: 'd1', dst: 'd3', protocol: 'tcp' as const, port: 80, ipv6: true },
      { src: 'd3', dst: 'd2', protocol: 'udp' as const, port: 53, ipv6: true },
      { src: 'd2', dst: 'd3', protocol: 'icmp' as const, ipv6: true },
      { src: 'd1', dst: 'd2', protocol: 'tcp' as const, port: 80, ipv6: true },
      { src: 'd1', dst: 'd3', protocol: 'tcp' as const, port: 81, ipv6: true },
      { src: 'd1', dst: 'd3', protocol: 'udp' as const, port: 54, ipv6: true },
      { src: 'd1', dst: 'd3', protocol: 'tcp' as const, port: 80 },
      { src: 'v4', dst: 'd1', protocol: 'udp' as const, port: 53 },
    ];
    expect(await lab.probeAll(probes, 1500)).toEqual([true, true, true, true, false, false, true, true]);
    // The neighbour entry came from real ND across the underlay.
    expect(await lab.vmExec('d1', 'ip', ['-6', 'neigh', 'show', 'fd77::2:3'])).toMatch(/lladdr 02:77:00:00:02:03/);
    // UDP echo counts IPv6 senders by their IPv6 address.
    await lab.udpSeen('d2');
    expect(await lab.probe({ src: 'd1', dst: 'd2', protocol: 'udp', port: 53, ipv6: true })).toBe(true);
    expect(Object.keys(await lab.udpSeen('d2'))).toEqual(['fd77::2:1']);
  });

  test('a held IPv6 connection echoes', async () => {
    const held = await lab.hold('d3', 'd1', 80, { ipv6: true });
    const s = await held.status();
    expect(s.connected).toBe(true);
    await held.close();
  });

  test('a VM without ip6 is IPv4-only, as before', async () => {
    expect(lab.vm('v4').ip6).toBeUndefined();
    expect(() => lab.address('v4', true)).toThrow(/v4.*no IPv6 address/);
    expect(await lab.vmExec('v4', 'sysctl', ['-n', 'net.ipv6.conf.eth0.disable_ipv6'])).toBe('1\n');
    expect(await lab.probe({ src: 'd1', dst: 'v4', protocol: 'tcp', port: 80 })).toBe(true);
  });

  test('ip6 must be a lab unique local address', () => {
    const vms = spec('x').vms;
    expect(() => validateSpec({ ...spec('x'), vms: [{ ...vms[0], ip6: '2001:db8::1' }] })).toThrow(/vms\[0\]\.ip6/);
    expect(() => validateSpec({ ...spec('x'), vms: [{ ...vms[0], ip6: 'fd77::zz' }] })).toThrow(/vms\[0\]\.ip6/);
    expect(() => validateSpec(spec('x'))).not.toThrow();
  });
});
