/**
 * A pooled PostgreSQL client (pg-client.ts: boundedClient) whose connection the
 * server terminates while nobody holds it (no pool, no query runner listening)
 * must not crash the process: pg emits the server's FATAL as an 'error' event,
 * which without a listener is thrown. Real PostgreSQL, fast shutdown.
 */
import { boundedClient, DEFAULT_DB_TIMEOUTS } from '../../service/store/pg-client';
import { startPostgres, type PgCluster } from '../support/postgres';
import { eventually, margin } from '../../lab/eventually';

let pg: PgCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

test("the server terminating an unheld client's connection: no crash, the client fails its next query", async () => {
  const Bounded = boundedClient(DEFAULT_DB_TIMEOUTS);
  const client = new Bounded({ connectionString: await pg.createDatabase() });
  await client.connect();
  expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  let ended = false;
  client.once('end', () => (ended = true));
  pg.halt(); // "terminating connection due to administrator command"
  try {
    await eventually('the client sees its connection end', async () => ended, { timeoutMs: margin(2000) });
    await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable|terminated|ended/i);
  } finally {
    pg.resume();
  }
});
