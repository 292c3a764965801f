/**
 * SQLite: every statement of a process shares one connection, so a read
 * that ran while a write's transaction was open would see rows that may
 * still roll back. A write here is held open (its INSERT, wrapped, awaits
 * inside the transaction) while another request reads, and then fails; the
 * read must not have seen its row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyStore } from '../../service/store/store';
import type { ObjectRow } from '../../service/store/entities';
import type { SqliteWrites } from '../../service/store/write-tx';

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
  // The way into an open transaction from outside: the store's own prepared insert (service/store/write-tx.ts),
  // wrapped so that after its INSERT the event loop turns with the transaction open, and then the write fails.
  const writes = (store as unknown as { sqlite: SqliteWrites }).sqlite;
  const reads: Promise<string>[] = [];
  const insert = writes.insertObject;
  writes.insertObject = async (row: ObjectRow) => {
    await insert.call(writes, row);
    if (row.name !== 'Ghost') return;
    reads.push(
      store.get('category', 'Ghost').then(
        () => 'seen',
        (e: { code?: string }) => `absent (${e.code})`,
      ),
    );
    reads.push(store.list('category').then((items) => (items.some((c) => c.name === 'Ghost') ? 'seen' : 'absent')));
    await new Promise((r) => setImmediate(r)); // the event loop turns with this transaction open
    throw new Error('this write fails after its INSERT');
  };
  try {
    await expect(store.create('category', { name: 'Ghost', values: [] } as never)).rejects.toThrow(
      /fails after its INSERT/,
    );
  } finally {
    writes.insertObject = insert;
  }
  expect(await Promise.all(reads)).toEqual(['absent (not_found)', 'absent']);
  await expect(store.get('category', 'Ghost')).rejects.toMatchObject({ code: 'not_found' });
  // Committed writes are seen at once.
  await store.create('category', { name: 'Real', values: [] } as never);
  expect((await store.get('category', 'Real')).name).toBe('Real');
});
