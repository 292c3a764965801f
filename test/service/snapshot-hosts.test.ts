/**
 * The embedded agents ask after every change which hosts there are
 * (store.getSnapshotHosts, without making the snapshot's other pending
 * changes): the answer is the snapshot's host list after any mix of host and
 * other writes.
 */
import { startService, type TestService } from '../support/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

test('getSnapshotHosts answers the snapshot’s hosts, read before the snapshot, after each kind of write', async () => {
  const steps: [string, string, string, unknown?][] = [
    ['create a host', 'POST', '/v1/hosts', { name: 'h1' }],
    ['create another', 'POST', '/v1/hosts', { name: 'h2', ovs_rundir: '/run/a' }],
    ['a category', 'POST', '/v1/categories', { name: 'Tier', values: ['web'] }],
    ['an entity', 'POST', '/v1/entities', { name: 'e1', host: 'h1', port: 'p1', ips: ['10.0.0.1'] }],
    ['move a rundir', 'PUT', '/v1/hosts/h2', { name: 'h2', ovs_rundir: '/run/b' }],
    ['an entity again', 'PUT', '/v1/entities/e1', { name: 'e1', host: 'h1', port: 'p2', ips: ['10.0.0.1'] }],
    ['rename a host', 'PUT', '/v1/hosts/h2', { name: 'h3', ovs_rundir: '/run/b' }],
    ['delete one', 'DELETE', '/v1/hosts/h3'],
  ];
  for (const [what, method, path, body] of steps) {
    const r = await svc.api(method, path, body);
    expect([what, r.status]).toEqual([what, method === 'POST' ? 201 : method === 'PUT' ? 200 : 204]);
    const hosts = await svc.store.getSnapshotHosts();
    expect([what, hosts]).toEqual([what, (await svc.store.getSnapshot()).hosts]);
  }
  expect((await svc.store.getSnapshotHosts()).map((h) => [h.name, h.ovs_rundir])).toEqual([['h1', undefined]]);
});
