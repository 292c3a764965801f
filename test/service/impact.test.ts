/**
 * POST /v1/impact over HTTP: observed connections (stored through the flow
 * history, some two hours old) replayed on the current and a candidate
 * policy; validation as the real write, the window, counts by rule, and that
 * nothing is stored.
 */
import { startService, type TestService } from '../support/service';
import { FlowStore } from '../../service/observations/flow-store';
import { EntityIndex } from '../../service/observations/entity-index';
import type { ObservedConnectionT } from '../../service/model/observation';

let svc: TestService;

const conn = (
  src: string,
  dst: string,
  port: number,
  verdict: ObservedConnectionT['verdict'],
): ObservedConnectionT => ({
  src,
  dst,
  protocol: 'tcp',
  port,
  verdict,
  rule: verdict === 'allow' ? null : 'db-guard',
  rule_kind: verdict === 'allow' ? null : 'application',
  new: 2,
  active: 0,
});

const GUARD = (mode: string, extra: Record<string, unknown> = {}) => ({
  name: 'db-guard',
  mode,
  target: { categories: { AppTier: ['db'] } },
  inbound: [{ from: { categories: { AppTier: ['app'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
  ...extra,
});
const HOUR = 3_600_000;

async function ingest(at: number, connections: ObservedConnectionT[]): Promise<void> {
  const flows = new FlowStore(svc.store.flows, { maxEntries: 1000, retentionMs: 24 * HOUR, now: () => at });
  await flows.ingest('hb', { connections }, new EntityIndex(await svc.store.getSnapshot()));
}

const impact = (body: unknown, as: 'admin' | 'reader' = 'admin') => svc.api('POST', '/v1/impact', body, { as });

beforeAll(async () => {
  svc = await startService();
  const ok = async (path: string, body: unknown) => {
    const r = await svc.api('POST', path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await ok('/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
  await ok('/v1/hosts', { name: 'ha' });
  await ok('/v1/hosts', { name: 'hb' });
  const entity = (name: string, ip: string, tier: string) =>
    ok('/v1/entities', { name, host: 'hb', port: `vm-${name}`, ips: [ip], categories: { AppTier: tier } });
  await entity('web1', '10.9.0.11', 'web');
  await entity('app1', '10.9.0.21', 'app');
  await entity('db1', '10.9.0.31', 'db');
  await ok('/v1/application-rules', GUARD('monitor'));
  const now = Date.now();
  await ingest(now - 60_000, [
    conn('10.9.0.21', '10.9.0.31', 5432, 'allow'), // allowed by the rule's entry
    conn('10.9.0.11', '10.9.0.31', 5432, 'would-deny'),
    conn('10.9.0.21', '10.9.0.31', 22, 'would-deny'),
    conn('10.9.0.11', '10.9.0.21', 80, 'allow'), // app1 is no target: default allow
  ]);
  await ingest(now - 2 * HOUR, [conn('10.9.0.11', '10.9.0.31', 443, 'would-deny')]);
});
afterAll(async () => {
  await svc?.close();
});

const cells = (flips: { source: string; destination: string; protocol: string; port: number | null }[]) =>
  flips.map((f) => `${f.source}→${f.destination} ${f.protocol}/${f.port}`).sort();

test('monitor → apply: the would-deny connections of the window flip to deny, with the rule on both sides', async () => {
  const before = await svc.store.listAll();
  const r = await impact(
    { changes: [{ action: 'replace', kind: 'application_rule', name: 'db-guard', body: GUARD('apply') }] },
    'reader',
  );
  expect(r.status).toBe(200);
  expect(r.body.window.seconds).toBe(86_400);
  expect(cells(r.body.flips)).toEqual(['app1→db1 tcp/22', 'web1→db1 tcp/443', 'web1→db1 tcp/5432']);
  for (const f of r.body.flips) {
    expect(f.from).toEqual({ verdict: 'would-deny', layer: 'application', rule: 'db-guard', mode: 'monitor' });
    expect(f.to).toEqual({ verdict: 'deny', layer: 'application', rule: 'db-guard', mode: 'apply' });
    expect(f.count).toBe(2);
  }
  expect(r.body.replayed).toBe(5);
  expect(r.body.by_rule).toEqual([{ rule: 'db-guard', kind: 'application', connections: 3, count: 6 }]);
  // Nothing stored: the rule is still in monitor, at the same version, and the generation did not move.
  expect(await svc.store.listAll()).toEqual(before);
});

test('window: a 1h window leaves out the connection last seen two hours ago, and says so', async () => {
  const r = await impact({
    window: '1h',
    changes: [{ action: 'replace', kind: 'application_rule', name: 'db-guard', body: GUARD('apply') }],
  });
  expect(r.status).toBe(200);
  expect(r.body.window.seconds).toBe(3600);
  expect(Date.parse(r.body.window.until) - Date.parse(r.body.window.since)).toBe(HOUR);
  expect(cells(r.body.flips)).toEqual(['app1→db1 tcp/22', 'web1→db1 tcp/5432']);
  expect(r.body.replayed).toBe(4);
});

test('a change that affects no observed connection answers no flips', async () => {
  const r = await impact({
    changes: [
      {
        action: 'replace',
        kind: 'application_rule',
        name: 'db-guard',
        body: GUARD('monitor', { description: 'the same rule, described' }),
      },
      { action: 'create', kind: 'category', body: { name: 'Env', values: ['prod'] } },
    ],
  });
  expect(r.status).toBe(200);
  expect(r.body.flips).toEqual([]);
  expect(r.body.by_rule).toEqual([]);
});

test('several changes apply in order: a new apply rule and deleting the monitor rule, counted by rule', async () => {
  const r = await impact({
    changes: [
      {
        action: 'create',
        kind: 'application_rule',
        body: { ...GUARD('apply'), name: 'db-strict', inbound: [] },
      },
      { action: 'delete', kind: 'application_rule', name: 'db-guard' },
    ],
  });
  expect(r.status).toBe(200);
  // db-strict denies everything to db1; app1→db1 tcp/5432 was allowed, the rest would-deny.
  expect(cells(r.body.flips)).toEqual([
    'app1→db1 tcp/22',
    'app1→db1 tcp/5432',
    'web1→db1 tcp/443',
    'web1→db1 tcp/5432',
  ]);
  const allowed = r.body.flips.find((f: { port: number; source: string }) => f.source === 'app1' && f.port === 5432);
  expect(allowed.from).toMatchObject({ verdict: 'allow', rule: 'db-guard' });
  expect(allowed.to).toMatchObject({ verdict: 'deny', rule: 'db-strict' });
  expect(r.body.by_rule).toEqual([{ rule: 'db-strict', kind: 'application', connections: 4, count: 8 }]);
});

test('an entity readdressed or retagged is judged as it will be', async () => {
  const r = await impact({
    changes: [
      {
        action: 'replace',
        kind: 'entity',
        name: 'web1',
        body: { name: 'web1', host: 'hb', port: 'vm-web1', ips: ['10.9.0.11'], categories: { AppTier: 'app' } },
      },
    ],
  });
  expect(r.status).toBe(200);
  // As an app-tier VM web1 is allowed to db1 tcp/5432 by the rule's entry.
  expect(cells(r.body.flips)).toEqual(['web1→db1 tcp/5432']);
  expect(r.body.flips[0].from.verdict).toBe('would-deny');
  expect(r.body.flips[0].to).toMatchObject({ verdict: 'allow', rule: 'db-guard' });
});

describe('validation as the real write, naming the field under changes[i]', () => {
  const replace = (body: unknown) => ({ action: 'replace', kind: 'application_rule', name: 'db-guard', body });
  test('schema: a bad peer is 400 at changes[1].body.inbound[0].from', async () => {
    const r = await impact({
      changes: [
        { action: 'create', kind: 'category', body: { name: 'Env', values: ['prod'] } },
        replace({ ...GUARD('apply'), inbound: [{ from: { colour: 'red' } }] }),
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('bad_request');
    expect(r.body.field).toBe('changes[1].body.inbound[0].from.colour');
    expect(r.body.message).toContain('changes[1].body.inbound[0].from.colour');
  });
  test('semantic: an empty peer is 422 at changes[0].body.inbound[0].from', async () => {
    const r = await impact({ changes: [replace({ ...GUARD('apply'), inbound: [{ from: {} }] })] });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: 'invalid', field: 'changes[0].body.inbound[0].from' });
  });
  test('integrity: an unknown category value is 422; one created by an earlier change is accepted', async () => {
    const uses = (tier: string) =>
      replace({ ...GUARD('apply'), inbound: [{ from: { categories: { AppTier: [tier] } } }] });
    const bad = await impact({ changes: [uses('cache')] });
    expect(bad.status).toBe(422);
    expect(bad.body.field).toBe('changes[0].body.inbound[0].from.categories.AppTier[0]');
    const good = await impact({
      changes: [
        {
          action: 'replace',
          kind: 'category',
          name: 'AppTier',
          body: { name: 'AppTier', values: ['web', 'app', 'db', 'cache'] },
        },
        uses('cache'),
      ],
    });
    expect(good.status).toBe(200);
  });
  test('existence and use: replacing a missing object is 404, deleting a used category 409, a duplicate create 409', async () => {
    const missing = await impact({ changes: [{ ...replace(GUARD('apply')), name: 'nope' }] });
    expect(missing.status).toBe(404);
    expect(missing.body.field).toBe('changes[0].name');
    const used = await impact({ changes: [{ action: 'delete', kind: 'category', name: 'AppTier' }] });
    expect(used.status).toBe(409);
    expect(used.body).toMatchObject({ error: 'in_use', field: 'changes[0].name' });
    const dup = await impact({ changes: [{ action: 'create', kind: 'application_rule', body: GUARD('apply') }] });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'already_exists', field: 'changes[0].body.name' });
  });
  test('the envelope and the window: 400 naming the field', async () => {
    const kind = await impact({ changes: [{ action: 'create', kind: 'rule', body: {} }] });
    expect(kind.status).toBe(400);
    expect(kind.body.field).toBe('changes[0].kind');
    const window = await impact({ window: 'yesterday', changes: [] });
    expect(window.status).toBe(400);
    expect(window.body.field).toBe('window');
  });
});
