/**
 * The lab itself, with plain OVS flows (no microseg): real packets cross hosts,
 * a secure bridge with no flows passes nothing, held connections detect a cut,
 * and down/downPrefix leave nothing behind. Needs root.
 */
import { existsSync } from 'node:fs';
import { Lab, validateSpec, type LabSpec } from '../../lab/lab';
import { run, isRoot, pidAlive } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { readState, labDir, writeState } from '../../lab/state';
import { spawn } from 'node:child_process';

if (!isRoot()) throw new Error('the lab tests need root: network namespaces, veth pairs and Open vSwitch daemons');

function spec(prefix: string): LabSpec {
  return {
    prefix,
    hosts: [{ name: 'ha' }, { name: 'hb' }],
    vms: [
      { name: 'v1', host: 'ha', ip: '10.77.1.1', mac: '02:77:00:00:01:01', tcp: [80], udp: [53] },
      { name: 'v2', host: 'ha', ip: '10.77.1.2', mac: '02:77:00:00:01:02', tcp: [80], udp: [53] },
      { name: 'v3', host: 'hb', ip: '10.77.1.3', mac: '02:77:00:00:01:03', tcp: [80], udp: [53] },
    ],
  };
}

async function namespaces(): Promise<string[]> {
  return (await run('ip', ['netns', 'list']))
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean);
}

describe('lab', () => {
  const prefix = `lt${process.pid % 100000}`;
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.up(spec(prefix));
  });
  afterAll(async () => {
    await lab?.down();
  });

  test('a secure bridge with no flows passes nothing', async () => {
    expect(
      await lab.probeAll(
        [
          { src: 'v1', dst: 'v3', protocol: 'icmp' },
          { src: 'v1', dst: 'v2', protocol: 'tcp', port: 80 },
        ],
        1000,
      ),
    ).toEqual([false, false]);
  });

  test('with NORMAL flows TCP, UDP and ICMP cross hosts; a closed port is closed', async () => {
    for (const h of ['ha', 'hb']) await lab.ofctl(h, 'add-flow', 'priority=1,actions=NORMAL');
    const probes = [
      { src: 'v1', dst: 'v3', protocol: 'tcp' as const, port: 80 },
      { src: 'v3', dst: 'v2', protocol: 'udp' as const, port: 53 },
      { src: 'v2', dst: 'v3', protocol: 'icmp' as const },
      { src: 'v1', dst: 'v2', protocol: 'tcp' as const, port: 80 },
      { src: 'v1', dst: 'v3', protocol: 'tcp' as const, port: 81 },
      { src: 'v1', dst: 'v3', protocol: 'udp' as const, port: 54 },
    ];
    expect(await lab.probeAll(probes, 1500)).toEqual([true, true, true, true, false, false]);
  });

  test('a held connection notices when its flows go away', async () => {
    const held = await lab.hold('v1', 'v3', 80);
    await eventually('held connection echoes', async () => ((await held.status()).lastEchoMs ?? Infinity) < 500, {
      timeoutMs: margin(1000),
    });
    await lab.ofctl('hb', 'del-flows');
    await eventually('held connection stops echoing', async () => ((await held.status()).lastEchoMs ?? 0) > 500, {
      timeoutMs: margin(1000),
    });
    await held.close();
  });

  test('restarting vswitchd keeps the bridge and ports, loses the flows', async () => {
    await lab.ofctl('ha', 'add-flow', 'priority=1,actions=NORMAL');
    await lab.restartVswitchd('ha');
    const show = await lab.ofctl('ha', 'show');
    expect(show).toMatch(/\(v1\)/);
    expect(show).toMatch(/\(uplink\)/);
    expect((await lab.ofctl('ha', 'dump-flows', '--no-stats')).trim().split('\n').length).toBe(1); // header only
    await lab.ofctl('ha', 'add-flow', 'priority=1,actions=NORMAL');
    expect(await lab.probe({ src: 'v1', dst: 'v2', protocol: 'icmp' }, 1500)).toBe(true);
  });

  test('down after a crash (state file only) removes namespaces, daemons and dirs', async () => {
    const p2 = `lc${process.pid % 100000}`;
    const crashed = await Lab.up({ ...spec(p2), hosts: [{ name: 'ha' }], vms: [spec(p2).vms[0]] });
    const state = readState(labDir(p2))!;
    const pids = [...state.daemons, ...state.ovs.flatMap((o) => [o.ovsdbPid!, o.vswitchdPid!])];
    expect(pids.every(pidAlive)).toBe(true);
    expect(await Lab.downPrefix(p2)).toBe(true);
    expect(crashed.prefix).toBe(p2);
    await eventually('the lab daemons exit', () => pids.filter(pidAlive).length === 0, { timeoutMs: margin(1000) });
    expect((await namespaces()).filter((n) => n.startsWith(`${p2}-`))).toEqual([]);
    expect(existsSync(labDir(p2))).toBe(false);
    expect(await Lab.downPrefix(p2)).toBe(false);
  });

  test('a lab whose test process died is swept by the next lab', async () => {
    const p3 = `ls${process.pid % 100000}`;
    const dead = await new Promise<number>((resolve) => {
      const c = spawn('true');
      c.on('exit', () => resolve(c.pid!));
    });
    const dir = labDir(p3);
    writeState({ prefix: p3, dir, namespaces: [`${p3}-x`], ovs: [], daemons: [], owner: dead, persistent: false });
    await run('ip', ['netns', 'add', `${p3}-x`]);
    expect(await Lab.sweepStale()).toContain(p3);
    expect(await namespaces()).not.toContain(`${p3}-x`);
    expect(existsSync(dir)).toBe(false);
    // The running lab of this test (owner alive) is untouched.
    expect(existsSync(lab.dir)).toBe(true);
  });

  test('bad specs are rejected naming the field', () => {
    expect(() => validateSpec({ ...spec('x'), vms: [{ ...spec('x').vms[0], name: 'a-very-long-vm-name' }] })).toThrow(
      /vms\[0\]\.name/,
    );
    expect(() => validateSpec({ ...spec('x'), vms: [{ ...spec('x').vms[0], host: 'nope' }] })).toThrow(
      /vms\[0\]\.host/,
    );
    expect(() => validateSpec({ ...spec('Bad'), vms: [] })).toThrow(/prefix/);
  });
});
