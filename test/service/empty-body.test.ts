/**
 * Many clients send `content-type: application/json` on every request: an
 * empty body with that header is no body, on every method; a body that is
 * there is still parsed and checked as before.
 */
import { startService, type TestService } from '../support/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

const json = { 'content-type': 'application/json' };
/** A request with the JSON header and an empty body, as such clients send it (content-length: 0; GET sends none). */
const empty = (method: string, path: string) =>
  svc.api(method, path, method === 'GET' ? undefined : '', { headers: json });

test('DELETE, GET and POST with content-type: application/json and an empty body', async () => {
  expect((await svc.api('POST', '/v1/categories', { name: 'Tier', values: ['web'] })).status).toBe(201);
  const del = await empty('DELETE', '/v1/categories/Tier');
  expect([del.status, del.body]).toEqual([204, undefined]);
  expect((await svc.api('GET', '/v1/categories/Tier')).status).toBe(404);
  expect((await empty('GET', '/v1/categories')).status).toBe(200);
  // A route that needs a body says which, as for any missing body (not "body cannot be empty").
  const post = await empty('POST', '/v1/categories');
  expect(post.status).toBe(400);
  expect(post.body).toMatchObject({ error: 'bad_request', message: 'body: must be object' });
  const put = await empty('PUT', '/v1/categories/Quarantine');
  expect([put.status, put.body.message]).toEqual([400, 'body: must be object']);
});

test('a body that is there is parsed as before', async () => {
  const bad = await svc.api('POST', '/v1/categories', '{"name":', { headers: json });
  expect([bad.status, bad.body.error]).toEqual([400, 'bad_request']);
  const poisoned = await svc.api('POST', '/v1/categories', '{"name":"X","values":["a"],"__proto__":{"x":1}}', {
    headers: json,
  });
  expect(poisoned.status).toBe(400);
  expect((await svc.api('DELETE', '/v1/categories/Nothing', '   ', { headers: json })).status).toBe(404);
});
