/**
 * SQLite: every statement of a process shares one connection, so a read
 * that ran while a write's transaction was open would see rows that may
 * still roll back. A write here is held open (a subscriber awaits inside the
 * transaction, after its INSERT) while another request reads, and then
 * fails; the read must not have seen its row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, EntitySubscriberInterface, InsertEvent } from 'typeorm';
import { PolicyStore } from '../../service/store/store';
import type { ObjectRow } from '../../service/store/entities';

const dir = mkdtempSync(join(tmpdir(), `microseg-iso-${process.pid}-`));
let store: PolicyStore;

beforeAll(async () => {
  store = await PolicyStore.open(join(dir, 'policy.sqlite'));
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a read never sees another request's uncommitted (and then rolled back) row", async () => {
  // The only way into an open transaction from outside: a TypeORM subscriber on the store's own DataSource.
  const ds = (store as unknown as { ds: DataSource }).ds;
  const reads: Promise<string>[] = [];
  const holdOpen: EntitySubscriberInterface<ObjectRow> = {
    async afterInsert(event: InsertEvent<ObjectRow>) {
      if (event.entity?.name !== 'Ghost') return;
      reads.push(
        store.get('category', 'Ghost').then(
          () => 'seen',
          (e: { code?: string }) => `absent (${e.code})`,
        ),
      );
      reads.push(store.list('category').then((items) => (items.some((c) => c.name === 'Ghost') ? 'seen' : 'absent')));
      await new Promise((r) => setImmediate(r)); // the event loop turns with this transaction open
      throw new Error('this write fails after its INSERT');
    },
  };
  (ds.subscribers as EntitySubscriberInterface[]).push(holdOpen);
  try {
    await expect(store.create('category', { name: 'Ghost', values: [] } as never)).rejects.toThrow(
      /fails after its INSERT/,
    );
  } finally {
    (ds.subscribers as EntitySubscriberInterface[]).splice(ds.subscribers.indexOf(holdOpen), 1);
  }
  expect(await Promise.all(reads)).toEqual(['absent (not_found)', 'absent']);
  await expect(store.get('category', 'Ghost')).rejects.toMatchObject({ code: 'not_found' });
  // Committed writes are seen at once.
  await store.create('category', { name: 'Real', values: [] } as never);
  expect((await store.get('category', 'Real')).name).toBe('Real');
});
