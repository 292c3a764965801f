/**
 * `microseg impact PLAN.json`: the plan's microseg changes as POST /v1/impact
 * takes them (planChanges, pure), and the CLI as operators run it against a
 * real service: exit 2 with the flips, 0 with none, 1 on a bad file or a
 * change the service refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { planChanges } from '../../cli/plan-changes';
import { startService, type TestService } from '../support/service';
import { runCli } from '../support/cli';
import { createMonitoringPlugin } from '../../service/observations/monitoring';

const RULE = (mode: string) => ({
  name: 'db-guard',
  description: '',
  mode,
  target: { categories: { AppTier: ['db'] } },
  inbound: [
    {
      from: { categories: { AppTier: ['app'] }, cidrs: null },
      to: null,
      services: [{ protocol: 'tcp', ports: ['5432'] }],
    },
  ],
  outbound_policy: 'allow_all',
  outbound: [],
  intra_group: 'deny',
  log: false,
  id: 'x',
  version: 1,
  rule_id: 3,
  created_at: 't',
  updated_at: 't',
});
const change = (type: string, actions: string[], before: unknown, after: unknown, after_unknown: unknown = {}) => ({
  address: `${type}.x`,
  mode: 'managed',
  type,
  change: { actions, before, after, after_unknown },
});

describe('planChanges', () => {
  test('update → replace with the body only (no computed attributes, no nulls); computed unknowns do not count', () => {
    const p = planChanges({
      format_version: '1.2',
      resource_changes: [
        change('microseg_application_rule', ['update'], RULE('monitor'), RULE('apply'), {
          version: true,
          updated_at: true,
        }),
      ],
    });
    expect(p.skipped).toEqual([]);
    const { id: _i, version: _v, rule_id: _r, created_at: _c, updated_at: _u, ...body } = RULE('apply');
    expect(p.changes).toEqual([
      {
        action: 'replace',
        kind: 'application_rule',
        name: 'db-guard',
        body: {
          ...body,
          inbound: [{ from: { categories: { AppTier: ['app'] } }, services: body.inbound[0].services }],
        },
      },
    ]);
  });

  test('order: rule deletes, then creates by kind (categories first), then other deletes last; no-ops and other providers skipped', () => {
    const p = planChanges({
      format_version: '1.2',
      resource_changes: [
        change('microseg_entity', ['create'], null, { name: 'e1', host: 'h', port: 'p', ips: ['10.0.0.1'] }),
        change('microseg_category', ['delete'], { name: 'Old', values: [] }, null),
        change('microseg_application_rule', ['delete'], RULE('apply'), null),
        change('microseg_category', ['create'], null, { name: 'New', values: ['a'] }),
        change('microseg_host', ['no-op'], { name: 'h' }, { name: 'h' }),
        change('null_resource', ['create'], null, {}),
      ],
    });
    expect(p.changes.map((c) => `${c.action} ${c.kind} ${c.name ?? (c.body as { name: string }).name}`)).toEqual([
      'delete application_rule db-guard',
      'create category New',
      'create entity e1',
      'delete category Old',
    ]);
  });

  test('a replacement keeping the name is one replace; a renaming replacement is delete + create; unknown body values skip', () => {
    const p = planChanges({
      format_version: '1.2',
      resource_changes: [
        change('microseg_host', ['delete', 'create'], { name: 'h1' }, { name: 'h1', bridge: 'br.x' }),
        change('microseg_category', ['create', 'delete'], { name: 'A', values: [] }, { name: 'B', values: [] }),
        change('microseg_entity', ['create'], null, { name: 'e2', ips: null }, { ips: true }),
      ],
    });
    expect(p.changes.map((c) => `${c.action} ${c.kind} ${c.name ?? ''}`.trim())).toEqual([
      'create category',
      'replace host h1',
      'delete category A',
    ]);
    expect(p.skipped).toEqual(['microseg_entity.x: values known only at apply']);
  });

  test('not a plan: a clear error', () => {
    expect(() => planChanges([1, 2])).toThrow(/terraform show -json/);
  });
});

describe('microseg impact against a real service', () => {
  let svc: TestService;
  const tmp = mkdtempSync(join(tmpdir(), 'msic-'));
  const run = (args: string[]) => runCli(svc.url, args);
  const planFile = (name: string, mode: string, extra: Record<string, unknown> = {}) => {
    const file = join(tmp, name);
    writeFileSync(
      file,
      JSON.stringify({
        format_version: '1.2',
        resource_changes: [
          change(
            'microseg_application_rule',
            ['update'],
            RULE('monitor'),
            { ...RULE(mode), ...extra },
            { version: true },
          ),
        ],
      }),
    );
    return file;
  };

  beforeAll(async () => {
    svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: 100, retentionMs: 3_600_000 })] });
    const ok = async (path: string, body: unknown) => {
      const r = await svc.api('POST', path, body);
      if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    await ok('/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
    await ok('/v1/hosts', { name: 'hb' });
    await ok('/v1/entities', {
      name: 'web1',
      host: 'hb',
      port: 'p1',
      ips: ['10.8.0.11'],
      categories: { AppTier: 'web' },
    });
    await ok('/v1/entities', {
      name: 'db1',
      host: 'hb',
      port: 'p3',
      ips: ['10.8.0.31'],
      categories: { AppTier: 'db' },
    });
    const { id: _i, version: _v, rule_id: _r, created_at: _c, updated_at: _u, ...rule } = RULE('monitor');
    await ok('/v1/application-rules', { ...rule, inbound: [{ from: { categories: { AppTier: ['app'] } } }] });
    const report = await svc.api(
      'POST',
      '/v1/agents/hosts/hb/observations',
      {
        connections: [
          {
            src: '10.8.0.11',
            dst: '10.8.0.31',
            protocol: 'tcp',
            port: 5432,
            verdict: 'would-deny',
            rule: 'db-guard',
            rule_kind: 'application',
            new: 3,
            active: 1,
          },
        ],
      },
      { as: 'agent:hb' },
    );
    expect(report.status).toBe(204);
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('flips: the warning lines, each flip with both rules, exit 2', async () => {
    const r = await run(['impact', planFile('apply.json', 'apply')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^1 observed connection would be denied: web1 → db1 tcp\/5432 \(last seen \d+ s ago\)$/m);
    expect(r.stdout).toContain('would-deny (db-guard, monitor) → deny (db-guard, apply)  ×3');
    expect(r.stdout).toMatch(/^ {2}db-guard {2}1 connections, 3 observed$/m);
  });

  test('no flips: exit 0; a refused change or a bad file: exit 1 with one line', async () => {
    const none = await run(['impact', planFile('same.json', 'monitor', { description: 'described' })]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^No observed connection changes verdict/);
    const refused = await run([
      'impact',
      planFile('bad.json', 'apply', { target: { categories: { AppTier: ['cache'] } } }),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^microseg: 422: .*\(field changes\[0\]\.body\.target\.categories\.AppTier\[0\]\)\n$/,
    );
    writeFileSync(join(tmp, 'junk.json'), 'not json');
    const junk = await run(['impact', join(tmp, 'junk.json')]);
    expect(junk.code).toBe(1);
    expect(junk.stderr.split('\n')[0]).toMatch(/^microseg: .*junk\.json: /);
  });
});
