/**
 * The agent's sockets to Open vSwitch against a real lab (needs root): one host,
 * two VMs, a conntrack pipeline; real TCP from vm1 to vm2, then over the kept
 * control-socket connection (service/agent/unixctl.ts) a real `ofproto/trace`
 * and a `dpctl/dump-conntrack` that lists that connection, the rule counters in
 * one OpenFlow request (openflow.ts) counting its packets, a daemon error named,
 * and after ovs-vswitchd restarts the next call on a new connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Lab } from '../../lab/lab';
import { isRoot, run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { UnixctlClient, vswitchdControl } from '../../service/agent/unixctl';
import { dumpFlowCounters } from '../../service/agent/openflow';
import { parseConntrackDump } from '../../service/agent/conntrack';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');
jest.setTimeout(90_000);

const COMMIT = 0x51n;

describe('unixctl and OpenFlow sockets on a real lab', () => {
  const prefix = `ux${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/msux-');
  let lab: Lab;
  let client: UnixctlClient;

  beforeAll(async () => {
    lab = await Lab.up({
      prefix,
      baseDir: tmp,
      hosts: [{ name: 'ha' }],
      vms: [
        { name: 'vm1', host: 'ha', ip: '10.78.1.1', mac: '02:78:00:00:01:01', tcp: [80] },
        { name: 'vm2', host: 'ha', ip: '10.78.1.2', mac: '02:78:00:00:01:02', tcp: [80] },
      ],
    });
    const flows = [
      'table=0,priority=100,arp,actions=NORMAL',
      'table=0,priority=90,ip,actions=ct(zone=7,table=1)',
      `table=1,cookie=0x${COMMIT.toString(16)},priority=20,ct_state=+trk+new,ip,actions=ct(commit,zone=7),NORMAL`,
      'table=1,cookie=0x52,priority=10,ct_state=+trk+est,ip,actions=NORMAL',
      'table=1,priority=0,actions=drop',
    ];
    for (const f of flows) await lab.ofctl('ha', 'add-flow', f);
    client = new UnixctlClient({ target: () => vswitchdControl(lab.host('ha').rundir) });
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a real trace, a real conntrack dump after real packets, counters, errors, and a restarted daemon', async () => {
    const [vm1, vm2] = [lab.vm('vm1'), lab.vm('vm2')];
    expect(await lab.probe({ src: 'vm1', dst: 'vm2', protocol: 'tcp', port: 80 })).toBe(true);

    // The connection just made, as ovs-appctl would print it.
    const t0 = Date.now();
    const dump = await client.call('dpctl/dump-conntrack', ['-m']);
    const dumpMs = Date.now() - t0;
    const { entries, errors } = parseConntrackDump(dump);
    expect(errors).toEqual([]);
    expect(entries).toContainEqual(
      expect.objectContaining({ protocol: 'tcp', src: vm1.ip, dst: vm2.ip, dport: 80, zone: 7 }),
    );
    // Byte for byte what ovs-appctl prints. The probe's connection is still closing (its TCP state moves
    // between any two dumps), so compare a pair taken back to back until the state holds still.
    await eventually(
      'our dump equals ovs-appctl dpctl/dump-conntrack -m',
      async () =>
        (await client.call('dpctl/dump-conntrack', ['-m'])) ===
        (await run('ovs-appctl', ['-t', vswitchdControl(lab.host('ha').rundir), 'dpctl/dump-conntrack', '-m'])),
      { timeoutMs: margin(2000), intervalMs: 100 },
    );

    // A trace of a new connection vm1 → vm2 walks into the commit flow.
    const port = (await lab.ofctl('ha', 'show')).match(new RegExp(`(\\d+)\\(${vm1.port}\\)`))![1];
    const trace = await client.call('ofproto/trace', [
      lab.host('ha').bridge,
      `in_port=${port},tcp,nw_src=${vm1.ip},nw_dst=${vm2.ip},tp_dst=80`,
      '--ct-next',
      'trk,new',
    ]);
    expect(trace).toMatch(/^Flow: tcp,in_port=/);
    expect(trace).toContain(`cookie 0x${COMMIT.toString(16)}`);
    expect(trace).toMatch(/ct\(commit,zone=7\)/);

    // The counters: the commit flow saw the connection's first packet (statistics arrive lazily: poll).
    const { value: counters } = await eventually(
      'the commit flow counted the SYN',
      async () => {
        const c = await dumpFlowCounters(lab.mgmt('ha'));
        return c.find((f) => f.cookie === `0x${COMMIT.toString(16)}` && f.packets >= 1) && c;
      },
      { timeoutMs: margin(1000), intervalMs: 100 },
    );
    expect(counters.map((c) => c.table).sort()).toEqual([0, 0, 1, 1, 1]);

    // The daemon's own error, named by the command; the connection stays usable.
    await expect(client.call('ofproto/trace', ['no-such-bridge', 'in_port=1'])).rejects.toThrow(
      /^unixctl ofproto\/trace: .*no-such-bridge/,
    );

    // ovs-vswitchd restarts (a new pid, a new socket): the call in between fails, the next one reconnects.
    const before = vswitchdControl(lab.host('ha').rundir);
    await lab.restartVswitchd('ha');
    expect(vswitchdControl(lab.host('ha').rundir)).not.toBe(before);
    const { ms } = await eventually('a call on the restarted daemon', () => client.call('version').then(Boolean), {
      timeoutMs: margin(2000),
    });
    expect(await client.call('version')).toMatch(/Open vSwitch/);
    console.log(`dump-conntrack over the kept socket: ${dumpMs} ms; answered again ${ms} ms after the restart`);
  });
});
