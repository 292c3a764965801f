/**
 * Database faults on PostgreSQL: the service answers 503 with a clear
 * message (never 500, never a hang), /healthz answers within 2 s either way,
 * a change whose client gave up is not committed later, and the service
 * recovers by itself when the database returns. Timeouts are the defaults
 * (a query 5 s, a connection 2 s).
 */
import { startPostgres, type PgCluster } from '../support/postgres';
import { startService, type TestService } from '../support/service';
import { eventually, margin } from '../../lab/eventually';

let pg: PgCluster;
let svc: TestService;
let database: string;

beforeAll(async () => {
  pg = await startPostgres();
  database = await pg.createDatabase();
  svc = await startService({ database });
});
afterAll(async () => {
  pg?.thaw();
  await svc?.close();
  // Whatever connection of the service outlives close() would get the server's "terminating connection" when the
  // cluster stops, and with no 'error' listener crash the process: none may be left.
  if (pg) {
    const name = new URL(database).pathname.slice(1);
    const { value: left, ms } = await eventually(
      'no connection of the closed service left on the server',
      async () => {
        const rows = await pg.query(
          `SELECT pid, state, left(query, 60) AS query FROM pg_stat_activity WHERE datname = $1`,
          [name],
        );
        return rows.length === 0 ? rows : false;
      },
      { timeoutMs: margin(2000), intervalMs: 100 },
    ).catch(async (e: Error) => ({ value: e.message, ms: -1 }));
    log(`after close: ${JSON.stringify(left)} (${ms} ms)`);
    await pg.stop();
    expect(left).toEqual([]);
  }
});

const log = (text: string) => console.log(text);

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = Date.now();
  const value = await run();
  return { value, ms: Date.now() - t };
}

/** How long until `get` answers 200 (bound `timeoutMs`). */
async function until200(get: () => Promise<{ status: number }>, timeoutMs: number): Promise<number> {
  return (await eventually('a 200 answer', async () => (await get()).status === 200, { timeoutMs, intervalMs: 100 }))
    .ms;
}

test('PostgreSQL stopped: reads, writes and /healthz answer 503 naming the cause; the service recovers by itself', async () => {
  expect((await svc.api('POST', '/v1/categories', { name: 'Before', values: ['a'] })).status).toBe(201);
  pg.halt();
  try {
    for (const [method, path, body] of [
      ['GET', '/v1/categories'],
      ['GET', '/v1/hosts/none'],
      ['POST', '/v1/categories', { name: 'During', values: [] }],
      ['GET', '/v1/status'],
    ] as const) {
      const { value: r, ms } = await timed(() => svc.api(method, path, body));
      log(`PG stopped: ${method} ${path} → ${r.status} in ${ms} ms: ${r.body.message}`);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({
        error: 'unavailable',
        field: null,
        message: expect.stringMatching(/^the database is unavailable: .+; retry later$/),
      });
      expect(r.headers.get('retry-after')).toBe('1');
      expect(ms).toBeLessThan(10_000);
    }
    const { value: health, ms } = await timed(() => svc.api('GET', '/healthz', undefined, { as: null }));
    log(`PG stopped: /healthz → ${health.status} in ${ms} ms`);
    expect([health.status, health.body.ok]).toEqual([503, false]);
    expect(ms).toBeLessThan(10_000);
  } finally {
    pg.resume();
  }
  const recovered = await until200(() => svc.api('GET', '/healthz', undefined, { as: null }), 15_000);
  log(`PG back: /healthz 200 after ${recovered} ms`);
  expect((await svc.api('GET', '/v1/categories/Before')).status).toBe(200);
  expect((await svc.api('POST', '/v1/categories', { name: 'After', values: [] })).status).toBe(201);
  expect((await svc.api('GET', '/v1/categories/During')).status).toBe(404);
});

test('PostgreSQL frozen: /healthz in ≤ 2 s, other routes 503 in bounded time, an abandoned change is not committed on thaw', async () => {
  await svc.api('GET', '/v1/categories'); // a pooled connection exists: the freeze catches it open
  pg.freeze();
  let thawed = false;
  try {
    const { value: health, ms: healthMs } = await timed(() => svc.api('GET', '/healthz', undefined, { as: null }));
    log(`PG frozen: /healthz → ${health.status} in ${healthMs} ms (promise 2000 ms): ${health.body.message}`);
    expect(health.status).toBe(503);
    expect(health.body.message).toMatch(/did not answer/);
    expect(healthMs).toBeLessThan(margin(2000));

    // The client gives up after 500 ms; the database comes back 1.5 s later, long before any timeout.
    const abandoned = fetch(`${svc.url}/v1/categories`, {
      method: 'POST',
      signal: AbortSignal.timeout(500),
      headers: { authorization: 'Bearer admin-secret-0001', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Abandoned', values: [] }),
    }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(await abandoned).toBe('TimeoutError');
    await new Promise((r) => setTimeout(r, 1500)); // the fault's length, not a wait for a state
    pg.thaw();
    thawed = true;
  } finally {
    if (!thawed) pg.thaw();
  }
  await until200(() => svc.api('GET', '/healthz', undefined, { as: null }), 15_000);
  // The abandoned write ran to just before COMMIT once the database answered, and was rolled back.
  expect((await svc.api('GET', '/v1/status')).status).toBe(200);
  expect((await svc.api('GET', '/v1/categories/Abandoned')).status).toBe(404);

  pg.freeze();
  try {
    const { value: r, ms } = await timed(() => svc.api('GET', '/v1/categories'));
    log(`PG frozen: GET /v1/categories → ${r.status} in ${ms} ms: ${r.body.message}`);
    expect(r.status).toBe(503);
    expect(r.body.error).toBe('unavailable');
    expect(ms).toBeLessThan(30_000);
    const { value: w, ms: wms } = await timed(() => svc.api('POST', '/v1/categories', { name: 'Frozen', values: [] }));
    log(`PG frozen: POST /v1/categories → ${w.status} in ${wms} ms: ${w.body.message}`);
    expect(w.status).toBe(503);
    expect(wms).toBeLessThan(30_000);
  } finally {
    pg.thaw();
  }
  const recovered = await until200(() => svc.api('GET', '/v1/categories'), 15_000);
  log(`PG thawed: GET /v1/categories 200 after ${recovered} ms`);
  expect((await svc.api('GET', '/v1/categories/Frozen')).status).toBe(404);
  expect((await svc.api('POST', '/v1/categories', { name: 'Thawed', values: [] })).status).toBe(201);
}, 120_000);
