/** The provider's batched reads by id against the real service: reads under way together are one request. */
import { BatchReader } from '../../provider/client/batch';
import { ApiClient, ApiError } from '../../provider/client/http';
import { startService, TEST_TOKENS, type TestService } from '../support/service';

describe('BatchReader', () => {
  let svc: TestService;
  const requests: string[] = [];
  beforeAll(async () => {
    svc = await startService();
    svc.app.server.on('request', (req: { url: string }) => requests.push(req.url));
  });
  afterAll(async () => {
    await svc?.close();
  });

  test('reads that arrive together go out as one request per collection; an absent id reads as null', async () => {
    const groups = [];
    for (let i = 0; i < 6; i++)
      groups.push((await svc.api('POST', '/v1/address-groups', { name: `b${i}`, cidrs: [`10.60.${i}.0/24`] })).body);
    const host = (await svc.api('POST', '/v1/hosts', { name: 'bh', uplinks: ['u'] })).body;
    const reads = new BatchReader(new ApiClient({ endpoint: svc.url, token: TEST_TOKENS.admin.secret }));
    requests.length = 0;
    const found = await Promise.all([
      ...groups.map((g) => reads.read('address-groups', g.id)),
      reads.read('address-groups', 'no-such-id'),
      reads.read('hosts', host.id),
    ]);
    expect(found.map((o) => (o as { name?: string } | null)?.name ?? null)).toEqual([
      ...groups.map((g) => g.name),
      null,
      'bh',
    ]);
    expect(found[0]).toEqual(groups[0]);
    // The first read of a collection goes alone; the rest, which waited for it, together.
    console.log(`batched reads: ${requests.join(' ')}`);
    expect(requests).toHaveLength(3);
    expect(requests.filter((u) => u.startsWith('/v1/address-groups?ids='))).toHaveLength(2);
    expect(requests).toContain(`/v1/hosts?ids=${host.id}`);
  });

  test('a failed request fails every read of its batch, and later reads go out again', async () => {
    const g = (await svc.api('POST', '/v1/address-groups', { name: 'bf', cidrs: ['10.61.0.0/24'] })).body;
    const reads = new BatchReader(new ApiClient({ endpoint: svc.url, token: 'wrong-token' }));
    for (let round = 0; round < 2; round++) {
      const failed = await Promise.allSettled([reads.read('address-groups', g.id), reads.read('address-groups', g.id)]);
      expect(failed.map((r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.status)).toEqual([
        401, 401,
      ]);
    }
  });
});
