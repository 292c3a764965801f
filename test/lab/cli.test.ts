/**
 * The lab CLI as the demo uses it: up (lab outlives the command), status,
 * matrix (no flows yet: all closed), down. Built with esbuild into a temp dir,
 * the daemon next to it as in the tsc build. Needs root.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync, transformSync } from 'esbuild';
import { run, isRoot } from '../../lab/exec';

if (!isRoot()) throw new Error('the lab tests need root: network namespaces, veth pairs and Open vSwitch daemons');

describe('lab CLI', () => {
  const prefix = `lk${process.pid % 100000}`;
  const dir = mkdtempSync(join(tmpdir(), 'labcli-'));
  const cli = join(dir, 'cli.js');
  const lab = (...args: string[]) => run(process.execPath, [cli, ...args], { timeoutMs: 60000 });

  beforeAll(() => {
    buildSync({
      entryPoints: [join(__dirname, '..', '..', 'lab', 'cli.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: cli,
      external: ['esbuild'],
      logLevel: 'silent',
    });
    writeFileSync(
      join(dir, 'vm-daemon.js'),
      transformSync(readFileSync(join(__dirname, '..', '..', 'lab', 'vm-daemon.ts'), 'utf8'), {
        loader: 'ts',
        format: 'cjs',
      }).code,
    );
    const spec = {
      hosts: [{ name: 'ha' }, { name: 'hb' }],
      vms: [
        { name: 'v1', host: 'ha', ip: '10.77.2.1', mac: '02:77:00:00:02:01', tcp: [80] },
        { name: 'v2', host: 'hb', ip: '10.77.2.2', mac: '02:77:00:00:02:02', tcp: [80] },
      ],
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  });
  afterAll(async () => {
    await lab('down', '--prefix', prefix).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('up, status, matrix, down', async () => {
    const up = JSON.parse(await lab('up', '--prefix', prefix, '--spec', join(dir, 'spec.json')));
    expect(up.hosts.map((h: { rundir: string }) => h.rundir)).toEqual([
      `/tmp/mslab-${prefix}/ha`,
      `/tmp/mslab-${prefix}/hb`,
    ]);
    // The lab outlived `up`: its bridge answers and its state lists both hosts.
    expect(await run('ovs-ofctl', ['show', `unix:/tmp/mslab-${prefix}/hb/br.microseg.mgmt`])).toMatch(/\(v2\)/);
    expect(JSON.parse(await lab('status', '--prefix', prefix)).ovs).toHaveLength(2);
    await run('ovs-ofctl', ['add-flow', `unix:/tmp/mslab-${prefix}/ha/br.microseg.mgmt`, 'actions=NORMAL']);
    await run('ovs-ofctl', ['add-flow', `unix:/tmp/mslab-${prefix}/hb/br.microseg.mgmt`, 'actions=NORMAL']);
    const matrix = await lab('matrix', '--prefix', prefix, '--tcp', '80', '--udp', '', '--timeout', '1500');
    expect(matrix).toMatch(/v1 → v2\s+tcp\/80 open\s+icmp open/);
    expect(matrix).toMatch(/v2 → v1\s+tcp\/80 open\s+icmp open/);
    expect(await lab('down', '--prefix', prefix)).toMatch(/removed/);
    expect(await lab('status', '--prefix', prefix).catch((e: Error) => e.message)).toMatch(/no lab/);
    expect(await run('ip', ['netns', 'list'])).not.toContain(`${prefix}-`);
  });
});
