/**
 * Embedded agents follow the hosts: a loop per host with ovs_rundir, started on
 * create, restarted when the run dir changes, stopped on delete; a new
 * generation is realized at once (not at the next interval).
 */
import { EmbeddedAgents, type EmbeddedLink } from '../../service/agent/embedded';
import type { AgentStatusReport } from '../../service/model/host-status';
import type { CompileHost } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';

const compile: CompileHost = (snap, host, ports) => ({
  host,
  generation: snap.generation,
  flows: [
    'table=0,priority=0,actions=drop',
    ...snap.entities
      .filter((e) => e.host === host && ports[e.port])
      .map((e) => `table=0,priority=10,in_port=${ports[e.port]},actions=drop`),
  ],
});

class Link implements EmbeddedLink {
  statuses = new Map<string, AgentStatusReport>();
  listeners = new Set<(g: number) => void>();
  viewListeners = new Set<(hosts: string[]) => void>();
  snap: PolicySnapshot = {
    generation: 1,
    categories: [],
    address_groups: [],
    service_groups: [],
    hosts: [],
    entities: [],
    application_rules: [],
    isolation_rules: [],
    quarantine_rules: [],
    shared_service_rules: [],
  };
  async fetchPolicy() {
    return this.snap;
  }
  async fetchHosts() {
    return this.snap.hosts;
  }
  async reportStatus(host: string, s: AgentStatusReport) {
    this.statuses.set(host, s);
  }
  onGeneration(l: (g: number) => void) {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }
  onViews(l: (hosts: string[]) => void) {
    this.viewListeners.add(l);
    return () => {
      this.viewListeners.delete(l);
    };
  }
  /** Every host reads the whole snapshot here (a view may be the whole policy). */
  forHost() {
    return this;
  }
  /** Every change touches every host here. */
  change(f: (s: PolicySnapshot) => Partial<PolicySnapshot>) {
    this.snap = { ...this.snap, ...f(this.snap), generation: this.snap.generation + 1 };
    for (const l of this.listeners) l(this.snap.generation);
    for (const l of this.viewListeners) l(this.snap.hosts.map((h) => h.name));
  }
}

const flows = async (o: DummyOvs) =>
  (await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${o.rundir}/${o.bridge}.mgmt`]))
    .split('\n')
    .filter((l) => /actions=/.test(l)).length;
const until = async (what: string, f: () => Promise<boolean> | boolean) =>
  (await eventually(what, f, { timeoutMs: margin(2000) })).ms;

describe('embedded agents', () => {
  let one: DummyOvs;
  let two: DummyOvs;
  const link = new Link();
  // A long interval: anything that happens fast below happened because of the generation event.
  const agents = new EmbeddedAgents({ link, compilerFor: () => compile, intervalMs: 30_000 });

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
