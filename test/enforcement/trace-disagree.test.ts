/**
 * `microseg trace` when the bridge and explain() disagree (real ovs-vswitchd,
 * dummy datapath, in-process service with an embedded agent): the host's
 * compile is made to fail, so its bridge keeps the last policy it realized
 * while the policy changes. The CLI prints the disagreement, says so on stderr
 * (with --json too) and exits 2; a trace that agrees exits 0.
 */
import { compileHost } from '../../service/compiler';
import { createEmbeddedAgentsPlugin } from '../../service/agent/plugin';
import { createTracePlugin } from '../../service/trace';
import type { CompileHost } from '../../service/agent/types';
import { eventually, margin } from '../../lab/eventually';
import { startService, type TestService } from '../support/service';
import { runCli } from '../support/cli';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { strictApi } from './lab-service';

jest.setTimeout(90_000);

describe('microseg trace exit code', () => {
  let ovs: DummyOvs;
  let svc: TestService;
  let failing = false;
  const api = strictApi(() => svc);

  const cli = (...args: string[]) => runCli(svc.url, args);

  const rule = (port: string) => ({
    name: 'db',
    mode: 'apply',
    target: { categories: { Tier: ['db'] } },
    inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: [port] }] }],
  });

  beforeAll(async () => {
    ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
    const compile: CompileHost = (snapshot, host, ports) => {
      if (failing) throw new Error('forced by the test');
      return compileHost(snapshot, host, ports);
    };
    svc = await startService({
      defaultPlugins: false,
      plugins: [createEmbeddedAgentsPlugin({ compile }), createTracePlugin({})],
    });
    await api('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
    await api('POST', '/v1/hosts', { name: 'ha', ovs_rundir: ovs.rundir });
    const entity = (name: string, port: string, n: number, tier: string) =>
      api('POST', '/v1/entities', {
        name,
        host: 'ha',
        port,
        mac: `02:00:00:00:0a:0${n}`,
        ips: [`10.10.0.${n}`],
        categories: { Tier: tier },
      });
    await entity('web1', 'p1', 1, 'web');
    await entity('db1', 'p2', 2, 'db');
    await api('POST', '/v1/application-rules', rule('5432'));
    await waitFor('ha realizes the policy', (s) => s.realized_generation === s.desired_generation);
  });

  afterAll(async () => {
    await svc?.close();
    await ovs?.stop();
  });

  async function waitFor(what: string, done: (status: Record<string, any>) => boolean): Promise<void> {
    await eventually(
      what,
      async () => {
        const { status } = await api('GET', '/v1/hosts/ha');
        if (done(status)) return true;
        throw new Error(JSON.stringify(status));
      },
      { timeoutMs: margin(2000) },
    );
  }

  test('agreeing: exit 0, nothing on stderr', async () => {
    const r = await cli('trace', 'web1', 'db1', 'tcp/5432');
    expect(r.stdout).toMatch(/^agree: yes$/m);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('the bridge behind the policy: the disagreement on stdout and stderr, exit 2 (with --json too)', async () => {
    failing = true;
    await api('PUT', '/v1/application-rules/db', rule('5433'));
    await waitFor('ha fails to compile the change', (s) => /forced by the test/.test(s.last_error ?? ''));
    const text = await cli('trace', 'web1', 'db1', 'tcp/5432');
    console.log(text.stdout + text.stderr);
    expect(text.stdout).toMatch(/^bridge: {2}ALLOW — application rule db$/m);
    expect(text.stdout).toMatch(/^explain: DENY/m);
    expect(text.stdout).toMatch(/^agree: NO — the bridge does not do what the policy says$/m);
    expect(text.stderr).toBe(
      'the bridge and explain() disagree: bridge ALLOW (rule db), explain() DENY (rule db); exit 2\n',
    );
    expect(text.code).toBe(2);

    const json = await cli('trace', 'web1', 'db1', 'tcp/5432', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ agree: false, bridge: { verdict: 'allow' } });
    expect(json.stderr).toBe(text.stderr);
    expect(json.code).toBe(2);
  });
});
