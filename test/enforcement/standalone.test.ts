/**
 * Mixed mode with real packets (needs root): host ha is served by the
 * service's embedded agent, host hb by a standalone `microseg-agent` process
 * that knows only the service URL, an agent token and hb's OVS run dir.
 * Both enforce the same policy; both report realization.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { Lab } from '../../lab/lab';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startService, type TestService } from '../support/service';
import { bundleAgent } from './agent-bundle';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');

describe('standalone agent on a lab host', () => {
  const prefix = `sa${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/mssa-');
  let lab: Lab;
  let svc: TestService;
  let agent: ChildProcess | undefined;

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  beforeAll(async () => {
    lab = await Lab.up({
      prefix,
      hosts: [{ name: 'ha' }, { name: 'hb' }],
      vms: [
        { name: 'c1', host: 'ha', ip: '10.77.5.1', mac: '02:77:00:00:05:01', tcp: [80] },
        { name: 's1', host: 'hb', ip: '10.77.5.2', mac: '02:77:00:00:05:02', tcp: [22, 5432] },
      ],
    });
    svc = await startService({ defaultPlugins: true });
    await api('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
    await api('POST', '/v1/hosts', { name: 'ha', ovs_rundir: lab.host('ha').rundir, uplinks: ['uplink'] });
    await api('POST', '/v1/hosts', { name: 'hb', uplinks: ['uplink'] });
    for (const v of lab.vms.values()) {
      await api('POST', '/v1/entities', {
        name: v.name,
        host: v.host,
        port: v.port,
        mac: v.mac,
        ips: [v.ip],
        categories: { Tier: v.name === 'c1' ? 'web' : 'db' },
      });
    }
    await api('POST', '/v1/application-rules', {
      name: 'db',
      mode: 'apply',
      target: { categories: { Tier: ['db'] } },
      inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
    });
    const cli = bundleAgent(tmp);
    agent = spawn(
      process.execPath,
      [cli, '--service', svc.url, '--host', 'hb', '--ovs-rundir', lab.host('hb').rundir, '--state-dir', tmp],
      { env: { ...process.env, MICROSEG_TOKEN: svc.agentToken('hb') }, stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.on('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    // Answer the agent's pending long poll so the service closes at once.
    await svc?.api('POST', '/v1/categories', { name: 'Bye', values: ['x'] });
    await svc?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('both hosts realize the policy; real packets obey it across them', async () => {
    const { generation } = await api('GET', '/v1/status');
    type Host = {
      name: string;
      status: {
        realized_generation: number | null;
        desired_generation: number;
        flow_count: number | null;
        reachable: boolean;
      };
    };
    const { value: hosts } = await eventually(
      'both hosts realize the policy',
      async () => {
        const hs: Host[] = (await api('GET', '/v1/status')).hosts;
        // Each at its desired generation: the last one that changed its view (at most `generation`).
        const current = (h: Host) =>
          h.status.desired_generation <= generation && h.status.realized_generation === h.status.desired_generation;
        if (hs.every(current)) return hs;
        throw new Error(JSON.stringify(hs));
      },
      { timeoutMs: margin(2000), intervalMs: 100 },
    );
    expect(
      hosts.map((h) => [h.name, h.status.realized_generation === h.status.desired_generation, h.status.reachable]),
    ).toEqual([
      ['ha', true, true],
      ['hb', true, true],
    ]);
    expect(hosts.every((h) => (h.status.flow_count ?? 0) > 0)).toBe(true);
    expect(
      await lab.probeAll([
        { src: 'c1', dst: 's1', protocol: 'tcp', port: 5432 },
        { src: 'c1', dst: 's1', protocol: 'tcp', port: 22 },
        { src: 's1', dst: 'c1', protocol: 'tcp', port: 80 },
      ]),
    ).toEqual([true, false, true]);
  });
});
