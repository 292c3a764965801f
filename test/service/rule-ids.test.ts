/**
 * Rule ids (what flow cookies and ct_label carry) are assigned by the store:
 * unique among all rules whatever their names, kept across renames and
 * restarts, never handed out again, numbered on upgrade for rules that
 * existed before; on SQLite and on a real PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Initial1764230400000 } from '../../service/store/migrations/1764230400000-Initial';
import { SharedState1764230500000 } from '../../service/store/migrations/1764230500000-SharedState';
import { isPostgresUrl } from '../../service/store/data-source';
import { MAX_RULE_ID } from '../../service/store/store';
import { startPostgres, type PgCluster } from '../support/postgres';
import { startService, type TestService } from '../support/service';

let pg: PgCluster | null = null;
const dir = mkdtempSync('/tmp/msri-');
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Two names whose 32-bit FNV-1a hashes of "application_rule:<name>" are equal (0xcef1c744): the ids ct_label carried before.
const COLLIDING = ['r1jf9r', 'r2hb3a'];
const rule = (name: string) => ({ name, mode: 'apply', target: { categories: { Tier: ['db'] } } });

/** A raw connection without the service's entity mapping (to make or edit a database as an older version would). */
function rawDataSource(database: string, migrations: (new () => object)[] = []): DataSource {
  const common = { entities: [], migrations: migrations as never, migrationsRun: migrations.length > 0 };
  return isPostgresUrl(database)
    ? new DataSource({ type: 'postgres', url: database, ...common })
    : new DataSource({ type: 'better-sqlite3', database, ...common });
}

describe.each(['sqlite', 'postgres'] as const)('rule ids on %s', (backend) => {
  const newDatabase = async (name: string) => {
    if (backend === 'sqlite') return join(dir, `${name}.sqlite`);
    pg = pg ?? (await startPostgres());
    return pg.createDatabase();
  };
  const strict = (svc: TestService) => async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  test('unique whatever the names, kept across renames and restarts, never reused', async () => {
    const database = await newDatabase('ids');
    let svc = await startService({ database });
    try {
      let api = strict(svc);
      await api('POST', '/v1/categories', { name: 'Tier', values: ['db'] });
      const [a, b] = [
        await api('POST', '/v1/application-rules', rule(COLLIDING[0])),
        await api('POST', '/v1/application-rules', rule(COLLIDING[1])),
      ];
      const iso = await api('POST', '/v1/isolation-rules', {
        name: COLLIDING[0],
        mode: 'apply',
        groups: [{ categories: { Tier: ['db'] } }, { categories: {} }],
      });
      const ids = [a.rule_id, b.rule_id, iso.rule_id];
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(3);
      const snap = await api('GET', '/v1/agents/policy');
      expect(snap.application_rules.map((r: { name: string; id: number }) => [r.name, r.id])).toEqual([
        [COLLIDING[0], a.rule_id],
        [COLLIDING[1], b.rule_id],
      ]);

      // A rename keeps the id; a description change keeps it too.
      const renamed = await api('PUT', `/v1/application-rules/${COLLIDING[1]}`, {
        ...rule('renamed'),
        description: 'x',
      });
      expect(renamed.rule_id).toBe(b.rule_id);
      // The id is the service's: a client cannot set it.
      const set = await svc.api('PUT', '/v1/application-rules/renamed', { ...rule('renamed'), rule_id: 1 });
      expect([set.status, set.body.field]).toEqual([400, 'rule_id']);

      // Delete one, create another of the same name: a new id, never one handed out before.
      await api('DELETE', `/v1/application-rules/${COLLIDING[0]}`);
      const again = await api('POST', '/v1/application-rules', rule(COLLIDING[0]));
      expect(again.rule_id).toBeGreaterThan(Math.max(...ids));

      await svc.close();
      svc = await startService({ database });
      api = strict(svc);
      expect((await api('GET', '/v1/application-rules/renamed')).rule_id).toBe(b.rule_id);
      expect((await api('GET', `/v1/application-rules/${COLLIDING[0]}`)).rule_id).toBe(again.rule_id);
      const after = await api('POST', '/v1/quarantine-rules', { name: 'q', mode: 'apply' });
      expect(after.rule_id).toBe(again.rule_id + 1);
    } finally {
      await svc.close();
    }
  });

  test('rules of an older database are numbered on upgrade', async () => {
    const database = await newDatabase('upgrade');
    const old = rawDataSource(database, [Initial1764230400000, SharedState1764230500000]);
    await old.initialize();
    const now = new Date().toISOString();
    const row = (id: string, kind: string, name: string, body: object) => ({
      id,
      kind,
      name,
      version: 1,
      body: JSON.stringify({ name, ...body }),
      created_at: now,
      updated_at: now,
    });
    await old
      .createQueryBuilder()
      .insert()
      .into('objects')
      .values([
        row('00000000-0000-4000-8000-000000000001', 'category', 'Tier', { values: ['db'] }),
        ...COLLIDING.map((name, i) =>
          row(`00000000-0000-4000-8000-00000000001${i}`, 'application_rule', name, {
            mode: 'apply',
            target: { categories: { Tier: ['db'] } },
          }),
        ),
        row('00000000-0000-4000-8000-000000000020', 'quarantine_rule', 'q', { mode: 'apply' }),
      ])
      .execute();
    await old.destroy();

    const svc = await startService({ database });
    try {
      const api = strict(svc);
      const ids = [
        ...(await api('GET', '/v1/application-rules')).items,
        ...(await api('GET', '/v1/quarantine-rules')).items,
      ]
        .map((r: { rule_id: number }) => r.rule_id)
        .sort();
      expect(ids).toEqual([1, 2, 3]);
      expect((await api('GET', '/v1/categories/Tier')).rule_id).toBeUndefined();
      expect(
        (
          await api('POST', '/v1/isolation-rules', {
            name: 'i',
            mode: 'apply',
            groups: [{ categories: {} }, { categories: {} }],
          })
        ).rule_id,
      ).toBe(4);
    } finally {
      await svc.close();
    }
  });

  test('once every id was handed out, a new rule takes the lowest one no rule holds', async () => {
    const database = await newDatabase('wrap');
    let svc = await startService({ database });
    const api = () => strict(svc);
    try {
      await api()('POST', '/v1/categories', { name: 'Tier', values: ['db'] });
      for (const name of ['a', 'b', 'c']) await api()('POST', '/v1/application-rules', rule(name));
      await api()('DELETE', '/v1/application-rules/b');
      await svc.close();
      const raw = rawDataSource(database);
      await raw.initialize();
      await raw
        .createQueryBuilder()
        .update('meta')
        .set({ value: String(MAX_RULE_ID + 1) })
        .where('key = :key', { key: 'next_rule_id' })
        .execute();
      await raw.destroy();
      svc = await startService({ database });
      expect((await api()('POST', '/v1/application-rules', rule('d'))).rule_id).toBe(2);
      expect((await api()('POST', '/v1/application-rules', rule('e'))).rule_id).toBe(4);
    } finally {
      await svc.close();
    }
  });
});
