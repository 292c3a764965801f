/**
 * SQLite group commit (service/store/store.ts, `commitGroup`): writes that arrive together share one
 * transaction, each in its own savepoint. A write that fails gets its own error and undoes only its own
 * statements; the others land, each with its own generation and version; one COMMIT covers them; and a
 * COMMIT that fails leaves none of them, in the file or in what the process serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyStore } from '../../service/store/store';
import type { SqliteWrites } from '../../service/store/write-tx';

const dir = mkdtempSync(join(tmpdir(), `microseg-group-${process.pid}-`));
const file = join(dir, 'policy.sqlite');
let store: PolicyStore;

const sqliteOf = (s: PolicyStore) => (s as unknown as { sqlite: SqliteWrites }).sqlite;
const entity = (name: string, ip: string, tier = 'web') =>
  ({ name, host: 'h1', port: `p-${name}`, ips: [ip], categories: { Tier: tier } }) as never;
const settle = <T>(ps: Promise<T>[]) =>
  Promise.allSettled(ps).then((rs) =>
    rs.map((r) =>
      r.status === 'fulfilled'
        ? 'ok'
        : `${(r.reason as { code?: string }).code} ${(r.reason as { field?: string }).field}`,
    ),
  );

/** Counts the store's COMMITs until `stop()`. */
function countCommits(s: PolicyStore): { count: number; stop(): void } {
  const sqlite = sqliteOf(s);
  const commit = sqlite.commit;
  const counter = {
    count: 0,
    stop: () => {
      sqlite.commit = commit;
    },
  };
  sqlite.commit = () => {
    counter.count++;
    commit.call(sqlite);
  };
  return counter;
}

beforeAll(async () => {
  store = await PolicyStore.open(file);
  await store.create('category', { name: 'Tier', values: ['web', 'app'] } as never);
  await store.create('host', { name: 'h1', uplinks: ['uplink'] } as never);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('concurrent writes with invalid ones among them: the valid land, each invalid one gets its own error', async () => {
  const commits = countCommits(store);
  const before = store.generation();
  const generations: number[] = [];
  const listener = (g: number) => generations.push(g);
  store.on('generation', listener);
  try {
    const results = await settle([
      store.create('entity', entity('e0', '10.1.0.1')),
      store.create('entity', entity('e1', '10.1.0.2')),
      store.create('entity', entity('bad-value', '10.1.0.3', 'nope')), // no such category value
      store.create('entity', entity('e2', '10.1.0.4')),
      store.create('entity', entity('e0', '10.1.0.5')), // the name the first write of the group took
      store.create('entity', entity('e3', '10.1.0.6')),
      store.create('entity', entity('same-ip', '10.1.0.1')), // e0's address, taken earlier in the group
      store.create('entity', entity('e4', '10.1.0.7')),
    ]);
    expect(results).toEqual([
      'ok',
      'ok',
      expect.stringMatching(/^\w+ categories/),
      'ok',
      'already_exists name',
      'ok',
      expect.stringMatching(/^\w+ ips/),
      'ok',
    ]);
    console.log(`8 concurrent writes, ${commits.count} COMMIT(s)`);
    // Counts, not times: the 8 are queued in one turn of the event loop and better-sqlite3 is synchronous, so
    // which writes join a group follows from the order of promises, the same on a busy machine.
    expect(commits.count).toBeLessThan(8); // they shared a transaction
  } finally {
    commits.stop();
    store.off('generation', listener);
  }
  // One generation per write that landed, announced in order after the commit.
  expect(store.generation()).toBe(before + 5);
  expect(generations).toEqual([1, 2, 3, 4, 5].map((i) => before + i));
  for (const n of ['e0', 'e1', 'e2', 'e3', 'e4']) expect((await store.get('entity', n)).version).toBe(1);
  expect((await store.get('entity', 'e0')).ips).toEqual(['10.1.0.1']);
  await expect(store.get('entity', 'bad-value')).rejects.toMatchObject({ code: 'not_found' });
  await expect(store.get('entity', 'same-ip')).rejects.toMatchObject({ code: 'not_found' });

  // Committed: a process that opens the file afterwards reads the same.
  await store.close();
  store = await PolicyStore.open(file);
  expect(store.generation()).toBe(before + 5);
  expect((await store.list('entity')).map((e) => e.name)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
});

test('a COMMIT that fails leaves none of its group: not in the file, not in what the process serves', async () => {
  const sqlite = sqliteOf(store);
  const commit = sqlite.commit;
  sqlite.commit = () => {
    sqlite.commit = commit;
    throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
  };
  const before = store.generation();
  const results = await settle([
    store.create('entity', entity('lost1', '10.2.0.1')),
    store.create('entity', entity('lost2', '10.2.0.2')),
  ]);
  expect(results).toEqual(['SQLITE_IOERR undefined', 'SQLITE_IOERR undefined']);
  expect(store.generation()).toBe(before);
  await expect(store.get('entity', 'lost1')).rejects.toMatchObject({ code: 'not_found' });
  expect((await store.list('entity')).map((e) => e.name)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  // The model was read again: the names and the address are free, and the next write lands.
  const made = await store.create('entity', entity('lost1', '10.2.0.1'));
  expect(made.version).toBe(1);
  expect(store.generation()).toBe(before + 1);
});

test('a group takes at most GROUP_MAX writes: a longer burst commits in several groups, and every write lands', async () => {
  const commits = countCommits(store);
  const before = store.generation();
  try {
    const names = Array.from({ length: 70 }, (_, i) => `burst${i}`);
    const results = await settle(names.map((n, i) => store.create('entity', entity(n, `10.3.0.${i + 1}`))));
    expect(results).toEqual(names.map(() => 'ok'));
    console.log(`70 concurrent writes, ${commits.count} COMMIT(s)`);
    // Counts again (queued in one turn, as above): the cap makes at least 3 groups, sharing makes fewer than 70.
    expect(commits.count).toBeGreaterThanOrEqual(3); // 32 + 32 + 6 at most per group
    expect(commits.count).toBeLessThan(70);
  } finally {
    commits.stop();
  }
  expect(store.generation()).toBe(before + 70);
  const listed = new Set((await store.list('entity')).map((e) => e.name));
  for (let i = 0; i < 70; i++) expect(listed.has(`burst${i}`)).toBe(true);
});
