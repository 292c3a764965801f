/**
 * Real packets through real Open vSwitch (needs root): 2 lab hosts, 6 VMs, the
 * three-tier shop created through the service's HTTP API (in process, temp
 * SQLite, hosts with ovs_rundir → embedded agents). Every measured cell of the
 * TCP/UDP/ICMP matrix must equal explain() (via /v1/reachability): deny closed,
 * allow and would-deny open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../lab/lab';
import { threeTierLayout, TCP_PORTS, UDP_PORTS } from '../../lab/layouts';
import { serviceLabel } from '../../lab/matrix';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startService, type TestService } from '../support/service';
import { shopObjects, shopRule, PROBED } from './three-tier-policy';
import {
  strictApi,
  waitRealized as realizedOn,
  checkedMatrix as checkedMatrixOf,
  mismatches,
  cutAfter,
  echoing,
} from './lab-service';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');

jest.setTimeout(90_000);

describe('three-tier shop, real packets', () => {
  const prefix = `en${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/msen-');
  let lab: Lab;
  let svc: TestService;
  const figures: string[] = [];

  const api = strictApi(() => svc);
  const bridgeFlows = async (host: string) =>
    (await lab.ofctl(host, 'dump-flows', '--no-stats')).split('\n').filter((l) => /actions=/.test(l));

  /** Every host has realized the current generation; returns the ms it took. */
  const waitRealized = (label: string, timeoutMs?: number) => realizedOn(api, ['ha', 'hb'], label, figures, timeoutMs);
  /** The real matrix next to explain()'s verdict for every cell. */
  const checkedMatrix = () => checkedMatrixOf(lab, api, PROBED, figures);

  beforeAll(async () => {
    lab = await Lab.up({ ...threeTierLayout(), prefix });
    svc = await startService({ database: join(tmp, 'microseg.sqlite'), defaultPlugins: true });
    for (const [collection, body] of shopObjects(lab, 'monitor')) await api('POST', `/v1/${collection}`, body);
    await waitRealized('initial policy', margin(4000));
  });

  afterAll(async () => {
    await svc?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
    // The figures the issue asks for, in the test output.
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  let monitorWouldDeny: string[] = [];

  test('monitor: the measured TCP/UDP/ICMP matrix equals explain() for every ordered pair', async () => {
    for (const h of ['ha', 'hb']) {
      const status = (await api('GET', `/v1/hosts/${h}`)).status;
      expect(status.flow_count).toBe((await bridgeFlows(h)).length);
      figures.push(`host ${h}: ${status.flow_count} flows (three-tier lab)`);
    }
    const m = await checkedMatrix();
    expect(mismatches(m)).toEqual([]);
    // The policy exercises all three verdicts.
    const verdicts = new Set(m.map((c) => c.verdict));
    expect([...verdicts].sort()).toEqual(['allow', 'deny', 'would-deny']);
    monitorWouldDeny = m.filter((c) => c.verdict === 'would-deny').map((c) => `${c.src}→${c.dst} ${serviceLabel(c)}`);
    expect(m.filter((c) => c.verdict === 'would-deny').every((c) => c.open)).toBe(true);
  });

  test('apply: the would-deny pairs go from open to closed, the rest stays', async () => {
    await api('PUT', '/v1/application-rules/shop', shopRule('apply'));
    await waitRealized('monitor → apply');
    const m = await checkedMatrix();
    expect(mismatches(m)).toEqual([]);
    const nowClosed = m.filter((c) => !c.open).map((c) => `${c.src}→${c.dst} ${serviceLabel(c)}`);
    expect(monitorWouldDeny.length).toBeGreaterThan(0);
    for (const cell of monitorWouldDeny) expect(nowClosed).toContain(cell);
    figures.push(`monitor → apply closed ${monitorWouldDeny.length} would-deny cells`);
  });

  test('removing an allow cuts an established TCP connection within 2 s', async () => {
    // web1 → app1:8080 is allowed (apply); hold it open, echoing every 100 ms.
    const held = await lab.hold('web1', 'app1', 8080);
    await echoing(held);
    const t0 = Date.now();
    await api('PUT', '/v1/application-rules/shop', shopRule('apply', { withWebToApp: false }));
    const realizedMs = await waitRealized('remove web → app allow');
    // Cut = no echo for 500 ms; the cut time is when the last echo came back.
    const cutAt = await cutAfter(held, t0);
    // Promised within 2 s; cutAfter gives up (null) after margin(2000).
    figures.push(
      `established web1→app1:8080 cut ${cutAt === null ? 'not' : Math.max(0, cutAt)} ms after the API call (realized in ${realizedMs} ms; promise 2000, bound ${margin(2000)})`,
    );
    expect(cutAt).not.toBeNull();
    expect(await lab.probe({ src: 'web1', dst: 'app1', protocol: 'tcp', port: 8080 })).toBe(false);
    const m = await checkedMatrix();
    expect(mismatches(m)).toEqual([]);
    // Back to the full shop for the tests below.
    await api('PUT', '/v1/application-rules/shop', shopRule('apply'));
    await waitRealized('restore web → app allow');
  });

  test("a VM spoofing another VM's IP, or its MAC, gets nowhere", async () => {
    // app2 may reach db1:53/udp as itself. web2 may not; spoofing app2's IP (or MAC) must not get it there.
    const attacker = lab.vm('web2');
    const victim = lab.vm('app2');
    const target = lab.vm('db1');
    expect(await lab.probe({ src: 'app2', dst: 'db1', protocol: 'udp', port: 53 })).toBe(true);
    await lab.udpSeen('db1');
    // A static neighbour entry, so the test is about the IP packets, not about ARP being refused.
    await lab.vmExec('web2', 'ip', ['neigh', 'replace', target.ip, 'lladdr', target.mac, 'dev', attacker.dev]);
    await lab.vmExec('web2', 'ip', ['addr', 'add', `${victim.ip}/32`, 'dev', attacker.dev]);
    try {
      expect(await lab.probe({ src: 'web2', dst: 'db1', protocol: 'udp', port: 53 }, 1000, victim.ip)).toBe(false);
      expect(await lab.probe({ src: 'web2', dst: 'db1', protocol: 'tcp', port: 5432 }, 1000, victim.ip)).toBe(false);
    } finally {
      await lab.vmExec('web2', 'ip', ['addr', 'del', `${victim.ip}/32`, 'dev', attacker.dev]);
    }
    // Spoofed MAC (own IP): the bridge drops it too.
    await lab.vmExec('web2', 'ip', ['link', 'set', attacker.dev, 'address', victim.mac]);
    try {
      expect(await lab.probe({ src: 'web2', dst: 'web1', protocol: 'tcp', port: 80 }, 1000)).toBe(false);
      expect(await lab.probe({ src: 'web2', dst: 'db1', protocol: 'udp', port: 53 }, 1000)).toBe(false);
    } finally {
      await lab.vmExec('web2', 'ip', ['link', 'set', attacker.dev, 'address', attacker.mac]);
    }
    // Nothing from web2's port reached db1's UDP port, under either address.
    expect(await lab.udpSeen('db1')).toEqual({});
    // The attacker is fine again as itself, and the victim was never disturbed.
    expect(await lab.probe({ src: 'web2', dst: 'web1', protocol: 'tcp', port: 80 }, 1500)).toBe(true);
    expect(await lab.probe({ src: 'app2', dst: 'db1', protocol: 'udp', port: 53 })).toBe(true);
  });

  test('ovs-ofctl del-flows on a host is repaired within 2 s (bridge and traffic)', async () => {
    const want = await bridgeFlows('hb');
    const repairsBefore = (await api('GET', '/v1/hosts/hb')).status.drift_repairs;
    await lab.ofctl('hb', 'del-flows');
    // Promised within 2 s (a figure for npm run bench); allowed margin(2000) here.
    const { ms } = await eventually(
      'flows on hb repaired',
      async () => (await bridgeFlows('hb')).length === want.length,
      { timeoutMs: margin(2000) },
    );
    figures.push(`del-flows on hb repaired in ${ms} ms (promise 2000, bound ${margin(2000)})`);
    expect((await bridgeFlows('hb')).sort()).toEqual([...want].sort());
    // The status report follows the pass's own verification.
    await eventually(
      'hb reports the repair',
      async () => (await api('GET', '/v1/hosts/hb')).status.drift_repairs !== repairsBefore,
      { timeoutMs: margin(2000) },
    );
    expect((await api('GET', '/v1/hosts/hb')).status.drift_repairs).toBe(repairsBefore + 1);
    // Traffic: allowed still open, denied still closed, across hb.
    expect(
      await lab.probeAll([
        { src: 'web1', dst: 'app1', protocol: 'tcp', port: 8080 },
        { src: 'app1', dst: 'db1', protocol: 'tcp', port: 5432 },
        { src: 'web2', dst: 'db2', protocol: 'tcp', port: 5432 },
        { src: 'db2', dst: 'app1', protocol: 'tcp', port: 8080 },
      ]),
    ).toEqual([true, true, false, false]);
  });

  test("restarting a host's ovs-vswitchd restores enforcement within 2 s of the daemon being back", async () => {
    const want = await bridgeFlows('hb');
    await lab.restartVswitchd('hb');
    const { ms, value: now } = await eventually(
      'flows on hb after the restart',
      async () => {
        const flows = await bridgeFlows('hb');
        return flows.length === want.length && flows;
      },
      { timeoutMs: margin(2000) },
    );
    figures.push(
      `ovs-vswitchd restart on hb: flows back ${ms} ms after the daemon (promise 2000, bound ${margin(2000)})`,
    );
    expect(now.length).toBe(want.length);
    const m = await checkedMatrix();
    expect(mismatches(m)).toEqual([]);
    await waitRealized('after vswitchd restart');
  });

  test('an entity whose port appears later is enforced as soon as it appears; a port no entity names gets nowhere', async () => {
    const web3 = {
      name: 'web3',
      host: 'hb',
      ip: '10.77.0.13',
      mac: '02:77:00:00:00:13',
      port: 'vm-web3',
      tcp: TCP_PORTS,
      udp: UDP_PORTS,
    };
    await api('POST', '/v1/entities', {
      name: web3.name,
      host: web3.host,
      port: web3.port,
      mac: web3.mac,
      ips: [web3.ip],
      categories: { AppType: 'shop', AppTier: 'web' },
    });
    await waitRealized('entity before its port');
    const t0 = Date.now();
    await lab.plugVm(web3);
    const plugged = Date.now() - t0;
    const { ms } = await eventually(
      'web3 → app1:8080 passes',
      () => lab.probe({ src: 'web3', dst: 'app1', protocol: 'tcp', port: 8080 }, 500),
      { timeoutMs: margin(2000) },
    );
    figures.push(
      `late port vm-web3: VM plugged in ${plugged} ms, its allowed traffic passing ${ms} ms later (promise 2000, bound ${margin(2000)})`,
    );
    expect(
      await lab.probeAll([
        { src: 'web3', dst: 'db1', protocol: 'tcp', port: 5432 }, // isolation web-db: deny
        { src: 'app1', dst: 'web3', protocol: 'tcp', port: 80 }, // anyone → web tcp/80
        { src: 'app1', dst: 'web3', protocol: 'tcp', port: 22 }, // web takes only 80 and ICMP
      ]),
    ).toEqual([false, true, false]);

    // A VM on the bridge that no entity names: its port is dropped both ways.
    await lab.plugVm({
      name: 'rogue',
      host: 'ha',
      ip: '10.77.0.99',
      mac: '02:77:00:00:00:99',
      port: 'vm-rogue',
      tcp: [80],
    });
    expect(
      await lab.probeAll(
        [
          { src: 'rogue', dst: 'web1', protocol: 'tcp', port: 80 },
          { src: 'rogue', dst: 'web2', protocol: 'icmp' },
          { src: 'web1', dst: 'rogue', protocol: 'tcp', port: 80 },
        ],
        1000,
      ),
    ).toEqual([false, false, false]);
  });

  test('a host whose OVS cannot be reached reports its error and holds no other host back', async () => {
    await api('POST', '/v1/hosts', { name: 'hgone', ovs_rundir: join(tmp, 'no-such-ovs'), uplinks: ['uplink'] });
    await api('PUT', '/v1/application-rules/shop', shopRule('monitor'));
    await waitRealized('with an unreachable host present');
    const { value: gone } = await eventually(
      'hgone reports an error',
      async () => {
        const h: { status: Record<string, unknown> } = await api('GET', '/v1/hosts/hgone');
        return h.status.last_error !== null && h;
      },
      { timeoutMs: margin(2000) },
    );
    expect(gone.status).toMatchObject({ reachable: false, realized_generation: null, flow_count: null });
    expect(gone.status.last_error).toMatch(
      /^cannot reach Open vSwitch: openflow port-desc: .*no-such-ovs\/br\.microseg\.mgmt/,
    );
    await api('DELETE', '/v1/hosts/hgone');
  });
});
