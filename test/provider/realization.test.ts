/** wait_for_realization against a scripted /v1/status: who is waited for, and how long. */
import { waitForRealization, RealizationTimeout } from '../../provider/client/realization';
import type { ApiClient } from '../../provider/client/http';

type Host = { name: string; status: { realized_generation: number | null } };

/** A client whose /v1/status answers from `hosts()` at generation 5, and whose entities live on `withEntities`. */
function client(hosts: () => Host[], withEntities: string[]): ApiClient {
  return {
    stopped: false,
    signal: new AbortController().signal,
    async request(_method: string, path: string) {
      if (path === '/v1/status') return { generation: 5, hosts: hosts() };
      if (path === '/v1/entities') return { items: withEntities.map((host) => ({ host })) };
      throw new Error(`unexpected ${path}`);
    },
  } as unknown as ApiClient;
}

test('a host with entities and no agent fails after the grace period, not the whole timeout, naming the host and the fix', async () => {
  const hosts = () => [{ name: 'a', status: { realized_generation: 5 } }, { name: 'silent', status: { realized_generation: null } }];
  const t0 = Date.now();
  const err = await waitForRealization(client(hosts, ['a', 'silent']), { generation: 5, hosts: ['a', 'silent'] }, Date.now() + 60_000, { pollMs: 20, noAgentGraceMs: 200 }).catch((e) => e);
  expect(err).toBeInstanceOf(RealizationTimeout);
  expect(Date.now() - t0).toBeLessThan(5_000);
  expect(err.message).toMatch(/on 1 host\(s\): silent \(no agent has reported yet, needs 5\); no agent has reported for silent/);
  expect(err.message).toContain('microseg-agent --host silent');
});

test('a live agent that is behind is waited for until it catches up', async () => {
  let realized = 3;
  const hosts = () => [{ name: 'b', status: { realized_generation: realized++ } }];
  await expect(waitForRealization(client(hosts, ['b']), { generation: 5, hosts: ['b'] }, Date.now() + 10_000, { pollMs: 10, noAgentGraceMs: 50 })).resolves.toBeUndefined();
  expect(realized).toBeGreaterThan(5);
});

test('an agent that reports late, within the grace period, is waited for', async () => {
  let calls = 0;
  const hosts = () => [{ name: 'c', status: { realized_generation: ++calls > 3 ? 5 : null } }];
  await expect(waitForRealization(client(hosts, ['c']), { generation: 5, hosts: ['c'] }, Date.now() + 10_000, { pollMs: 10, noAgentGraceMs: 5_000 })).resolves.toBeUndefined();
});
