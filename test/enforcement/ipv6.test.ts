/**
 * IPv6 enforcement with real packets (needs root): 2 lab hosts, 4 dual-stack
 * VMs, a policy created through the service's HTTP API (in process, temp
 * SQLite, embedded agents). Neighbour discovery crosses hosts through the
 * bridges; every cell of the IPv6 TCP/UDP/ICMPv6 matrix (to the VMs' IPv6
 * addresses) equals explain() asked with those addresses, in monitor and in
 * apply; a spoofed IPv6 source gets nowhere; removing an allow cuts an
 * established IPv6 TCP connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type LabSpec, type LabVmSpec, type Probe } from '../../lab/lab';
import { serviceLabel, type MatrixServices } from '../../lab/matrix';
import { isRoot } from '../../lab/exec';
import { margin } from '../../lab/eventually';
import { startService, type TestService } from '../support/service';
import {
  strictApi,
  waitRealized,
  checkedMatrix,
  mismatches,
  reachabilityQuery,
  cutAfter,
  echoing,
} from './lab-service';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');

jest.setTimeout(60_000);

const TIER: Record<string, string> = { web1: 'web', web2: 'web', app1: 'app', db1: 'db' };
const PROBED: MatrixServices = { tcp: [22, 80, 5432, 8080], udp: [53], icmp: true, ipv6: true };

/** Tiers across hosts: web1, db1 on ha; web2, app1 on hb. */
function layout(prefix: string): LabSpec {
  const vm = (name: string, host: string, n: number): LabVmSpec => ({
    name,
    host,
    ip: `10.77.6.${n}`,
    ip6: `fd77::6:${n}`,
    mac: `02:77:00:00:06:${n.toString(16).padStart(2, '0')}`,
    port: `vm-${name}`,
    tcp: PROBED.tcp,
    udp: PROBED.udp,
  });
  return {
    prefix,
    hosts: [{ name: 'ha' }, { name: 'hb' }],
    vms: [vm('web1', 'ha', 11), vm('web2', 'hb', 12), vm('app1', 'hb', 21), vm('db1', 'ha', 31)],
  };
}

/**
 * anyone → web tcp/80 and ping -6; web → app tcp/8080; web2's IPv6 address (a CIDR peer) → app udp/53;
 * app → db tcp/5432, udp/53 and all ICMPv6. Plus an apply isolation web ↔ db.
 */
function rule(mode: 'monitor' | 'apply', lab: Lab, opts: { withWebToApp?: boolean } = {}) {
  const tier = (t: string) => ({ categories: { AppTier: [t] } });
  const inbound: object[] = [
    {
      from: { any: true },
      to: tier('web'),
      services: [
        { protocol: 'tcp', ports: ['80'] },
        { protocol: 'icmpv6', icmp_type: 128 },
      ],
    },
    {
      from: { cidrs: [`${lab.address('web2', true)}/128`] },
      to: tier('app'),
      services: [{ protocol: 'udp', ports: ['53'] }],
    },
    {
      from: tier('app'),
      to: tier('db'),
      services: [{ protocol: 'tcp', ports: ['5432'] }, { protocol: 'udp', ports: ['53'] }, { protocol: 'icmpv6' }],
    },
  ];
  if (opts.withWebToApp !== false)
    inbound.push({ from: tier('web'), to: tier('app'), services: [{ protocol: 'tcp', ports: ['8080'] }] });
  return { name: 'v6shop', mode, target: { categories: { AppType: ['shop'] } }, inbound, outbound_policy: 'allow_all' };
}

describe('IPv6, real packets', () => {
  const prefix = `e6${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/msen6-');
  const hosts = ['ha', 'hb'];
  let lab: Lab;
  let svc: TestService;
  const figures: string[] = [];
  const api = strictApi(() => svc);
  const realized = (label: string, timeoutMs?: number) => waitRealized(api, hosts, label, figures, timeoutMs);

  beforeAll(async () => {
    const t0 = Date.now();
    lab = await Lab.up(layout(prefix));
    svc = await startService({ database: join(tmp, 'microseg.sqlite'), defaultPlugins: true });
    await api('POST', '/v1/categories', { name: 'AppType', values: ['shop'] });
    await api('POST', '/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
    for (const h of lab.hosts.values())
      await api('POST', '/v1/hosts', { name: h.name, ovs_rundir: h.rundir, bridge: h.bridge, uplinks: [h.uplink] });
    for (const v of lab.vms.values()) {
      await api('POST', '/v1/entities', {
        name: v.name,
        host: v.host,
        port: v.port,
        mac: v.mac,
        ips: [v.ip, v.ip6],
        categories: { AppType: 'shop', AppTier: TIER[v.name] },
      });
    }
    await api('POST', '/v1/application-rules', rule('monitor', lab));
    await api('POST', '/v1/isolation-rules', {
      name: 'web-db',
      mode: 'apply',
      groups: [{ categories: { AppTier: ['web'] } }, { categories: { AppTier: ['db'] } }],
    });
    await realized('initial policy', margin(4000));
    figures.push(`setup (lab, service, policy realized) in ${Date.now() - t0} ms`);
  });

  afterAll(async () => {
    await svc?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  test('neighbour discovery crosses hosts through the bridges: ping -6 app1 (hb) → db1 (ha) resolves and answers', async () => {
    // Fresh caches on both ends, so the answer needs a real NS/NA exchange through both bridges now.
    for (const vm of ['app1', 'db1']) await lab.vmExec(vm, 'ip', ['-6', 'neigh', 'flush', 'dev', lab.vm(vm).dev]);
    expect(await lab.vmExec('app1', 'ip', ['-6', 'neigh', 'show', lab.address('db1', true)])).toBe('');
    expect(await lab.probe({ src: 'app1', dst: 'db1', protocol: 'icmp', ipv6: true }, 2000)).toBe(true);
    expect(await lab.vmExec('app1', 'ip', ['-6', 'neigh', 'show', lab.address('db1', true)])).toContain(
      `lladdr ${lab.vm('db1').mac}`,
    );
    // The bridges passed ND: the anti-spoofing ND flows of both hosts counted packets.
    for (const h of hosts) {
      const nd = (await lab.ofctl(h, 'dump-flows', 'table=10,icmp6'))
        .split('\n')
        .filter((l) => /icmp_type=13[56]/.test(l));
      expect(nd.some((l) => !/n_packets=0,/.test(l))).toBe(true);
    }
  });

  let monitorWouldDeny: string[] = [];

  test('monitor: the IPv6 TCP/UDP/ICMPv6 matrix equals explain() on the IPv6 addresses for every ordered pair', async () => {
    const m = await checkedMatrix(lab, api, PROBED, figures);
    expect(mismatches(m)).toEqual([]);
    expect([...new Set(m.map((c) => c.verdict))].sort()).toEqual(['allow', 'deny', 'would-deny']);
    monitorWouldDeny = m.filter((c) => c.verdict === 'would-deny').map((c) => `${c.src}→${c.dst} ${serviceLabel(c)}`);
    // The IPv6 CIDR peer: web2's IPv6 address may send udp/53 to app1, web1's may not.
    const cell = (src: string, dst: string, label: string) =>
      m.find((c) => c.src === src && c.dst === dst && serviceLabel(c) === label)!;
    expect(cell('web2', 'app1', 'udp6/53').verdict).toBe('allow');
    expect(cell('web1', 'app1', 'udp6/53').verdict).toBe('would-deny');
    for (const h of hosts) {
      const status = (await api('GET', `/v1/hosts/${h}`)).status;
      figures.push(`host ${h}: ${status.flow_count} flows (4 dual-stack VMs)`);
    }
  });

  test('apply: the would-deny IPv6 cells close, the matrix still equals explain()', async () => {
    await api('PUT', '/v1/application-rules/v6shop', rule('apply', lab));
    await realized('monitor → apply');
    const m = await checkedMatrix(lab, api, PROBED, figures);
    expect(mismatches(m)).toEqual([]);
    expect(monitorWouldDeny.length).toBeGreaterThan(0);
    const closed = m.filter((c) => !c.open).map((c) => `${c.src}→${c.dst} ${serviceLabel(c)}`);
    for (const cell of monitorWouldDeny) expect(closed).toContain(cell);
    expect(m.filter((c) => c.open).length).toBeGreaterThan(0);
    figures.push(
      `monitor → apply closed ${monitorWouldDeny.length} would-deny IPv6 cells; ${m.filter((c) => c.open).length} of ${m.length} stay open`,
    );
  });

  test('apply: one dual-stack VM, two families: IPv6-only allows do not open IPv4, and explain() agrees', async () => {
    // web2's IPv6 CIDR allows udp/53 to app1, not its IPv4 address; app → db allows ICMPv6, not ICMP.
    const probes: Probe[] = [
      { src: 'web2', dst: 'app1', protocol: 'udp', port: 53, ipv6: true },
      { src: 'web2', dst: 'app1', protocol: 'udp', port: 53 },
      { src: 'app1', dst: 'db1', protocol: 'icmp', ipv6: true },
      { src: 'app1', dst: 'db1', protocol: 'icmp' },
      { src: 'web1', dst: 'app1', protocol: 'tcp', port: 8080 },
    ];
    const open = await lab.probeAll(probes, 1500);
    const verdicts = await Promise.all(
      probes.map(
        async (p) => (await api('GET', `/v1/reachability?${reachabilityQuery(lab, { ...p, open: false })}`)).verdict,
      ),
    );
    expect(verdicts).toEqual(['allow', 'deny', 'allow', 'deny', 'allow']);
    expect(open).toEqual([true, false, true, false, true]);
  });

  test("a VM spoofing another VM's IPv6 source address gets nowhere", async () => {
    // app1 may reach db1 udp/53 and tcp/5432 over IPv6; web2 may not (isolation). web2 takes app1's IPv6 address.
    const attacker = lab.vm('web2');
    const victim = lab.address('app1', true);
    const target = lab.vm('db1');
    expect(await lab.probe({ src: 'app1', dst: 'db1', protocol: 'udp', port: 53, ipv6: true })).toBe(true);
    await lab.udpSeen('db1');
    // A static neighbour entry, so the test is about the IPv6 packets, not about ND being refused.
    await lab.vmExec('web2', 'ip', ['-6', 'neigh', 'replace', target.ip6!, 'lladdr', target.mac, 'dev', attacker.dev]);
    await lab.vmExec('web2', 'ip', ['-6', 'addr', 'add', `${victim}/128`, 'dev', attacker.dev, 'nodad']);
    try {
      expect(
        await Promise.all([
          lab.probe({ src: 'web2', dst: 'db1', protocol: 'udp', port: 53, ipv6: true }, 1000, victim),
          lab.probe({ src: 'web2', dst: 'db1', protocol: 'tcp', port: 5432, ipv6: true }, 1000, victim),
        ]),
      ).toEqual([false, false]);
    } finally {
      await lab.vmExec('web2', 'ip', ['-6', 'addr', 'del', `${victim}/128`, 'dev', attacker.dev]);
    }
    expect(await lab.udpSeen('db1')).toEqual({});
    // The attacker is fine again as itself (to web1 tcp/80), and the victim was never disturbed.
    expect(await lab.probe({ src: 'web2', dst: 'web1', protocol: 'tcp', port: 80, ipv6: true }, 1500)).toBe(true);
    expect(await lab.probe({ src: 'app1', dst: 'db1', protocol: 'udp', port: 53, ipv6: true })).toBe(true);
  });

  test('removing an allow cuts an established IPv6 TCP connection within 2 s', async () => {
    // web1 (ha) → app1 (hb) tcp/8080 over IPv6 is allowed (apply); hold it open, echoing every 100 ms.
    const held = await lab.hold('web1', 'app1', 8080, { ipv6: true });
    await echoing(held);
    const t0 = Date.now();
    await api('PUT', '/v1/application-rules/v6shop', rule('apply', lab, { withWebToApp: false }));
    const realizedMs = await realized('remove web → app allow');
    const cutAt = await cutAfter(held, t0);
    // Promised within 2 s; cutAfter gives up (null) after margin(2000).
    figures.push(
      `established IPv6 web1→app1:8080 cut ${cutAt === null ? 'not' : Math.max(0, cutAt)} ms after the API call (realized in ${realizedMs} ms; promise 2000, bound ${margin(2000)})`,
    );
    expect(cutAt).not.toBeNull();
    expect(await lab.probe({ src: 'web1', dst: 'app1', protocol: 'tcp', port: 8080, ipv6: true })).toBe(false);
  });
});
