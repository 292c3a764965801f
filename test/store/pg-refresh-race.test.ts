/**
 * PostgreSQL: a write's own NOTIFY brings a refresh of the cache right after its COMMIT, while the write
 * still holds the cached model to apply its change to it. The refresh must not edit that model meanwhile
 * (it did: the write then found its object gone and answered 500 to a DELETE that was committed).
 * Here the refresh is started exactly in that window, from TypeORM's after-commit event of the write.
 */
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { PolicyStore } from '../../service/store/store';
import { startPostgres, type PgCluster } from '../support/postgres';
import { eventually } from '../../lab/eventually';

let pg: PgCluster;
let store: PolicyStore;
let ds: DataSource;

beforeAll(async () => {
  pg = await startPostgres();
  store = await PolicyStore.open(await pg.createDatabase());
  ds = (store as unknown as { ds: DataSource }).ds;
}, 120_000);
afterAll(async () => {
  await store?.close();
  await pg?.stop();
});

/** Whether a task waits for the store's lock (the refresh, queued behind the write that holds it). */
const queued = () => (store as unknown as { lock: { waiting: unknown[] } }).lock.waiting.length > 0;

/** Runs `write` with a refresh started after its COMMIT, and lets the write go on once that refresh adopted or waits. */
async function withRefreshAfterCommit<T>(write: () => Promise<T>): Promise<T> {
  let armed = true;
  let refreshed: Promise<number> | null = null;
  const subscriber: EntitySubscriberInterface = {
    async afterTransactionCommit() {
      if (!armed) return;
      armed = false;
      let settled = false;
      refreshed = store.refresh().finally(() => (settled = true));
      await eventually('the refresh adopted the database, or waits for the write', () => settled || queued(), {
        timeoutMs: 30_000,
      });
    },
  };
  ds.subscribers.push(subscriber);
  try {
    const result = await write();
    expect(refreshed).not.toBeNull();
    await refreshed;
    return result;
  } finally {
    ds.subscribers.splice(ds.subscribers.indexOf(subscriber), 1);
  }
}

test.each(['remove', 'update', 'rename'] as const)(
  '%s: a refresh right after COMMIT leaves the write its model, and the cache ends at the database',
  async (how) => {
    const name = `race-${how}`;
    await store.create('address_group', { name, cidrs: ['10.1.0.0/16'] });
    const renamed = how === 'rename' ? `${name}-2` : name;
    await withRefreshAfterCommit(async () => {
      if (how === 'remove') return store.remove('address_group', name);
      return store.replace('address_group', name, { name: renamed, cidrs: ['10.2.0.0/16'] });
    });
    const groups = (await store.getSnapshot()).address_groups.filter((g) => g.name.startsWith(name));
    expect(groups).toEqual(
      how === 'remove' ? [] : [expect.objectContaining({ name: renamed, cidrs: ['10.2.0.0/16'] })],
    );
  },
);

test('a host renamed with a refresh right after COMMIT answers its status under the new name (shared-db.test.ts)', async () => {
  await store.create('host', { name: 'race-hv' } as never);
  const report = { realized_generation: 1, flow_count: 1, reachable: true, last_error: null, drift_repairs: 0 };
  await store.reportHostStatus('race-hv', report);
  const renamed = await withRefreshAfterCommit(() => store.replace('host', 'race-hv', { name: 'race-hv2' } as never));
  expect(renamed.status).toMatchObject({ flow_count: 1 });
  expect((await store.hostStatus('race-hv2')).flow_count).toBe(1);
});
