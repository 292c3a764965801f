/**
 * The SQLite write statements (service/store/write-tx.ts, prepared by hand from the entities' metadata)
 * against the schema the migrations made: each is run next to the same call through TypeORM's
 * EntityManager (the PostgreSQL implementation, here on the same SQLite file), and what each wrote is read
 * back through TypeORM, so a statement that disagrees with the schema or with TypeORM's mapping fails here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { PolicyStore } from '../../service/store/store';
import { HostStatusEntity, MetaEntity, ObjectEntity, type ObjectRow } from '../../service/store/entities';
import { ormWriteTx, SqliteWrites, type WriteTx } from '../../service/store/write-tx';

const dir = mkdtempSync(join(tmpdir(), `microseg-wtx-${process.pid}-`));
let store: PolicyStore;
let ds: DataSource;
let prepared: SqliteWrites;
let orm: WriteTx;

beforeAll(async () => {
  store = await PolicyStore.open(join(dir, 'policy.sqlite'));
  ds = (store as unknown as { ds: DataSource }).ds;
  prepared = new SqliteWrites(ds);
  orm = ormWriteTx(ds.manager);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (name: string, rule_id: number | null): ObjectRow => ({
  id: `id-${name}`,
  kind: 'application_rule',
  name,
  version: 1,
  body: JSON.stringify({ name, note: 'ü "quoted" \\ text' }),
  created_at: '2026-12-01T15:00:00.000Z',
  updated_at: '2026-12-01T15:00:00.000Z',
  rule_id,
});
const both = { prepared: () => prepared, orm: () => orm };

test.each(Object.entries(both))(
  '%s: insert, find, update at a version, delete, as TypeORM reads them',
  async (how, tx) => {
    const written = row(`r-${how}`, how === 'prepared' ? 900001 : 900002);
    await tx().insertObject(written);
    expect(await ds.manager.findOneBy(ObjectEntity, { id: written.id })).toEqual(written);
    // What each finds is what TypeORM finds, types included (integers, null).
    expect(await tx().findObject(written.kind, written.name)).toEqual(written);
    expect(await tx().findObject(written.kind, 'absent')).toBeNull();
    const change = {
      name: `${written.name}-2`,
      version: 2,
      body: '{"renamed":true}',
      updated_at: '2026-12-01T16:00:00.000Z',
    };
    expect(await tx().updateObject(written.id, 5, change)).toBe(false); // a stale version loses
    expect(await ds.manager.findOneBy(ObjectEntity, { id: written.id })).toEqual(written);
    expect(await tx().updateObject(written.id, 1, change)).toBe(true);
    expect(await ds.manager.findOneBy(ObjectEntity, { id: written.id })).toEqual({ ...written, ...change });
    expect(await tx().usedRuleIds()).toEqual(
      (await ds.manager.find(ObjectEntity))
        .map((r) => r.rule_id)
        .filter((id) => id !== null)
        .sort((a, b) => a! - b!),
    );
    await tx().deleteObject(written.id);
    expect(await ds.manager.findOneBy(ObjectEntity, { id: written.id })).toBeNull();
  },
);

test.each(Object.entries(both))('%s: meta and host status rows, as TypeORM reads them', async (how, tx) => {
  const key = `test_${how}`;
  await ds.manager.insert(MetaEntity, { key, value: '1' });
  await tx().setMeta(key, '42');
  expect(await ds.manager.findOneBy(MetaEntity, { key })).toEqual({ key, value: '42' });
  expect(await tx().meta()).toEqual(new Map((await ds.manager.find(MetaEntity)).map((r) => [r.key, r.value])));
  await ds.manager.insert(HostStatusEntity, { host: `a-${how}`, report: '{}', reported_at: '1' });
  await tx().renameStatus(`a-${how}`, `b-${how}`);
  expect(await ds.manager.findOneBy(HostStatusEntity, { host: `a-${how}` })).toBeNull();
  expect((await ds.manager.findOneBy(HostStatusEntity, { host: `b-${how}` }))?.report).toBe('{}');
  await tx().deleteStatus(`b-${how}`);
  expect(await ds.manager.findOneBy(HostStatusEntity, { host: `b-${how}` })).toBeNull();
});

const inTransaction = () =>
  (ds.driver as unknown as { databaseConnection: { inTransaction: boolean } }).databaseConnection.inTransaction;
const names = async () =>
  (await ds.manager.findBy(ObjectEntity, { kind: 'application_rule' })).map((r) => r.name).sort();

test('a group: a savepoint that fails undoes its own statements only, COMMIT keeps the others', async () => {
  const before = await names();
  prepared.begin();
  await prepared.savepoint(async (tx) => tx.insertObject(row('kept', null)));
  await expect(
    prepared.savepoint(async (tx) => {
      await tx.insertObject(row('ghost', null));
      await tx.setMeta('revision', '999999');
      throw new Error('fails before RELEASE');
    }),
  ).rejects.toThrow('fails before RELEASE');
  // A statement that fails inside (the id is taken): its savepoint is undone, the row before it included.
  await expect(
    prepared.savepoint(async (tx) => {
      await tx.insertObject(row('other', null));
      await tx.insertObject({ ...row('kept', null), name: 'kept-2' });
    }),
  ).rejects.toThrow(/UNIQUE|PRIMARY/);
  await prepared.savepoint(async (tx) => tx.insertObject(row('after', null)));
  expect(inTransaction()).toBe(true);
  prepared.commit();
  expect(inTransaction()).toBe(false);
  expect(await names()).toEqual([...before, 'after', 'kept'].sort());
  expect((await ds.manager.findOneBy(MetaEntity, { key: 'revision' }))?.value).not.toBe('999999');
});

test('a group rolled back (a failed COMMIT) leaves nothing behind, and the connection out of any transaction', async () => {
  const before = await names();
  prepared.begin();
  await prepared.savepoint(async (tx) => tx.insertObject(row('undone', null)));
  prepared.rollback();
  expect(inTransaction()).toBe(false);
  expect(await names()).toEqual(before);
  // Rolling back with no transaction open (SQLite already ended it) is not an error.
  prepared.rollback();
  expect(inTransaction()).toBe(false);
});
