/**
 * POST /v1/trace and `microseg trace` on a lab (needs root): host ha is served
 * by the service's embedded agent, host hb by a standalone `microseg-agent`
 * process, which answers trace requests through its own long poll. Traces of
 * real lab connections come back table by table with the deciding rule,
 * agreeing with explain() and with real packets; both agents' verifiers report
 * verified_generation = realized_generation (status and /metrics); a host whose
 * agent is gone makes the trace fail with 504 naming the host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { Lab } from '../../lab/lab';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startService, type TestService } from '../support/service';
import { runCli } from '../support/cli';
import { monitoringPlugin } from '../../service/observations/monitoring';
import { embeddedAgentsPlugin } from '../../service/agent/plugin';
import { createTracePlugin } from '../../service/trace';
import { bundleAgent } from './agent-bundle';

if (!isRoot()) throw new Error('test/enforcement needs root: network namespaces, veth pairs and Open vSwitch daemons');

/** The bound this test gives POST /v1/trace for a standalone agent's answer. */
const TRACE_TIMEOUT_MS = 3000;

describe('trace on a lab', () => {
  const prefix = `tr${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/mstr-');
  let lab: Lab;
  let svc: TestService;
  let agent: ChildProcess | undefined;

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const stopAgent = async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.on('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
  };

  beforeAll(async () => {
    lab = await Lab.up({
      prefix,
      hosts: [{ name: 'ha' }, { name: 'hb' }],
      vms: [
        { name: 'c1', host: 'ha', ip: '10.77.6.1', mac: '02:77:00:00:06:01', tcp: [80] },
        { name: 'c2', host: 'ha', ip: '10.77.6.3', mac: '02:77:00:00:06:03', tcp: [5432] },
        { name: 's1', host: 'hb', ip: '10.77.6.2', mac: '02:77:00:00:06:02', tcp: [22, 5432] },
      ],
    });
    svc = await startService({
      plugins: [monitoringPlugin, embeddedAgentsPlugin, createTracePlugin({ timeoutMs: TRACE_TIMEOUT_MS })],
    });
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
  }, 120_000);

  afterAll(async () => {
    await stopAgent();
    await svc?.api('POST', '/v1/categories', { name: 'Bye', values: ['x'] });
    await svc?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
  });

  type Host = { name: string; status: { realized_generation: number | null; verified_generation: number | null } };

  test('both verifiers: verified_generation equals realized_generation, in the status and /metrics', async () => {
    const { generation } = await api('GET', '/v1/status');
    const { value: hosts, ms } = await eventually(
      'both hosts realize and verify the policy',
      async () => {
        const hs: Host[] = (await api('GET', '/v1/status')).hosts;
        if (hs.every((h) => h.status.realized_generation === generation && h.status.verified_generation === generation))
          return hs;
        throw new Error(JSON.stringify(hs));
      },
      { timeoutMs: margin(5000), intervalMs: 100 },
    );
    console.log(`generation ${generation} realized and verified on ha (embedded) and hb (standalone) in ${ms} ms`);
    for (const h of hosts) expect(h.status).toMatchObject({ verify_disagreements: [] });
    const metrics = (await svc.api('GET', '/metrics')).body as string;
    for (const h of ['ha', 'hb']) {
      expect(metrics).toContain(`microseg_host_verified_generation{host="${h}"} ${generation}`);
      expect(metrics).toContain(`microseg_host_verify_disagreements{host="${h}"} 0`);
    }
  }, 60_000);

  test('POST /v1/trace across hosts: the path by table name, the rule, explain agrees, real packets agree', async () => {
    const allowed = await api('POST', '/v1/trace', { src: 'c1', dst: 's1', protocol: 'tcp', port: 5432 });
    expect(allowed).toMatchObject({
      explain: { verdict: 'allow', layer: 'application', rule: 'db' },
      bridge: { verdict: 'allow', layer: 'application', rule: 'db', dropped_at: null },
      agree: true,
    });
    expect(allowed.path.map((p: { host: string; role: string }) => [p.host, p.role])).toEqual([
      ['ha', 'egress'],
      ['hb', 'ingress'],
    ]);
    const [egress, ingress] = allowed.path;
    expect(egress.tables.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['CLASSIFY', 'SPOOF', 'EGRESS_CT', 'EGRESS_APPLICATION', 'EGRESS_COMMIT', 'DISPATCH']),
    );
    const deciding = ingress.tables.find((t: { name: string }) => t.name === 'INGRESS_APPLICATION');
    expect(deciding.rule).toEqual({ kind: 'application_rule', name: 'db' });
    expect(ingress.forwarded).toBe(true);
    expect(ingress.output).toMatch(/Datapath actions: /);

    const denied = await api('POST', '/v1/trace', { src: 'c1', dst: 's1', protocol: 'tcp', port: 22 });
    expect(denied).toMatchObject({
      explain: { verdict: 'deny', rule: 'db' },
      bridge: { verdict: 'deny', rule: 'db', dropped_at: 'INGRESS_COMMIT' },
      agree: true,
    });
    // Both ends on ha: one trace through egress and ingress. c1 → c2 is allowed, c2 → c1 … db only receives.
    const local = await api('POST', '/v1/trace', { src: 'c1', dst: 'c2', protocol: 'tcp', port: 5432 });
    expect(local).toMatchObject({ agree: true, bridge: { verdict: 'allow', rule: 'db' } });
    expect(local.path.map((p: { host: string; role: string }) => [p.host, p.role])).toEqual([['ha', 'local']]);
    // What the traces said is what real packets do.
    expect(
      await lab.probeAll([
        { src: 'c1', dst: 's1', protocol: 'tcp', port: 5432 },
        { src: 'c1', dst: 's1', protocol: 'tcp', port: 22 },
        { src: 'c1', dst: 'c2', protocol: 'tcp', port: 5432 },
      ]),
    ).toEqual([true, false, true]);

    // Bad input names the field and changes nothing.
    const bad = await svc.api('POST', '/v1/trace', { src: 'nobody', dst: 's1', protocol: 'tcp', port: 22 });
    expect(bad.status).toBe(404);
    expect(bad.body).toMatchObject({ error: 'not_found', field: 'src' });
    const badPort = await svc.api('POST', '/v1/trace', { src: 'c1', dst: 's1', protocol: 'tcp', port: 70000 });
    expect(badPort.status).toBe(400);
    expect(badPort.body.field).toBe('port');
  }, 60_000);

  test('microseg trace prints the path with table names, the rule, both verdicts and agree', async () => {
    const { code, stdout, stderr } = await runCli(svc.url, ['trace', 'c1', 's1', 'tcp/5432']);
    console.log(stdout);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^c1 → s1 tcp\/5432$/m);
    expect(stdout).toMatch(/^host ha \(egress end, generation \d+\): ofproto\/trace in_port=/m);
    expect(stdout).toMatch(/^host hb \(ingress end, generation \d+\)/m);
    expect(stdout).toMatch(/^\s+53\s+INGRESS_APPLICATION\s+priority \d+\s+application rule db$/m);
    expect(stdout).toMatch(/^bridge: {2}ALLOW — application rule db$/m);
    expect(stdout).toMatch(/^explain: ALLOW — application rule db$/m);
    expect(stdout).toMatch(/^agree: yes$/m);
  }, 60_000);

  test('a host whose agent does not answer: 504 naming the host, within the bound', async () => {
    await stopAgent();
    const t0 = Date.now();
    const r = await svc.api('POST', '/v1/trace', { src: 'c1', dst: 's1', protocol: 'tcp', port: 5432 });
    const ms = Date.now() - t0;
    console.log(`trace with hb's agent stopped: ${r.status} after ${ms} ms (bound ${TRACE_TIMEOUT_MS} ms)`);
    expect(r.status).toBe(504);
    expect(r.body).toEqual({
      error: 'timeout',
      message: `host hb: its agent did not answer the trace within ${TRACE_TIMEOUT_MS / 1000} s (is microseg-agent running there, and connected to this service?)`,
      field: 'dst',
    });
    expect(ms).toBeGreaterThanOrEqual(TRACE_TIMEOUT_MS);
    expect(ms).toBeLessThan(margin(TRACE_TIMEOUT_MS));
    // The embedded end alone still traces.
    const local = await api('POST', '/v1/trace', { src: 'c1', dst: 'c2', protocol: 'tcp', port: 5432 });
    expect(local.agree).toBe(true);
  }, 60_000);
});
