/**
 * The standalone `microseg-agent` as a process, against the service over HTTP
 * (agent token) and a real ovs-vswitchd (dummy datapath): one pass, the
 * long-running loop following policy changes, and its errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { bundleAgent } from './agent-bundle';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { run } from '../lab/exec';
import { eventually, margin } from '../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';

describe('microseg-agent command', () => {
  const dir = mkdtempSync('/tmp/msac-');
  let cli: string;
  let svc: TestService;
  let ovs: DummyOvs;

  const agent = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [cli, ...args], { env: { ...process.env, MICROSEG_TOKEN: '', ...env } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (b) => { stdout += b; });
      p.stderr.on('data', (b) => { stderr += b; });
      p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const common = () => ['--service', svc.url, '--host', 'hs', '--ovs-rundir', ovs.rundir];
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const flowCount = async () => (await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${ovs.rundir}/br.microseg.mgmt`])).split('\n').filter((l) => /actions=/.test(l)).length;

  beforeAll(async () => {
    cli = bundleAgent(dir);
    ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
    svc = await startService({ defaultPlugins: true });
    await api('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
    await api('POST', '/v1/hosts', { name: 'hs' });
    await api('POST', '/v1/entities', { name: 'e1', host: 'hs', port: 'p1', mac: '02:00:00:00:00:01', ips: ['10.9.0.1'], categories: { Tier: 'web' } });
    await api('POST', '/v1/application-rules', { name: 'r', mode: 'apply', target: { categories: { Tier: ['db'] } }, inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }] });
  });
  afterAll(async () => {
    await svc?.close();
    await ovs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--once programs the bridge over HTTP and the service shows the realized generation', async () => {
    const r = await agent([...common(), '--once'], { MICROSEG_TOKEN: TEST_TOKENS.agent.secret });
    expect(r.stderr).not.toContain(TEST_TOKENS.agent.secret);
    // Observations went through too: no warning logged.
    expect(r.stderr).not.toMatch(/"level":[4-9]0/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'programmed', reachable: true, last_error: null });
    const host = await api('GET', '/v1/hosts/hs');
    const { generation } = await api('GET', '/v1/status');
    expect(host.status).toMatchObject({ realized_generation: generation, reachable: true, flow_count: await flowCount() });
    expect(host.status.flow_count).toBeGreaterThan(0);
  });

  test('errors are one clear line: no token, bad token, bad interval, unreachable service', async () => {
    expect(await agent([...common(), '--once'])).toMatchObject({ code: 2, stderr: 'microseg-agent: --token: missing (or set MICROSEG_TOKEN)\n' });
    const bad = await agent([...common(), '--once', '--token', 'wrong-secret']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^microseg-agent: GET \/v1\/agents\/policy: 401 unauthorized/);
    expect(bad.stderr).not.toContain('wrong-secret');
    expect((await agent([...common(), '--once', '--interval', 'soon', '--token', 'x'])).stderr).toBe('microseg-agent: --interval: "soon" is not a duration (e.g. 2s, 500ms)\n');
    expect((await agent(['--service', 'http://127.0.0.1:47999', '--host', 'hs', '--ovs-rundir', ovs.rundir, '--once', '--token', 'x'])).stderr).toMatch(/^microseg-agent: GET \/v1\/agents\/policy: .*ECONNREFUSED/);
  });

  test('the running agent follows a policy change at once (long poll) and stops on SIGTERM', async () => {
    const p = spawn(process.execPath, [cli, ...common(), '--interval', '30s'], { env: { ...process.env, MICROSEG_TOKEN: TEST_TOKENS.agent.secret }, stdio: 'ignore' });
    try {
      const realized = (generation: number) => async () => (await api('GET', '/v1/hosts/hs')).status.realized_generation === generation;
      // Its first pass is done (then it waits on the long poll).
      await eventually('the agent runs the current policy', realized((await api('GET', '/v1/status')).generation), { timeoutMs: margin(2000) });
      const before = await flowCount();
      await api('POST', '/v1/entities', { name: 'e2', host: 'hs', port: 'p2', mac: '02:00:00:00:00:02', ips: ['10.9.0.2'], categories: { Tier: 'db' } });
      const { generation } = await api('GET', '/v1/status');
      // At once (promise 2 s, bound margin(2000)), far below the 30 s interval.
      const { ms } = await eventually('the agent realizes the new generation', realized(generation), { timeoutMs: margin(2000), intervalMs: 50 });
      process.stdout.write(`standalone agent followed a policy change in ${ms} ms (promise 2000, bound ${margin(2000)})\n`);
      expect(await flowCount()).toBeGreaterThan(before);
    } finally {
      const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
      p.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The service still holds the agent's long poll (a 25 s timer): a new generation answers it now.
      await api('POST', '/v1/categories', { name: 'Bump', values: ['x'] });
    }
  });
});
