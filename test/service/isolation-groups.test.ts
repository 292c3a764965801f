/**
 * Isolation rules stored by an older version as `{ first, second }` read back
 * as `{ groups: [first, second] }` after the upgrade, and decide as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Initial1764230400000 } from '../../service/store/migrations/1764230400000-Initial';
import { SharedState1764230500000 } from '../../service/store/migrations/1764230500000-SharedState';
import { RuleIds1796117786977 } from '../../service/store/migrations/1796117786977-RuleIds';
import { startService } from '../support/service';

const dir = mkdtempSync('/tmp/msig-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an isolation rule of an older database keeps its two groups and its verdict', async () => {
  const database = join(dir, 'old.sqlite');
  const old = new DataSource({
    type: 'better-sqlite3',
    database,
    entities: [],
    migrations: [Initial1764230400000, SharedState1764230500000, RuleIds1796117786977],
    migrationsRun: true,
  });
  await old.initialize();
  const now = new Date().toISOString();
  const row = (id: string, kind: string, name: string, body: object, ruleId: number | null = null) => ({
    id,
    kind,
    name,
    version: 1,
    body: JSON.stringify({ name, ...body }),
    created_at: now,
    updated_at: now,
    rule_id: ruleId,
  });
  await old
    .createQueryBuilder()
    .insert()
    .into('objects')
    .values([
      row('00000000-0000-4000-8000-000000000001', 'category', 'Env', { values: ['prod', 'dev'] }),
      row('00000000-0000-4000-8000-000000000002', 'host', 'h', {}),
      row('00000000-0000-4000-8000-000000000003', 'entity', 'p', {
        host: 'h',
        port: 'p1',
        ips: ['10.0.0.1'],
        categories: { Env: 'prod' },
      }),
      row('00000000-0000-4000-8000-000000000004', 'entity', 'd', {
        host: 'h',
        port: 'p2',
        ips: ['10.0.0.2'],
        categories: { Env: 'dev' },
      }),
      row(
        '00000000-0000-4000-8000-000000000005',
        'isolation_rule',
        'envs',
        { mode: 'apply', first: { categories: { Env: ['prod'] } }, second: { categories: { Env: ['dev'] } } },
        1,
      ),
    ])
    .execute();
  await old.destroy();

  const svc = await startService({ database });
  try {
    const got = await svc.api('GET', '/v1/isolation-rules/envs');
    expect([got.status, got.body.groups, got.body.first, got.body.second]).toEqual([
      200,
      [{ categories: { Env: ['prod'] } }, { categories: { Env: ['dev'] } }],
      undefined,
      undefined,
    ]);
    const r = await svc.api('GET', '/v1/reachability?src=p&dst=d&protocol=tcp&port=22');
    expect(r.body).toMatchObject({ verdict: 'deny', layer: 'isolation', rule: 'envs' });
  } finally {
    await svc.close();
  }
});
