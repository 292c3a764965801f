/**
 * The embedded agents' OVS programs run in a helper process, not in the
 * service's (ovs-helper-client.ts): against a real ovs-vswitchd (dummy
 * datapath) an embedded agent programs its bridge and watches it with monitors
 * that are the helper's children, none the test process's, 5 nice levels
 * below it; a command fails
 * with the same error as when spawned here; a helper killed mid-run fails
 * closed (the bridge keeps its flows, the agent reports) and the next change
 * is realized through a new helper, monitors started again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { EmbeddedAgents } from '../../service/agent/embedded';
import { FILE_ARG, localCommands, OvsCommandError } from '../../service/agent/exec';
import { OvsHelper } from '../../service/agent/ovs-helper-client';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { dropPerPort, MemoryLink } from './memory-link';
import { snap } from '../policy/fixtures';

jest.setTimeout(120_000);

/** Field `n` (1-based, as in proc(5)) of /proc/<pid>/stat, read from after the command name (which may hold spaces). */
function statField(stat: string, n: number): string {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3];
}

/** The pids of the running processes named `comm` whose parent is `ppid` (from /proc). */
function children(ppid: number, comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const parent = Number(statField(stat, 4));
    if (name === comm && parent === ppid) out.push(Number(d));
  }
  return out;
}

/** A process's nice value (field 19 of its stat). */
const niceOf = (pid: number) => Number(statField(readFileSync(`/proc/${pid}/stat`, 'utf8'), 19));

const flowCount = async (o: DummyOvs) =>
  (await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${o.rundir}/${o.bridge}.mgmt`]))
    .split('\n')
    .filter((l) => /actions=/.test(l)).length;
const until = (what: string, f: () => Promise<boolean> | boolean) =>
  eventually(what, f, { timeoutMs: margin(5000), intervalMs: 20 });

describe('the OVS command helper', () => {
  let ovs: DummyOvs;
  const helper = new OvsHelper();
  beforeAll(async () => {
    ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
  });
  afterAll(async () => {
    await helper.close();
    await ovs?.stop();
  });

  test('runs a command with a file and fails as a local spawn does', async () => {
    expect(await helper.run('cat', [FILE_ARG], 5000, [], 'one\ntwo\n')).toBe('one\ntwo\n');
    const args = ['--timeout=1', 'dump-flows', 'unix:/nonexistent/br.mgmt'];
    const here = await localCommands.run('ovs-ofctl', args, 5000).catch((e: Error) => e);
    const there = await helper.run('ovs-ofctl', args, 5000).catch((e: Error) => e);
    expect(here).toBeInstanceOf(OvsCommandError);
    expect(there).toBeInstanceOf(OvsCommandError);
    expect((there as Error).message).toBe((here as Error).message);
    expect((there as Error).message).toMatch(/^ovs-ofctl dump-flows: /);
  });

  test('an embedded agent programs and watches its bridge through the helper; a helper killed fails closed', async () => {
    const link = new MemoryLink(
      snap({ hosts: [{ name: 'ha', bridge: ovs.bridge, ovs_rundir: ovs.rundir, uplinks: [] }] }),
    );
    // A short interval: a monitor that ended within a second of its start is started again at the next pass.
    const agents = new EmbeddedAgents({ link, compilerFor: () => dropPerPort, intervalMs: 300, commands: helper });
    try {
      await agents.start();
      link.change(() => ({ entities: [{ name: 'e1', host: 'ha', port: 'p1', ips: ['10.0.0.1'], categories: {} }] }));
      await until('generation 2 realized', () => link.statuses.get('ha')?.realized_generation === 2);
      expect(await flowCount(ovs)).toBe(2);
      // The monitors run under the helper; the test process (the service here) started none.
      const first = helper.pid!;
      await until('the flow monitor runs under the helper', () => children(first, 'ovs-ofctl').length === 1);
      expect(children(process.pid, 'ovs-ofctl')).toEqual([]);
      expect(children(process.pid, 'ovsdb-client')).toEqual([]);
      expect(children(process.pid, 'stdbuf')).toEqual([]);
      // Below the service's priority: their CPU (tens of thousands of flows parsed) yields to the API's.
      const [monitor] = children(first, 'ovs-ofctl');
      expect(niceOf(monitor)).toBe(Math.min(19, niceOf(process.pid) + 5));

      // The helper dies: the bridge keeps what it was programmed with, and the next change goes through a new one.
      process.kill(first, 'SIGKILL');
      await until('the old helper is gone', () => helper.pid !== first);
      expect(await flowCount(ovs)).toBe(2);
      link.change(() => ({
        entities: [
          { name: 'e1', host: 'ha', port: 'p1', ips: ['10.0.0.1'], categories: {} },
          { name: 'e2', host: 'ha', port: 'p2', ips: ['10.0.0.2'], categories: {} },
        ],
      }));
      const { ms } = await until('generation 3 realized', async () => {
        const s = link.statuses.get('ha');
        return s?.realized_generation === 3 && (await flowCount(ovs)) === 3;
      });
      process.stdout.write(`after the helper was killed, the next change was realized in ${ms} ms\n`);
      const second = helper.pid!;
      expect(second).not.toBe(first);
      await until('a new flow monitor runs under the new helper', () => children(second, 'ovs-ofctl').length === 1);
      expect(children(process.pid, 'ovs-ofctl')).toEqual([]);
    } finally {
      await agents.stop();
    }
  });
});
