/**
 * Fail secure with real packets (needs root). Two service replicas on one
 * PostgreSQL; two lab hosts, each served by a standalone `microseg-agent`
 * given both replicas' URLs. In order:
 *   1. replica A stops; a policy change made on replica B is realized (failover);
 *   2. no service at all: ovs-vswitchd restarted on both hosts → the allowed and
 *      denied cells are back as they were (the agents enforce what they last realized);
 *   3. still none: agents and ovs-vswitchd restarted → back again (the policy kept on disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Lab } from '../../lab/lab';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { reprobeDoubtful, serviceLabel, measureMatrix, type MatrixCell, type MatrixServices } from '../../lab/matrix';
import { startReplicas, type Replicas } from '../support/replicas';
import { agentSecret } from '../support/service';
import { bundleAgent } from './agent-bundle';
import { checkedMatrix, mismatches, strictApi, waitRealized, type Checked } from './lab-service';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');

const HOSTS = ['ha', 'hb'];
const PROBED: MatrixServices = { tcp: [22, 5432], udp: [], icmp: true };

describe('fail secure: agent failover between replicas, and the last policy kept through service and OVS restarts', () => {
  const prefix = `fs${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/msfs-');
  const figures: string[] = [];
  let lab: Lab;
  let replicas: Replicas;
  let cli: string;
  const agents = new Map<string, { child: ChildProcess; log: () => string }>();
  /** The matrix the last realized policy gives (step 1), held against the later steps. */
  let realized: Checked[] = [];

  const onA = strictApi(() => replicas.services[0]);
  const onB = strictApi(() => replicas.services[1]);

  const startAgent = (host: string) => {
    const urls = replicas.services.map((s) => s.url).join(',');
    // The agent speaks to every replica: each knows the host's agent token.
    for (const s of replicas.services) s.agentToken(host);
    const child = spawn(
      process.execPath,
      [
        cli,
        '--service',
        urls,
        '--host',
        host,
        '--ovs-rundir',
        lab.host(host).rundir,
        '--state-dir',
        join(tmp, `state-${host}`),
      ],
      {
        env: { ...process.env, MICROSEG_TOKEN: agentSecret(host) },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    child.stderr!.on('data', (d) => {
      log += d;
    });
    agents.set(host, { child, log: () => log });
  };
  const stopAgent = async (host: string) => {
    const a = agents.get(host);
    agents.delete(host);
    if (!a || a.child.exitCode !== null) return;
    const exited = new Promise((r) => a.child.on('exit', r));
    a.child.kill('SIGTERM');
    await exited;
  };
  const flowCount = async (host: string) =>
    (await lab.ofctl(host, 'dump-flows')).split('\n').filter((l) => /actions=/.test(l)).length;

  /** The matrix now, each cell measured closed that `expected` has open probed once more (load). */
  const matrixLike = async (expected: MatrixCell[]): Promise<MatrixCell[]> => {
    const cells = await measureMatrix(lab, PROBED, 1000);
    const key = (c: MatrixCell) => `${c.src}>${c.dst}:${serviceLabel(c)}`;
    const wasOpen = new Set(expected.filter((c) => c.open).map(key));
    await reprobeDoubtful(
      cells,
      (c) => wasOpen.has(key(c)),
      (cs, ms) => lab.probeAll(cs, ms),
    );
    return cells;
  };
  const shape = (m: MatrixCell[]) => m.map((c) => `${c.src}→${c.dst} ${serviceLabel(c)} ${c.open ? 'open' : 'closed'}`);

  beforeAll(async () => {
    cli = bundleAgent(tmp);
    lab = await Lab.up({
      prefix,
      hosts: HOSTS.map((name) => ({ name })),
      vms: [
        { name: 'web1', host: 'ha', ip: '10.77.9.1', mac: '02:77:00:00:09:01', tcp: [22, 5432] },
        { name: 'db1', host: 'hb', ip: '10.77.9.2', mac: '02:77:00:00:09:02', tcp: [22, 5432] },
        { name: 'db2', host: 'ha', ip: '10.77.9.3', mac: '02:77:00:00:09:03', tcp: [22, 5432] },
      ],
    });
    replicas = await startReplicas(2);
    await onA('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
    for (const h of HOSTS) await onA('POST', '/v1/hosts', { name: h, uplinks: ['uplink'] });
    for (const v of lab.vms.values()) {
      await onA('POST', '/v1/entities', {
        name: v.name,
        host: v.host,
        port: v.port,
        mac: v.mac,
        ips: [v.ip],
        categories: { Tier: v.name === 'web1' ? 'web' : 'db' },
      });
    }
    await onA('POST', '/v1/application-rules', {
      name: 'db',
      mode: 'apply',
      target: { categories: { Tier: ['db'] } },
      inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
    });
    for (const h of HOSTS) startAgent(h);
  }, 120_000);

  afterAll(async () => {
    for (const h of [...agents.keys()]) await stopAgent(h);
    await replicas?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  }, 60_000);

  test('replica A stops; a policy change made on replica B is realized by the agents, and packets obey it', async () => {
    await waitRealized(onA, HOSTS, 'both agents, through replica A', figures);
    const before = await checkedMatrix(lab, onA, PROBED, figures);
    expect(mismatches(before)).toEqual([]);
    expect(before.some((c) => c.src === 'web1' && c.port === 22 && c.open)).toBe(false);

    await replicas.stop(0);
    const t0 = Date.now();
    const rule = await onB('GET', '/v1/application-rules/db');
    await onB('PUT', '/v1/application-rules/db', {
      name: 'db',
      mode: 'apply',
      target: rule.target,
      version: rule.version,
      inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432', '22'] }] }],
    });
    await waitRealized(onB, HOSTS, 'after replica A stopped, a change on replica B', figures, margin(5000));
    figures.push(
      `failover: change on B realized on both hosts ${Date.now() - t0} ms after A stopped (bound ${margin(5000)})`,
    );
    realized = await checkedMatrix(lab, onB, PROBED, figures);
    expect(mismatches(realized)).toEqual([]);
    // The change is in the packets: web1 now reaches the databases on 22.
    expect(realized.filter((c) => c.src === 'web1' && c.port === 22).map((c) => c.open)).toEqual([true, true]);
    for (const h of HOSTS) expect(agents.get(h)!.log()).toContain('switched to the next one');
  }, 120_000);

  test('no service at all: ovs-vswitchd restarted on both hosts, the allowed and denied cells are back as they were', async () => {
    expect(realized.length).toBeGreaterThan(0);
    expect(realized.some((c) => c.open) && realized.some((c) => !c.open)).toBe(true);
    const flows = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await flowCount(h)] as const)));
    await replicas.stop(1);
    await Promise.all(HOSTS.map((h) => lab.restartVswitchd(h)));
    const t0 = Date.now();
    // Promise 5 s; bound margin(5000).
    const { ms } = await eventually(
      'both bridges programmed again',
      async () => {
        const now = await Promise.all(HOSTS.map(flowCount));
        return HOSTS.every((h, i) => now[i] === flows[h]);
      },
      { timeoutMs: margin(5000), intervalMs: 50 },
    );
    const after = await matrixLike(realized);
    figures.push(
      `no service, ovs-vswitchd restarted: both bridges reprogrammed in ${ms} ms, matrix as before ${Date.now() - t0} ms after the restart (promise 5000, bound ${margin(5000)})`,
    );
    expect(shape(after)).toEqual(shape(realized));
    expect(Date.now() - t0).toBeLessThan(margin(5000));
  }, 120_000);

  test('no service, agents restarted too: each programs its bridge from the policy kept on disk', async () => {
    const flows = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await flowCount(h)] as const)));
    for (const h of HOSTS) await stopAgent(h);
    await Promise.all(HOSTS.map((h) => lab.restartVswitchd(h)));
    // Nothing on the bridges now (secure: all traffic dropped).
    expect(await Promise.all(HOSTS.map(flowCount))).toEqual([0, 0]);
    const t0 = Date.now();
    for (const h of HOSTS) startAgent(h);
    const { ms } = await eventually(
      'both bridges programmed by the restarted agents',
      async () => {
        const now = await Promise.all(HOSTS.map(flowCount));
        return HOSTS.every((h, i) => now[i] === flows[h]);
      },
      { timeoutMs: margin(5000), intervalMs: 50 },
    );
    const after = await matrixLike(realized);
    figures.push(
      `no service, agents and ovs-vswitchd restarted: bridges programmed from disk ${ms} ms after the agents started, matrix as before ${Date.now() - t0} ms after (promise 5000, bound ${margin(5000)})`,
    );
    expect(shape(after)).toEqual(shape(realized));
    for (const h of HOSTS) expect(agents.get(h)!.log()).toContain('enforcing the policy kept on local disk');
  }, 120_000);
});
