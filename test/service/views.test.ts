/**
 * Each host's view over HTTP (GET /v1/agents/hosts/:name/view): a change
 * that does not touch a host neither answers its agent's long poll nor moves
 * its desired generation (it stays realized); an agent that holds a view
 * downloads what changed, a small fraction of the view, and nothing when
 * nothing changed; a resume point the service does not know gets the whole
 * view, marked as such.
 */
import { startService, type TestService } from '../support/service';
import { eventually } from '../../lab/eventually';
import { applyDelta, type ViewAnswer } from '../../service/model/view-delta';
import type { PolicySnapshot } from '../../service/model/snapshot';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

const view = async (host: string, query = ''): Promise<{ answer: ViewAnswer; bytes: number; status: number }> => {
  const r = await svc.api('GET', `/v1/agents/hosts/${host}/view${query}`, undefined, { as: `agent:${host}` });
  return { answer: r.body as ViewAnswer, bytes: JSON.stringify(r.body).length, status: r.status };
};
const report = (generation: number) => ({
  realized_generation: generation,
  flow_count: 1,
  reachable: true,
  last_error: null,
  drift_repairs: 0,
});
const hostStatus = async (name: string) =>
  ((await svc.api('GET', '/v1/status')).body.hosts as { name: string; status: Record<string, unknown> }[]).find(
    (h) => h.name === name,
  )!.status;

test('a change that does not touch host B does not wake its agent, and B stays realized', async () => {
  await svc.api('POST', '/v1/categories', { name: 'App', values: ['web', 'db'] });
  for (const h of ['wa', 'wb']) expect((await svc.api('POST', '/v1/hosts', { name: h })).status).toBe(201);
  await svc.api('POST', '/v1/entities', {
    name: 'a1',
    host: 'wa',
    port: 'p1',
    ips: ['10.9.0.1'],
    categories: { App: 'web' },
  });
  await svc.api('POST', '/v1/entities', {
    name: 'b1',
    host: 'wb',
    port: 'p1',
    ips: ['10.9.0.2'],
    categories: { App: 'db' },
  });
  for (const [name, app] of [
    ['only-web', 'web'],
    ['only-db', 'db'],
  ])
    await svc.api('POST', '/v1/application-rules', {
      name,
      mode: 'apply',
      target: { categories: { App: [app] } },
      inbound: [{ from: { categories: { App: [app] } }, services: [{ protocol: 'tcp', ports: ['22'] }] }],
    });
  const a = (await view('wa')).answer;
  const b = (await view('wb')).answer;
  if (!a.full || !b.full) throw new Error('a first read is the whole view');
  expect(b.view.entities.map((e) => e.name)).toEqual(['b1']); // wa's entity is nothing to wb
  for (const [h, v] of [
    ['wa', a.view],
    ['wb', b.view],
  ] as const)
    expect(
      (await svc.api('POST', `/v1/agents/hosts/${h}/status`, report(v.generation), { as: `agent:${h}` })).status,
    ).toBe(204);

  // wb's agent waits for its view to move.
  let answeredAt: number | null = null;
  const waiting = view('wb', `?since=${b.view.generation}&wait=30`).then((r) => {
    answeredAt = Date.now();
    return r;
  });
  const change = await svc.api('PUT', '/v1/entities/a1', {
    name: 'a1',
    host: 'wa',
    port: 'p1',
    ips: ['10.9.0.11'],
    categories: { App: 'web' },
  });
  const g1 = Number(change.headers.get('microseg-generation'));
  expect([change.status, change.headers.get('microseg-affected-hosts')]).toEqual([200, 'wa']);
  const forA = (await view('wa', `?since=${a.view.generation}&wait=30`)).answer;
  expect(forA).toEqual({
    full: false,
    since: a.view.generation,
    generation: g1,
    upsert: { entities: [{ name: 'a1', host: 'wa', port: 'p1', ips: ['10.9.0.11'], categories: { App: 'web' } }] },
    remove: {},
  });
  // wb: not woken, its desired generation unchanged, so still realized while wa is not.
  expect(answeredAt).toBeNull();
  expect(await hostStatus('wb')).toMatchObject({
    desired_generation: b.view.generation,
    realized_generation: b.view.generation,
  });
  expect(await hostStatus('wa')).toMatchObject({ desired_generation: g1, realized_generation: a.view.generation });

  // The next change that does touch wb answers its poll: with that change only (so g1 did not answer it).
  const touch = await svc.api('PUT', '/v1/entities/b1', {
    name: 'b1',
    host: 'wb',
    port: 'p1',
    ips: ['10.9.0.12'],
    categories: { App: 'db' },
  });
  const g2 = Number(touch.headers.get('microseg-generation'));
  expect(touch.headers.get('microseg-affected-hosts')).toBe('wb');
  const forB = (await waiting).answer;
  expect(forB).toMatchObject({ full: false, since: b.view.generation, generation: g2 });
  if (forB.full) throw new Error('unreachable');
  expect(forB.upsert.entities!.map((e) => (e as { name: string }).name)).toEqual(['b1']);
  expect(g2).toBeGreaterThan(g1);
});

test('for one entity change at a few thousand entities an agent downloads under 1 % of its view; nothing when nothing changed', async () => {
  const N = 2000;
  const hosts = ['ba', 'bb', 'bc', 'bd'];
  await svc.store.create('category', { name: 'Zone', values: ['red', 'blue'] });
  for (const h of hosts) await svc.store.create('host', { name: h });
  const t0 = Date.now();
  for (let i = 0; i < N; i++) {
    await svc.store.create('entity', {
      name: `z${i}`,
      host: hosts[i % hosts.length],
      port: `p${i}`,
      ips: [`10.${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`],
      categories: { Zone: i % 2 ? 'red' : 'blue' },
    });
  }
  // Every host isolates red from blue: each view holds every entity.
  await svc.store.create('isolation_rule', {
    name: 'red-blue',
    mode: 'apply',
    groups: [{ categories: { Zone: ['red'] } }, { categories: { Zone: ['blue'] } }],
  });
  const setupMs = Date.now() - t0;
  const full = await view('ba');
  if (!full.answer.full) throw new Error('a first read is the whole view');
  expect(full.answer.view.entities).toHaveLength(N);

  const e = (await svc.api('GET', '/v1/entities/z17')).body;
  const moved = await svc.api('PUT', '/v1/entities/z17', {
    name: 'z17',
    host: e.host,
    port: e.port,
    ips: e.ips,
    categories: { Zone: 'blue' },
  });
  expect(moved.headers.get('microseg-affected-hosts')).toBe(hosts.join(','));
  const delta = await view('ba', `?since=${full.answer.view.generation}`);
  const ratio = delta.bytes / full.bytes;
  console.log(
    `agent_download_bytes_ratio: ${ratio.toFixed(5)} (${delta.bytes} bytes for one entity change, whole view ${full.bytes} bytes, ` +
      `${N} entities; set up in ${setupMs} ms)`,
  );
  expect(ratio).toBeLessThanOrEqual(0.01);
  // The delta applied to the view held is the view the service would send whole.
  if (delta.answer.full) throw new Error('the service knows the resume point');
  const now = await svc.api('GET', `/v1/agents/hosts/ba/view`, undefined, { as: 'agent:ba' });
  expect(applyDelta(full.answer.view, delta.answer)).toEqual((now.body as { view: PolicySnapshot }).view);

  // Nothing changed: an empty answer, however many times asked.
  const idle = await view('ba', `?since=${delta.answer.generation}&wait=0`);
  expect(idle.answer).toEqual({
    full: false,
    since: delta.answer.generation,
    generation: delta.answer.generation,
    upsert: {},
    remove: {},
  });
  console.log(`an unchanged view answers ${idle.bytes} bytes`);
}, 300_000);

test('a resume point the service does not know gets the whole view, marked full; another host is refused', async () => {
  const r = await view('ba', '?since=999999');
  expect(r.status).toBe(200);
  expect(r.answer.full).toBe(true);
  const other = await svc.api('GET', '/v1/agents/hosts/bb/view', undefined, { as: 'agent:ba' });
  expect([other.status, other.body.field]).toEqual([403, 'Authorization']);
  const unknown = await svc.api('GET', '/v1/agents/hosts/nowhere/view');
  expect([unknown.status, unknown.body.field]).toEqual([404, 'name']);
});

test('a dozen agents long-polling add no listener per poll (no MaxListenersExceededWarning); a change answers only the polls of its hosts', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const listeners = svc.store.listenerCount('views') + svc.store.listenerCount('generation');
    const since = { wa: svc.store.desiredGeneration('wa'), wb: svc.store.desiredGeneration('wb') };
    const answered: Record<'wa' | 'wb', number> = { wa: 0, wb: 0 };
    const poll = (h: 'wa' | 'wb') =>
      view(h, `?since=${since[h]}&wait=30`).then((r) => {
        answered[h]++;
        return r;
      });
    const polls = [...Array(7)].flatMap(() => [poll('wa'), poll('wb')]);
    // The policy long poll too (GET /v1/agents/policy?after=…).
    const policyPolls = [...Array(12)].map(() =>
      svc.api('GET', `/v1/agents/policy?after=${svc.store.generation()}&wait=30`),
    );
    await eventually('the 26 long polls wait', () => svc.app.agentPollsWaiting() === 26, { timeoutMs: 20_000 });
    expect(svc.store.listenerCount('views') + svc.store.listenerCount('generation')).toBe(listeners);
    const change = await svc.api('PUT', '/v1/entities/a1', {
      name: 'a1',
      host: 'wa',
      port: 'p1',
      ips: ['10.9.0.21'],
      categories: { App: 'web' },
    });
    expect(change.headers.get('microseg-affected-hosts')).toBe('wa');
    await eventually("wa's 7 polls answer", () => answered.wa === 7, { timeoutMs: 20_000 });
    for (const r of await Promise.all(policyPolls)) expect(r.body.generation).toBeGreaterThan(since.wa);
    // wb's polls still wait: the change did not touch its view.
    expect(answered.wb).toBe(0);
    await svc.api('PUT', '/v1/entities/b1', {
      name: 'b1',
      host: 'wb',
      port: 'p1',
      ips: ['10.9.0.22'],
      categories: { App: 'db' },
    });
    const answers = await Promise.all(polls);
    for (const { answer } of answers) expect(answer.full).toBe(false);
    expect(answered).toEqual({ wa: 7, wb: 7 });
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  } finally {
    process.off('warning', onWarning);
  }
}, 60_000);
