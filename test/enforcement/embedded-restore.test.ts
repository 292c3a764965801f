/**
 * Embedded agents keep enforcing when the database goes: the service on
 * PostgreSQL with an embedded agent for a real ovs-vswitchd (dummy datapath);
 * PostgreSQL stopped, ovs-vswitchd restarted (its flows gone) → the bridge is
 * programmed again with the last realized policy, which is also kept in the
 * service's data directory (0600 file, 0700 directory).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startReplicas, type Replicas } from '../support/replicas';
import { strictApi } from './lab-service';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';

describe('embedded agent, PostgreSQL stopped', () => {
  const dataDir = mkdtempSync('/tmp/msed-');
  let ovs: DummyOvs;
  let replicas: Replicas;
  let halted = false;
  const api = strictApi(() => replicas.services[0]);
  const dump = async () =>
    (await run('ovs-ofctl', ['--no-stats', '--no-names', 'dump-flows', `unix:${ovs.rundir}/br.microseg.mgmt`]))
      .split('\n')
      .filter((l) => /actions=/.test(l))
      .map((l) => l.trim())
      .sort();

  beforeAll(async () => {
    ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
    replicas = await startReplicas(1, { defaultPlugins: true, dataDir });
    await api('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
    await api('POST', '/v1/hosts', { name: 'he', ovs_rundir: ovs.rundir });
    await api('POST', '/v1/entities', {
      name: 'w',
      host: 'he',
      port: 'p1',
      mac: '02:00:00:00:0e:01',
      ips: ['10.9.1.1'],
      categories: { Tier: 'web' },
    });
    await api('POST', '/v1/entities', {
      name: 'd',
      host: 'he',
      port: 'p2',
      mac: '02:00:00:00:0e:02',
      ips: ['10.9.1.2'],
      categories: { Tier: 'db' },
    });
    await api('POST', '/v1/application-rules', {
      name: 'r',
      mode: 'apply',
      target: { categories: { Tier: ['db'] } },
      inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
    });
  });
  afterAll(async () => {
    if (halted) replicas.pg.resume();
    await replicas?.close();
    await ovs?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('ovs-vswitchd restarted while the database is down: the bridge is programmed again at once', async () => {
    const { generation } = await api('GET', '/v1/status');
    await eventually(
      'the embedded agent realizes the policy',
      async () => (await api('GET', '/v1/hosts/he')).status.realized_generation === generation,
      { timeoutMs: margin(2000) },
    );
    const before = await dump();
    expect(before.length).toBeGreaterThan(5);

    const dir = join(dataDir, 'agent-state');
    const file = join(dir, 'he.policy.json');
    await eventually(
      'the realized policy is kept in the data directory',
      () => JSON.parse(readFileSync(file, 'utf8')).snapshot.generation === generation,
      { timeoutMs: margin(2000) },
    );
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    replicas.pg.halt();
    halted = true;
    await ovs.restartVswitchd();
    const t0 = Date.now();
    // Promise 5 s (bound margin(5000)); the agent retries an unreachable bridge every 500 ms.
    const { ms } = await eventually(
      'the bridge holds the policy again',
      async () => (await dump()).join('\n') === before.join('\n'),
      { timeoutMs: margin(5000), intervalMs: 50 },
    );
    process.stdout.write(
      `embedded agent, PostgreSQL stopped, ovs-vswitchd restarted: ${before.length} flows back in ${ms} ms (${Date.now() - t0} ms; promise 5000, bound ${margin(5000)})\n`,
    );
  });
});
