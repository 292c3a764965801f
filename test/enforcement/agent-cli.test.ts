/**
 * The standalone `microseg-agent` as a process, against the service over HTTP
 * (agent token) and a real ovs-vswitchd (dummy datapath): one pass, the
 * long-running loop following policy changes, its errors, where its token
 * comes from, the bridge's fail mode, the policy it keeps on disk, and HTTPS.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { bundleAgent } from './agent-bundle';
import { startService, type TestService } from '../support/service';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { vsctl } from '../../lab/ovs';
import { makeCerts, startTlsService } from '../support/tls';

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
      p.stdout.on('data', (b) => {
        stdout += b;
      });
      p.stderr.on('data', (b) => {
        stderr += b;
      });
      p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const common = () => [
    '--service',
    svc.url,
    '--host',
    'hs',
    '--ovs-rundir',
    ovs.rundir,
    '--state-dir',
    join(dir, 'state'),
  ];
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const flowCount = async () =>
    (await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${ovs.rundir}/br.microseg.mgmt`]))
      .split('\n')
      .filter((l) => /actions=/.test(l)).length;

  beforeAll(async () => {
    cli = bundleAgent(dir);
    ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
    svc = await startService({ defaultPlugins: true });
    await api('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
    await api('POST', '/v1/hosts', { name: 'hs' });
    await api('POST', '/v1/entities', {
      name: 'e1',
      host: 'hs',
      port: 'p1',
      mac: '02:00:00:00:00:01',
      ips: ['10.9.0.1'],
      categories: { Tier: 'web' },
    });
    await api('POST', '/v1/application-rules', {
      name: 'r',
      mode: 'apply',
      target: { categories: { Tier: ['db'] } },
      inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
    });
  });
  afterAll(async () => {
    await svc?.close();
    await ovs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--once programs the bridge over HTTP and the service shows the realized generation', async () => {
    const r = await agent([...common(), '--once'], { MICROSEG_TOKEN: svc.agentToken('hs') });
    expect(r.stderr).not.toContain(svc.agentToken('hs'));
    // Observations went through too: no warning logged.
    expect(r.stderr).not.toMatch(/"level":[4-9]0/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'programmed', reachable: true, last_error: null });
    // Realized = desired: the last generation that changed this host's view.
    const host = await api('GET', '/v1/hosts/hs');
    expect(host.status).toMatchObject({
      realized_generation: host.status.desired_generation,
      reachable: true,
      flow_count: await flowCount(),
    });
    expect(host.status.desired_generation).toBeLessThanOrEqual((await api('GET', '/v1/status')).generation);
    expect(host.status.flow_count).toBeGreaterThan(0);
  });

  test('errors are one clear line: no token, bad token, bad interval, unreachable service', async () => {
    expect(await agent([...common(), '--once'])).toMatchObject({
      code: 2,
      stderr: 'microseg-agent: no token: set MICROSEG_TOKEN or pass --token-file FILE\n',
    });
    const bad = await agent([...common(), '--once'], { MICROSEG_TOKEN: 'wrong-secret' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^microseg-agent: GET \/v1\/agents\/hosts\/hs\/view: 401 unauthorized/);
    expect(bad.stderr).not.toContain('wrong-secret');
    expect((await agent([...common(), '--once', '--interval', 'soon'], { MICROSEG_TOKEN: 'x' })).stderr).toBe(
      'microseg-agent: --interval: "soon" is not a duration (e.g. 2s, 500ms)\n',
    );
    expect(
      (await agent([...common(), '--once'], { MICROSEG_TOKEN: 'x', MICROSEG_AGENT_INTERVAL: 'soon' })).stderr,
    ).toMatch(/^microseg-agent: MICROSEG_AGENT_INTERVAL: "soon" is not a duration/);
    expect(
      (
        await agent(
          [
            '--service',
            'http://127.0.0.1:47999',
            '--host',
            'hs',
            '--ovs-rundir',
            ovs.rundir,
            '--state-dir',
            join(dir, 'none'),
            '--once',
          ],
          { MICROSEG_TOKEN: 'x' },
        )
      ).stderr,
    ).toMatch(/^microseg-agent: GET \/v1\/agents\/hosts\/hs\/view: .*ECONNREFUSED/);
  });

  test('the running agent follows a policy change at once (long poll) and stops on SIGTERM', async () => {
    const p = spawn(process.execPath, [cli, ...common(), '--interval', '30s'], {
      env: { ...process.env, MICROSEG_TOKEN: svc.agentToken('hs') },
      stdio: 'ignore',
    });
    try {
      const realized = (generation: number) => async () =>
        (await api('GET', '/v1/hosts/hs')).status.realized_generation === generation;
      // Its first pass is done (then it waits on the long poll): at its host's desired generation.
      const desired = (await api('GET', '/v1/hosts/hs')).status.desired_generation;
      await eventually('the agent runs the current policy', realized(desired), {
        timeoutMs: margin(2000),
      });
      const before = await flowCount();
      await api('POST', '/v1/entities', {
        name: 'e2',
        host: 'hs',
        port: 'p2',
        mac: '02:00:00:00:00:02',
        ips: ['10.9.0.2'],
        categories: { Tier: 'db' },
      });
      const { generation } = await api('GET', '/v1/status');
      // At once (promise 2 s, bound margin(2000)), far below the 30 s interval.
      const { ms } = await eventually('the agent realizes the new generation', realized(generation), {
        timeoutMs: margin(2000),
        intervalMs: 50,
      });
      process.stdout.write(
        `standalone agent followed a policy change in ${ms} ms (promise 2000, bound ${margin(2000)})\n`,
      );
      expect(await flowCount()).toBeGreaterThan(before);
    } finally {
      const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
      p.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The service still holds the agent's long poll (a 25 s timer): a new generation answers it now.
      await api('POST', '/v1/categories', { name: 'Bump', values: ['x'] });
    }
  });

  test('--token is refused (ps shows arguments); the token comes from --token-file or MICROSEG_TOKEN and shows in no process list', async () => {
    const secret = svc.agentToken('hs');
    const refused = await agent([...common(), '--once', '--token', secret]);
    expect(refused).toMatchObject({
      code: 2,
      stderr:
        'microseg-agent: --token: refused: a token given as an argument shows in ps to every user of this machine; set MICROSEG_TOKEN or pass --token-file FILE\n',
    });
    const tokenFile = join(dir, 'agent.token');
    writeFileSync(tokenFile, `${secret}\n`, { mode: 0o600 });
    expect((await agent([...common(), '--once', '--token-file', join(dir, 'missing.token')])).stderr).toBe(
      `microseg-agent: --token-file: cannot read "${join(dir, 'missing.token')}": ENOENT\n`,
    );

    const reportedBefore = (await api('GET', '/v1/hosts/hs')).status.updated_at;
    const p = spawn(process.execPath, [cli, ...common(), '--token-file', tokenFile, '--interval', '200ms'], {
      env: { ...process.env, MICROSEG_TOKEN: '' },
      stdio: 'ignore',
    });
    try {
      // Sample the agent and its children (ovs-ofctl, ovs-vsctl…) while it works, until it has reported twice.
      const seen: string[] = [];
      let reports = 0;
      let last = reportedBefore;
      // Two reports: it authenticated with the file's token.
      await eventually(
        'two status reports from the agent',
        async () => {
          seen.push(await run('ps', ['-o', 'args=', '--pid', String(p.pid), '--ppid', String(p.pid)]).catch(() => ''));
          const now = (await api('GET', '/v1/hosts/hs')).status.updated_at;
          if (now !== last) {
            reports++;
            last = now;
          }
          return reports >= 2;
        },
        { timeoutMs: margin(2000), intervalMs: 50 },
      );
      expect(seen.join('\n')).toContain(tokenFile);
      expect(seen.join('\n')).not.toContain(secret);
      expect(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8')).not.toContain(secret);
    } finally {
      const exited = new Promise((r) => p.on('exit', r));
      p.kill('SIGTERM');
      await exited;
      await api('POST', '/v1/categories', { name: 'Bump2', values: ['x'] }); // answers its long poll
    }
  });

  test('a bridge in the default fail mode is made secure, said in the log and the host status; a restart then leaves no NORMAL flow', async () => {
    await vsctl(ovs.rundir, ['del-fail-mode', 'br.microseg']);
    expect((await vsctl(ovs.rundir, ['get-fail-mode', 'br.microseg'])).trim()).toBe('');
    const r = await agent([...common(), '--once'], { MICROSEG_TOKEN: svc.agentToken('hs') });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('bridge was in fail-mode standalone: set it to secure');
    expect((await vsctl(ovs.rundir, ['get-fail-mode', 'br.microseg'])).trim()).toBe('secure');
    const status = (await api('GET', '/v1/hosts/hs')).status;
    expect(status.notice).toMatch(
      /^the bridge was in fail-mode standalone \(a bridge that loses its flows then forwards everything by NORMAL\): set it to secure at \d{4}-/,
    );
    expect(status.flow_count).toBeGreaterThan(0);
    // Between programmings (ovs-vswitchd restarted, no agent running): an empty table, no NORMAL flow.
    await ovs.restartVswitchd();
    const flows = await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${ovs.rundir}/br.microseg.mgmt`]);
    expect(flows).not.toMatch(/actions=NORMAL/);
    expect(await flowCount()).toBe(0);
    // Already secure: nothing to say.
    const again = await agent([...common(), '--once'], { MICROSEG_TOKEN: svc.agentToken('hs') });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('fail-mode');
  });

  test('the last realized policy is kept on disk: a 0600 file in a 0700 directory, replaced whole', async () => {
    const r = await agent([...common(), '--once'], { MICROSEG_TOKEN: svc.agentToken('hs') });
    expect(r.code).toBe(0);
    const stateDir = join(dir, 'state');
    const file = join(stateDir, 'hs.policy.json');
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    expect(kept.host).toBe('hs');
    expect(kept.snapshot.generation).toBe((await api('GET', '/v1/hosts/hs')).status.desired_generation);
    expect(readdirSync(stateDir)).toEqual(['hs.policy.json']); // written as a temporary file, then renamed
  });

  test("HTTPS: with --ca-cert the agent trusts the service's certificate; without it, a clear error", async () => {
    const certs = makeCerts();
    const tls = await startTlsService(certs);
    try {
      for (const [path, body] of [
        ['/v1/categories', { name: 'Tier', values: ['web', 'db'] }],
        ['/v1/hosts', { name: 'hs' }],
        [
          '/v1/entities',
          {
            name: 't1',
            host: 'hs',
            port: 'p1',
            mac: '02:00:00:00:00:09',
            ips: ['10.9.0.9'],
            categories: { Tier: 'db' },
          },
        ],
      ] as const) {
        expect((await tls.api('POST', path, body)).status).toBe(201);
      }
      const args = [
        '--service',
        tls.url,
        '--host',
        'hs',
        '--ovs-rundir',
        ovs.rundir,
        '--state-dir',
        join(dir, 'tls-state'),
        '--once',
        '--no-observe',
      ];
      const env = { MICROSEG_TOKEN: tls.agentToken('hs') };
      const untrusted = await agent(args, env);
      expect(untrusted.code).toBe(2);
      expect(untrusted.stderr).toMatch(
        /^microseg-agent: GET \/v1\/agents\/hosts\/hs\/view: (unable to verify the first certificate|self.signed certificate)/,
      );
      const trusted = await agent([...args, '--ca-cert', certs.caPath], env);
      expect(trusted.code).toBe(0);
      expect(JSON.parse(trusted.stdout)).toMatchObject({ action: 'programmed', reachable: true, last_error: null });
      const { status } = (await tls.api('GET', '/v1/hosts/hs')).body;
      expect(status).toMatchObject({ realized_generation: status.desired_generation, reachable: true });
      expect((await agent([...args, '--ca-cert', certs.keyPath], env)).stderr).toBe(
        `microseg-agent: --ca-cert: "${certs.keyPath}" holds no PEM certificate\n`,
      );
      // Plain HTTP to the HTTPS port gets no answer (and the agent has no kept policy in this fresh state dir).
      const plain = await agent(
        [
          '--service',
          tls.url.replace('https:', 'http:'),
          '--host',
          'hs',
          '--ovs-rundir',
          ovs.rundir,
          '--state-dir',
          join(dir, 'plain-state'),
          '--once',
        ],
        env,
      );
      expect(plain.code).toBe(2);
      expect(plain.stderr).toMatch(/^microseg-agent: GET \/v1\/agents\/hosts\/hs\/view: /);
      console.log(`plain HTTP to the HTTPS port: ${plain.stderr.trim()}`);
    } finally {
      await tls.close();
      certs.remove();
    }
  });
});
