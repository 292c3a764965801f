/**
 * An agent credential speaks for one host: a token `name:secret:agent:HOST`
 * reports status and observations only for HOST (403 for any other), reads the
 * policy as HOST needs it and nothing else, and cannot claim a generation the
 * service never published (422). An agent token without a host is refused
 * when MICROSEG_TOKENS is read.
 */
import { parseTokens } from '../../service/auth';
import { compileHost } from '../../service/compiler';
import { snapshotForHost } from '../../service/model/host-snapshot';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { CORPUS } from '../compiler/corpus';
import { startService, type TestService } from '../support/service';

let svc: TestService;
const report = (generation: number) => ({
  realized_generation: generation,
  flow_count: 3,
  reachable: true,
  last_error: null,
  drift_repairs: 0,
});
const connection = {
  src: '10.0.0.21',
  dst: '10.0.0.11',
  protocol: 'tcp',
  port: 5432,
  verdict: 'allow',
  rule: null,
  new: 1,
  active: 1,
};

beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin()] });
  for (const [path, body] of [
    ['/v1/hosts', { name: 'ha' }],
    ['/v1/hosts', { name: 'hb' }],
    ['/v1/entities', { name: 'web1', host: 'ha', port: 'p1', mac: '02:00:00:00:00:11', ips: ['10.0.0.11'] }],
    ['/v1/entities', { name: 'db1', host: 'hb', port: 'p1', mac: '02:00:00:00:00:21', ips: ['10.0.0.21'] }],
  ] as const) {
    const r = await svc.api('POST', path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
});
afterAll(async () => {
  await svc?.close();
});

test('a host-bound agent token may not report status for another host (403), and changes nothing there', async () => {
  const { generation } = (await svc.api('GET', '/v1/status')).body;
  expect((await svc.api('POST', '/v1/agents/hosts/ha/status', report(generation), { as: 'agent:ha' })).status).toBe(
    204,
  );
  const cross = await svc.api('POST', '/v1/agents/hosts/hb/status', report(generation), { as: 'agent:ha' });
  expect(cross.status).toBe(403);
  expect(cross.body).toEqual({
    error: 'forbidden',
    message: 'token "test-agent-ha" (role agent for host ha) may not speak for host "hb"',
    field: 'Authorization',
  });
  expect((await svc.api('GET', '/v1/hosts/hb')).body.status).toMatchObject({
    realized_generation: null,
    updated_at: null,
  });
});

test('a realized_generation above the current generation is refused (422 naming the field) and not recorded', async () => {
  const { generation } = (await svc.api('GET', '/v1/status')).body;
  const forged = await svc.api('POST', '/v1/agents/hosts/hb/status', report(999999999999), { as: 'agent:hb' });
  expect(forged.status).toBe(422);
  expect(forged.body).toEqual({
    error: 'invalid',
    field: 'realized_generation',
    message: `realized_generation 999999999999 is above the policy generation ${generation}: an agent can only realize a generation the service published`,
  });
  expect((await svc.api('GET', '/v1/hosts/hb')).body.status.realized_generation).toBeNull();
  expect((await svc.api('POST', '/v1/agents/hosts/hb/status', report(generation + 1), { as: 'agent:hb' })).status).toBe(
    422,
  );
  expect((await svc.api('POST', '/v1/agents/hosts/hb/status', report(generation), { as: 'agent:hb' })).status).toBe(
    204,
  );
});

test("observations for another host are refused and never show in /v1/flows; the host's own are kept", async () => {
  const forged = await svc.api(
    'POST',
    '/v1/agents/hosts/hb/observations',
    { connections: [{ ...connection, port: 6666 }] },
    { as: 'agent:ha' },
  );
  expect([forged.status, forged.body.field]).toEqual([403, 'Authorization']);
  expect(
    (await svc.api('POST', '/v1/agents/hosts/hb/observations', { connections: [connection] }, { as: 'agent:hb' }))
      .status,
  ).toBe(204);
  const items = (await svc.api('GET', '/v1/flows')).body.items as { port: number; hosts: string[] }[];
  expect(items.map((f) => [f.port, f.hosts])).toEqual([[5432, ['hb']]]);
});

test('a host-bound agent token reads the policy as its host needs it, and nothing else', async () => {
  const snap = (await svc.api('GET', '/v1/agents/policy', undefined, { as: 'agent:ha' })).body;
  expect(snap.hosts.map((h: { name: string }) => h.name)).toEqual(['ha']);
  expect(snap.entities).toEqual([
    { name: 'db1', host: 'hb', port: 'p1', ips: ['10.0.0.21'], categories: {} },
    { name: 'web1', host: 'ha', port: 'p1', mac: '02:00:00:00:00:11', ips: ['10.0.0.11'], categories: {} },
  ]);
  expect((await svc.api('GET', '/v1/agents/policy')).body.hosts).toHaveLength(2); // admin: everything
  for (const path of [
    '/v1/status',
    '/v1/entities',
    '/v1/hosts/ha',
    '/v1/flows',
    '/v1/reachability?src=web1&dst=db1&protocol=tcp&port=22',
  ]) {
    const r = await svc.api('GET', path, undefined, { as: 'agent:ha' });
    expect([path, r.status, r.body.message]).toEqual([
      path,
      403,
      'token "test-agent-ha" (role agent for host ha) may only read the policy and report for host ha',
    ]);
  }
  expect((await svc.api('POST', '/v1/categories', { name: 'X', values: ['y'] }, { as: 'agent:ha' })).status).toBe(403);
  // A reader may read, but not speak for a host.
  expect((await svc.api('POST', '/v1/agents/hosts/ha/status', report(1), { as: 'reader' })).status).toBe(403);
});

test('a host compiles the same flows from its own view of the policy as from the whole', () => {
  for (const [name, s] of Object.entries(CORPUS)) {
    for (const host of s.hosts) {
      const ports = Object.fromEntries(s.entities.filter((e) => e.host === host.name).map((e, i) => [e.port, i + 2]));
      expect([name, host.name, compileHost(snapshotForHost(s, host.name), host.name, ports).flows]).toEqual([
        name,
        host.name,
        compileHost(s, host.name, ports).flows,
      ]);
    }
  }
});

test('MICROSEG_TOKENS: an agent token names its host; one without is refused, naming the entry and the fix', () => {
  expect(parseTokens('ops:ops-secret-1:admin,hv1:agent-secret-1:agent:hv1')).toEqual([
    { name: 'ops', secret: 'ops-secret-1', role: 'admin' },
    { name: 'hv1', secret: 'agent-secret-1', role: 'agent', host: 'hv1' },
  ]);
  expect(() => parseTokens('ops:ops-secret-1:admin,old:agent-secret-1:agent')).toThrow(
    'MICROSEG_TOKENS entry 2 (old): an agent token must name the host it serves: old:…:agent:HOST',
  );
  expect(() => parseTokens('x:agent-secret-1:agent:9bad')).toThrow(/"9bad" is not a host name/);
  expect(() => parseTokens('x:reader-secret-1:reader:hv1')).toThrow(
    'MICROSEG_TOKENS entry 1 (x): only an agent token names a host',
  );
  expect(() => parseTokens('x:agent-secret-1:agent:hv1:more')).toThrow(
    /must be name:secret:role \(agents name:secret:agent:HOST\)/,
  );
  // Errors never carry the secret.
  expect(() => parseTokens('old:agent-secret-1:agent')).not.toThrow(/agent-secret-1/);
});
