/** The `microseg` CLI as operators run it (node cli/microseg.js), against a real service. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { CLI, runCli } from '../support/cli';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { parseService } from '../../cli/format';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { makeCerts, startTlsService } from '../support/tls';
import { eventually, margin } from '../../lab/eventually';

/** A port nothing listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let svc: TestService;

const run = (args: string[], env: Record<string, string> = {}) => runCli(svc.url, args, { env });

const report = (port: number, verdict = 'would-deny') =>
  svc.api(
    'POST',
    '/v1/agents/hosts/ha/observations',
    {
      connections: [
        {
          src: '10.0.0.11',
          dst: '10.0.0.31',
          protocol: 'tcp',
          port,
          verdict,
          rule: 'shop',
          rule_kind: 'application',
          new: 1,
          active: 1,
        },
      ],
    },
    { as: 'agent:ha' },
  );

beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: 100, retentionMs: 3_600_000 })] });
  for (const [path, body] of [
    ['/v1/categories', { name: 'AppTier', values: ['web', 'db'] }],
    ['/v1/hosts', { name: 'ha' }],
    [
      '/v1/entities',
      { name: 'web-1', host: 'ha', port: 'vm-web1', ips: ['10.0.0.11'], categories: { AppTier: 'web' } },
    ],
    ['/v1/entities', { name: 'db-1', host: 'ha', port: 'vm-db1', ips: ['10.0.0.31'], categories: { AppTier: 'db' } }],
    [
      '/v1/application-rules',
      { name: 'shop', mode: 'monitor', target: { categories: { AppTier: ['db'] } }, inbound: [] },
    ],
  ] as const) {
    const r = await svc.api('POST', path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await svc.api(
    'POST',
    '/v1/agents/hosts/ha/status',
    {
      realized_generation: 1,
      flow_count: 12,
      reachable: true,
      last_error: null,
      drift_repairs: 0,
      notice: 'the bridge was in fail-mode standalone: set it to secure',
    },
    { as: 'agent:ha' },
  );
  await report(5432);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

test('microseg status: generation and each host with its realization state', async () => {
  const r = await run(['status']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`policy generation ${svc.store.generation()}`);
  expect(r.stdout).toMatch(/^ha\s+LAGGING\s+\d+\s+1\s+12/m);
  expect(r.stdout).toMatch(/\nnote ha: the bridge was in fail-mode standalone: set it to secure\n$/);
}, 30_000);

test('microseg flows: a table with the would-deny connection; filters pass through', async () => {
  const r = await run(['flows', '--verdict', 'would-deny', '--rule', 'shop']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/web-1\s+db-1\s+tcp\/5432\s+WOULD-DENY\s+application:shop\s+1/);
  const none = await run(['flows', '--verdict', 'deny']);
  expect(none.stdout).toContain('(no observed connections)');
  const bad = await run(['flows', '--category', 'nope']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^microseg: 400: category must be Key:Value.*\(field category\)\n$/);
}, 30_000);

test('microseg flows --watch prints new connections as they are observed', async () => {
  const child = spawn(process.execPath, [CLI, 'flows', '--watch', '--interval', '300ms'], {
    env: { PATH: process.env.PATH, MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: TEST_TOKENS.reader.secret },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  try {
    const waitFor = async (re: RegExp) => {
      await eventually(`output matching ${re}`, () => re.test(out), { timeoutMs: margin(2000), intervalMs: 100 }).catch(
        () => undefined,
      );
      expect(out).toMatch(re);
    };
    await waitFor(/tcp\/5432/);
    await report(6379);
    await waitFor(/tcp\/6379\s+WOULD-DENY/);
    expect(out.match(/tcp\/5432/g)).toHaveLength(1); // unchanged rows are not printed again
  } finally {
    child.kill('SIGINT');
  }
}, 30_000);

test('microseg explain web-1 db-1 tcp/5432: verdict, layer and rule from the reference evaluator', async () => {
  const r = await run(['explain', 'web-1', 'db-1', 'tcp/5432']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('web-1 → db-1 tcp/5432: WOULD-DENY — application rule shop (monitor)\n');
  const json = await run(['explain', 'db-1', '10.0.0.11', 'icmp/8', '--json']);
  expect(JSON.parse(json.stdout)).toEqual({
    verdict: 'allow',
    layer: 'application',
    rule: 'shop',
    mode: 'monitor',
    drafts: [],
  }); // shop allows all outbound
  const unknown = await run(['explain', 'nobody', 'db-1', 'tcp/1']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/^microseg: 4\d\d: .*nobody.*\(field src\)\n$/);
}, 30_000);

test('errors are one line without a stack: no token, bad service, unreachable endpoint, bad token', async () => {
  const noToken = await run(['status'], { MICROSEG_TOKEN: '' });
  expect([noToken.code, noToken.stderr]).toEqual([
    1,
    'microseg: no token: set MICROSEG_TOKEN or pass --token-file FILE\n',
  ]);
  const badToken = await run(['status'], { MICROSEG_TOKEN: 'wrong-token-123' });
  expect(badToken.stderr).toMatch(/^microseg: 401: /);
  const badSvc = await run(['explain', 'web-1', 'db-1', 'tcp']);
  expect(badSvc.stderr).toBe('microseg: tcp needs a port, e.g. tcp/443\n');
  const closed = await freePort();
  const down = await run(['status'], { MICROSEG_ENDPOINT: `http://127.0.0.1:${closed}` });
  expect(down.stderr).toMatch(new RegExp(`^microseg: cannot reach http://127.0.0.1:${closed}: .*ECONNREFUSED`));
  expect(down.stderr).not.toMatch(/\n\s+at /);
}, 30_000);

test('the token from --token-file or MICROSEG_TOKEN, never an argument: --token is refused, saying why', async () => {
  const refused = await run(['status', '--token', TEST_TOKENS.reader.secret], { MICROSEG_TOKEN: '' });
  expect([refused.code, refused.stderr]).toEqual([
    1,
    'microseg: --token: refused: a token given as an argument shows in ps to every user of this machine; set MICROSEG_TOKEN or pass --token-file FILE\n',
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'mscli-'));
  try {
    const file = join(dir, 'token');
    writeFileSync(file, `${TEST_TOKENS.reader.secret}\n`, { mode: 0o600 });
    const viaFile = await run(['status', '--token-file', file], { MICROSEG_TOKEN: '' });
    expect([viaFile.code, viaFile.stderr]).toEqual([0, '']);
    expect(viaFile.stdout).toContain(`policy generation ${svc.store.generation()}`);
    expect((await run(['status', '--token-file', join(dir, 'none')], { MICROSEG_TOKEN: '' })).stderr).toBe(
      `microseg: --token-file: cannot read "${join(dir, 'none')}": ENOENT\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

test("HTTPS: --ca-cert trusts the service's certificate; without it, one clear line", async () => {
  const certs = makeCerts();
  const tls = await startTlsService(certs);
  try {
    const env = { MICROSEG_ENDPOINT: tls.url, MICROSEG_TOKEN: TEST_TOKENS.reader.secret };
    const trusted = await run(['status', '--ca-cert', certs.caPath, '--json'], env);
    expect([trusted.code, trusted.stderr]).toEqual([0, '']);
    expect(JSON.parse(trusted.stdout).generation).toBe((await tls.api('GET', '/v1/status')).body.generation);
    const untrusted = await run(['status'], env);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(
      new RegExp(
        `^microseg: cannot reach ${tls.url}: (unable to verify the first certificate|self.signed certificate)[^\n]*\n$`,
      ),
    );
    // Plain HTTP to the HTTPS port gets no answer.
    const plain = await run(['status', '--ca-cert', certs.caPath], {
      ...env,
      MICROSEG_ENDPOINT: tls.url.replace('https:', 'http:'),
    });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^microseg: cannot reach http:\/\/127\.0\.0\.1:\d+: /);
  } finally {
    await tls.close();
    certs.remove();
  }
}, 30_000);

test('service syntax', () => {
  expect(parseService('tcp/5432')).toEqual({ protocol: 'tcp', port: '5432' });
  expect(parseService('icmp')).toEqual({ protocol: 'icmp' });
  expect(parseService('icmpv6/128')).toEqual({ protocol: 'icmpv6', icmp_type: '128' });
  expect(parseService('sctp/3868')).toEqual({ protocol: 'sctp', port: '3868' });
  expect(parseService('gre')).toEqual({ protocol: 'gre' });
  expect(parseService('99')).toEqual({ protocol: '99' });
  expect(() => parseService('ipx')).toThrow(/service must be/);
  expect(() => parseService('gre/5')).toThrow(/service must be/);
  expect(() => parseService('sctp')).toThrow(/sctp needs a port/);
});
