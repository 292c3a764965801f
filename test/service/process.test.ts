/**
 * The service as `npm start` runs it, as a real process: first start makes
 * the admin token file (0600, path logged, secret never), data survives a
 * restart of the SQLite file, SIGTERM closes gracefully, a second process on
 * one SQLite file is refused, bad env is a clear error without a stack trace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startPostgres } from '../support/postgres';
import { makeCerts } from '../support/tls';
import { startDummyOvs } from '../enforcement/dummy-ovs';
import { run as runCmd } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { requestText } from '../../service/client/http-request';

// No @types for better-sqlite3 here: the little used is typed by hand.
type SqliteDb = { prepare(sql: string): { all(): unknown[]; get(): unknown }; close(): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { readonly: boolean }) => SqliteDb;

const root = join(__dirname, '..', '..');
// Inside node_modules so the bundle resolves the installed packages; removed afterwards.
const bundleDir = join(root, 'node_modules', '.cache', `microseg-service-test-${process.pid}`);
const bundle = join(bundleDir, 'main.js');
const work = mkdtempSync(join(tmpdir(), `microseg-proc-${process.pid}-`));
const children: ChildProcess[] = [];

beforeAll(async () => {
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: [join(root, 'service', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    packages: 'external',
    logLevel: 'error',
  });
  // The embedded agents' compile worker and OVS helper, beside the service as `npm run build` puts them.
  for (const name of ['compile-worker', 'ovs-helper'])
    await build({
      entryPoints: [join(root, 'service', 'agent', `${name}.ts`)],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: join(bundleDir, `${name}.js`),
      packages: 'external',
      logLevel: 'error',
    });
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(bundleDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const LISTENING = /listening at (https?:\/\/127\.0\.0\.1:\d+)/;

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Resolves once the output shows `ready` (default: listening; its first group is the URL). */
async function startProcess(
  env: Record<string, string>,
  opts: { cwd?: string; ready?: RegExp } = {},
): Promise<Running> {
  const child = spawn(process.execPath, [bundle], {
    cwd: opts.cwd ?? work,
    env: { PATH: process.env.PATH ?? '', MICROSEG_PORT: '0', MICROSEG_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = out.match(opts.ready ?? LISTENING);
      if (m) {
        clearInterval(timer);
        resolve(m[1] ?? '');
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`service exited ${code}: ${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

const call = async (url: string, token: string, method = 'GET', body?: unknown) => {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
};

test('first start writes the admin token file; data survives a restart; SIGTERM is graceful', async () => {
  const database = join(work, 'data', 'policy.sqlite');
  mkdirSync(join(work, 'data'));
  const first = await startProcess({ MICROSEG_DATABASE: database });
  const tokenFile = join(work, 'data', 'microseg.admin.token');
  expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  const secret = readFileSync(tokenFile, 'utf8').trim();
  expect(secret.length).toBeGreaterThanOrEqual(20);
  expect(first.output()).toContain(tokenFile);

  expect((await call(`${first.url}/v1/categories`, secret, 'POST', { name: 'Kept', values: ['a'] })).status).toBe(201);
  expect((await call(`${first.url}/v1/hosts`, secret, 'POST', { name: 'hv1' })).status).toBe(201);
  const generation = (await call(`${first.url}/v1/status`, secret)).body.generation;
  expect((await call(`${first.url}/v1/categories`, 'not-the-secret')).status).toBe(401);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain('shutting down');
  expect(first.output()).not.toContain(secret);

  const second = await startProcess({ MICROSEG_DATABASE: database });
  expect(readFileSync(tokenFile, 'utf8').trim()).toBe(secret);
  const kept = await call(`${second.url}/v1/categories/Kept`, secret);
  expect([kept.status, kept.body.values]).toEqual([200, ['a']]);
  const status = (await call(`${second.url}/v1/status`, secret)).body;
  expect(status.generation).toBe(generation);
  expect(status.hosts).toEqual([
    { name: 'hv1', status: expect.objectContaining({ reachable: false, realized_generation: null }) },
  ]);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.output()).not.toContain(secret);

  // The schema came from the migration, run once, not from synchronize.
  const db = new Database(database, { readonly: true });
  try {
    expect(db.prepare('SELECT name FROM migrations ORDER BY id').all()).toEqual([
      { name: 'Initial1764230400000' },
      { name: 'SharedState1764230500000' },
      { name: 'RuleIds1796117786977' },
      { name: 'IsolationGroups1796200000000' },
      { name: 'ObservedFlows1796300000000' },
    ]);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'generation'").get()).toEqual({ value: String(generation) });
  } finally {
    db.close();
  }
});

test('a second process on the same SQLite file refuses to start, naming the file; the lock goes with the first process, even killed', async () => {
  const database = join(work, 'shared.sqlite');
  const env = { MICROSEG_DATABASE: database, MICROSEG_TOKENS: 'ops:ops-secret-123:admin' };
  const first = await startProcess(env);
  const second = startProcess(env);
  await expect(second).rejects.toThrow(
    `microseg: cannot start: another microseg service already uses the SQLite database ${database} (it holds ${database}.lock)`,
  );
  await expect(second).rejects.not.toThrow(/\n\s+at /);
  expect(children[children.length - 1].exitCode).toBe(1);
  // The first is untouched: it still writes.
  expect((await call(`${first.url}/v1/categories`, 'ops-secret-123', 'POST', { name: 'One', values: [] })).status).toBe(
    201,
  );
  first.child.kill('SIGKILL');
  await first.exited;
  const third = await startProcess(env);
  expect((await call(`${third.url}/v1/categories/One`, 'ops-secret-123')).status).toBe(200);
  third.child.kill('SIGTERM');
  expect(await third.exited).toBe(0);
});

test('MICROSEG_TOKENS replaces the token file; a reader cannot write', async () => {
  const run = await startProcess({
    MICROSEG_DATABASE: join(work, 'tokens.sqlite'),
    MICROSEG_TOKENS: 'ops:ops-secret-123:admin, viewer:viewer-secret-1:reader',
  });
  expect(existsSync(join(work, 'microseg.admin.token'))).toBe(false);
  expect((await call(`${run.url}/v1/categories`, 'viewer-secret-1')).status).toBe(200);
  expect((await call(`${run.url}/v1/categories`, 'viewer-secret-1', 'POST', { name: 'X', values: [] })).status).toBe(
    403,
  );
  expect((await call(`${run.url}/v1/categories`, 'ops-secret-123', 'POST', { name: 'X', values: [] })).status).toBe(
    201,
  );
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  expect(run.output()).not.toMatch(/ops-secret-123|viewer-secret-1/);
});

test('MICROSEG_TLS_CERT and MICROSEG_TLS_KEY: HTTPS only, on the same port, trusted through the CA that signed the certificate', async () => {
  const certs = makeCerts();
  try {
    const run = await startProcess({
      MICROSEG_DATABASE: join(work, 'tls.sqlite'),
      MICROSEG_TOKENS: 'ops:ops-secret-123:admin',
      MICROSEG_TLS_CERT: certs.certPath,
      MICROSEG_TLS_KEY: certs.keyPath,
    });
    expect(run.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const get = (url: string, ca?: string) =>
      requestText(new URL('/v1/status', url), {
        method: 'GET',
        headers: { authorization: 'Bearer ops-secret-123' },
        timeoutMs: 10_000,
        ca,
      });
    const ok = await get(run.url, certs.caPem);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).generation).toBeGreaterThanOrEqual(1);
    await expect(get(run.url)).rejects.toThrow(/unable to verify the first certificate|self.signed certificate/);
    // Plain HTTP on the same port: no answer at all, so a token sent in clear gets nothing back.
    await expect(get(run.url.replace('https:', 'http:'))).rejects.toThrow(/socket hang up|ECONNRESET/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).not.toContain('PRIVATE KEY');
  } finally {
    certs.remove();
  }
});

test.each([
  [
    { MICROSEG_TLS_CERT: '/nonexistent/cert.pem' },
    /MICROSEG_TLS_KEY must be set too: MICROSEG_TLS_CERT and MICROSEG_TLS_KEY go together/,
  ],
  [
    { MICROSEG_TLS_CERT: '/nonexistent/cert.pem', MICROSEG_TLS_KEY: '/nonexistent/key.pem' },
    /MICROSEG_TLS_CERT: cannot read "\/nonexistent\/cert.pem": ENOENT/,
  ],
  [{ MICROSEG_PORT: 'http' }, /MICROSEG_PORT must be a port number/],
  [{ MICROSEG_TOKENS: 'admin:short:admin' }, /MICROSEG_TOKENS entry 1 \(admin\): the secret must be at least 8/],
  [{ MICROSEG_TOKENS: 'admin:long-enough-secret:root' }, /role must be one of admin, reader, agent/],
  [
    { MICROSEG_TOKENS: 'hv1:long-enough-secret:agent' },
    /MICROSEG_TOKENS entry 1 \(hv1\): an agent token must name the host it serves/,
  ],
])('bad environment %j is a clear error without a stack trace', async (env, message) => {
  await expect(startProcess({ MICROSEG_DATABASE: join(work, 'bad.sqlite'), ...env })).rejects.toThrow(message);
  const last = children[children.length - 1];
  expect(last.exitCode).toBe(2);
});

test('an unreachable PostgreSQL is a clear error naming no password', async () => {
  const failure = startProcess({ MICROSEG_DATABASE: 'postgres://user:hunter2-secret@127.0.0.1:1/db' });
  await expect(failure).rejects.toThrow(/cannot start/);
  await expect(failure).rejects.not.toThrow(/hunter2-secret|\n\s+at /);
  expect(existsSync(join(work, 'microseg.admin.token'))).toBe(false);
});

test('on a postgres:// URL without MICROSEG_TOKENS the token file is written in the current directory', async () => {
  const pg = await startPostgres();
  try {
    const url = (await pg.createDatabase()).replace('postgres@', 'postgres:pw-not-logged@');
    const tokenFile = join(work, 'microseg.admin.token');
    const run = await startProcess({ MICROSEG_DATABASE: url });
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(tokenFile, 'utf8').trim();
    expect((await call(`${run.url}/v1/categories/Quarantine`, secret)).status).toBe(200);
    expect((await call(`${run.url}/v1/hosts`, secret, 'POST', { name: 'pg-host' })).status).toBe(201);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('postgres:***@');
    expect(run.output()).not.toMatch(/pw-not-logged/);
    expect(run.output()).not.toContain(secret);
    rmSync(tokenFile);
  } finally {
    await pg.stop();
  }
});

test('restarted while PostgreSQL is down, the service enforces the policies its embedded agents kept, then takes over when the database returns', async () => {
  const pg = await startPostgres();
  const ovs = await startDummyOvs('br.microseg', ['p1', 'p2']);
  const cwd = mkdtempSync(join(work, 'kept-')); // the data directory (PostgreSQL: the current one)
  const env = {
    MICROSEG_DATABASE: await pg.createDatabase(),
    MICROSEG_TOKENS: 'ops:ops-secret-123:admin',
    MICROSEG_AGENT_INTERVAL: '500ms',
  };
  const flows = async () =>
    (await runCmd('ovs-ofctl', ['--no-stats', '--no-names', 'dump-flows', `unix:${ovs.rundir}/br.microseg.mgmt`]))
      .split('\n')
      .filter((l) => /actions=/.test(l))
      .map((l) => l.trim())
      .sort()
      .join('\n');
  let halted = false;
  try {
    const first = await startProcess(env, { cwd });
    const api = (method: string, path: string, body?: unknown) =>
      call(`${first.url}${path}`, 'ops-secret-123', method, body);
    for (const [path, body] of [
      ['/v1/categories', { name: 'Tier', values: ['web', 'db'] }],
      ['/v1/hosts', { name: 'hk', ovs_rundir: ovs.rundir }],
      [
        '/v1/entities',
        { name: 'w', host: 'hk', port: 'p1', mac: '02:00:00:00:0f:01', ips: ['10.9.2.1'], categories: { Tier: 'web' } },
      ],
      [
        '/v1/entities',
        { name: 'd', host: 'hk', port: 'p2', mac: '02:00:00:00:0f:02', ips: ['10.9.2.2'], categories: { Tier: 'db' } },
      ],
      [
        '/v1/application-rules',
        {
          name: 'r',
          mode: 'apply',
          target: { categories: { Tier: ['db'] } },
          inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
        },
      ],
    ] as const)
      expect((await api('POST', path, body)).status).toBe(201);
    const { generation } = (await api('GET', '/v1/status')).body;
    await eventually(
      'the embedded agent realizes the policy and keeps it',
      async () =>
        (await api('GET', '/v1/hosts/hk')).body.status.realized_generation === generation &&
        JSON.parse(readFileSync(join(cwd, 'agent-state', 'hk.policy.json'), 'utf8')).snapshot.generation === generation,
      { timeoutMs: margin(2000) },
    );
    const before = await flows();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    pg.halt();
    halted = true;
    await ovs.restartVswitchd();
    expect(await flows()).toBe('');
    const t0 = Date.now();
    const second = await startProcess(env, {
      cwd,
      ready: /enforcing the last realized policies kept in the data directory/,
    });
    const { ms } = await eventually('the bridge holds the kept policy', async () => (await flows()) === before, {
      timeoutMs: margin(5000),
      intervalMs: 50,
    });
    process.stdout.write(
      `service restarted with PostgreSQL down: bridge programmed from the kept policy ${Date.now() - t0} ms after the start (${ms} ms after the log line; promise 5000, bound ${margin(5000)})\n`,
    );
    expect(second.output()).toMatch(/"hosts":\["hk"\]/);

    pg.resume();
    halted = false;
    const listening = await eventually(
      'the service listens once the database is back',
      () => second.output().match(LISTENING)?.[1],
      { timeoutMs: margin(2000) + 10_000 },
    );
    await eventually(
      'the embedded agent reports again',
      async () =>
        (await call(`${listening.value}/v1/hosts/hk`, 'ops-secret-123')).body.status.realized_generation === generation,
      { timeoutMs: margin(2000) },
    );
    expect(await flows()).toBe(before);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  } finally {
    if (halted) pg.resume();
    await ovs.stop();
    await pg.stop();
  }
}, 120_000);
