/**
 * Embedded agents follow the hosts: a loop per host with ovs_rundir, started on
 * create, restarted when the run dir changes, stopped on delete; a new
 * generation is realized at once (not at the next interval).
 */
import { EmbeddedAgents } from '../../service/agent/embedded';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { dropPerPort, MemoryLink } from './memory-link';
import { snap } from '../policy/fixtures';

const flows = async (o: DummyOvs) =>
  (await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${o.rundir}/${o.bridge}.mgmt`]))
    .split('\n')
    .filter((l) => /actions=/.test(l)).length;
const until = async (what: string, f: () => Promise<boolean> | boolean) =>
  (await eventually(what, f, { timeoutMs: margin(2000) })).ms;

describe('embedded agents', () => {
  let one: DummyOvs;
  let two: DummyOvs;
  const link = new MemoryLink(snap({ hosts: [] }));
  // A long interval: anything that happens fast below happened because of the generation event.
  const agents = new EmbeddedAgents({ link, compilerFor: () => dropPerPort, intervalMs: 30_000 });

  beforeAll(async () => {
    one = await startDummyOvs('br.microseg', ['p1']);
    two = await startDummyOvs('br.microseg', ['p1']);
  });
  afterAll(async () => {
    await agents.stop();
    await one?.stop();
    await two?.stop();
  });

  test('start, follow changes, restart on a new run dir, stop on delete', async () => {
    link.change(() => ({
      hosts: [
        { name: 'ha', bridge: 'br.microseg', ovs_rundir: one.rundir, uplinks: [] },
        { name: 'remote', bridge: 'br.microseg', uplinks: [] },
      ],
    }));
    await agents.start();
    expect(agents.hosts()).toEqual(['ha']);
    await until('ha programmed', async () => (await flows(one)) === 1);

    link.change(() => ({ entities: [{ name: 'e1', host: 'ha', port: 'p1', ips: ['10.0.0.1'], categories: {} }] }));
    const ms = await until(
      'the new generation realized',
      () => link.statuses.get('ha')?.realized_generation === link.snap.generation,
    );
    // At once (promise 1 s, bound margin(1000)), far below the 30 s interval.
    process.stdout.write(
      `embedded agent realized a new generation in ${ms} ms (promise 1000, bound ${margin(1000)})\n`,
    );
    expect(ms).toBeLessThan(margin(1000));
    expect(await flows(one)).toBe(2);

    link.change((s) => ({ hosts: s.hosts.map((h) => (h.name === 'ha' ? { ...h, ovs_rundir: two.rundir } : h)) }));
    await until('ha programmed on its new run dir', async () => (await flows(two)) === 2);
    expect(agents.hosts()).toEqual(['ha']);

    link.change((s) => ({ hosts: s.hosts.filter((h) => h.name !== 'ha'), entities: [] }));
    await until('ha loop stopped', () => agents.hosts().length === 0);
  });
});
