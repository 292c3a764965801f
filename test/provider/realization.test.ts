/** wait_for_realization against a scripted /v1/status and against the service: who is waited for, and how long. */
import { waitForRealization, RealizationTimeout } from '../../provider/client/realization';
import { ApiClient } from '../../provider/client/http';
import { eventually, margin } from '../../lab/eventually';
import { startService, TEST_TOKENS, type TestService } from '../support/service';

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
  const hosts = () => [
    { name: 'a', status: { realized_generation: 5 } },
    { name: 'silent', status: { realized_generation: null } },
  ];
  const t0 = Date.now();
  const err = await waitForRealization(
    client(hosts, ['a', 'silent']),
    { generation: 5, hosts: ['a', 'silent'] },
    Date.now() + 60_000,
    { pollMs: 20, noAgentGraceMs: 200 },
  ).catch((e) => e);
  expect(err).toBeInstanceOf(RealizationTimeout);
  expect(Date.now() - t0).toBeLessThan(5_000);
  expect(err.message).toMatch(
    /on 1 host\(s\): silent \(no agent has reported yet, needs 5\); no agent has reported for silent/,
  );
  expect(err.message).toContain('microseg-agent --host silent');
});

test('a live agent that is behind is waited for until it catches up', async () => {
  let realized = 3;
  const hosts = () => [{ name: 'b', status: { realized_generation: realized++ } }];
  await expect(
    waitForRealization(client(hosts, ['b']), { generation: 5, hosts: ['b'] }, Date.now() + 10_000, {
      pollMs: 10,
      noAgentGraceMs: 50,
    }),
  ).resolves.toBeUndefined();
  expect(realized).toBeGreaterThan(5);
});

test('an agent that reports late, within the grace period, is waited for', async () => {
  let calls = 0;
  const hosts = () => [{ name: 'c', status: { realized_generation: ++calls > 3 ? 5 : null } }];
  await expect(
    waitForRealization(client(hosts, ['c']), { generation: 5, hosts: ['c'] }, Date.now() + 10_000, {
      pollMs: 10,
      noAgentGraceMs: 5_000,
    }),
  ).resolves.toBeUndefined();
});

describe('against the service: only fresh reports count', () => {
  const STALE_MS = 400;
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ store: { agentStaleAfterMs: STALE_MS } });
    await svc.api('POST', '/v1/hosts', { name: 'hq' });
    await svc.api('POST', '/v1/entities', { name: 'vm1', host: 'hq', port: 'p1', ips: ['10.0.0.1'] });
  });
  afterAll(async () => {
    await svc?.close();
  });
  const real = () => new ApiClient({ endpoint: svc.url, token: TEST_TOKENS.admin.secret });
  /** Waits as the provider does after a change that affects hq; rejects after `ms` (long enough for a loaded machine to answer /v1/status). */
  const wait = async (ms: number) => {
    const { generation } = (await svc.api('GET', '/v1/status')).body;
    return waitForRealization(real(), { generation, hosts: ['hq'] }, Date.now() + ms, {
      pollMs: 20,
      noAgentGraceMs: 60_000,
    });
  };
  /** A stand-in agent for hq: reports the current generation every 100 ms (well within the stale time) until stopped. */
  const agentReporting = (report: { reachable: boolean; last_error: string | null }) => {
    let on = true;
    const loop = (async () => {
      while (on) {
        const { generation } = (await svc.api('GET', '/v1/status')).body;
        const r = await svc.api(
          'POST',
          '/v1/agents/hosts/hq/status',
          { realized_generation: generation, flow_count: 3, drift_repairs: 0, ...report },
          { as: 'agent:hq' },
        );
        expect(r.status).toBe(204);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    return async () => {
      on = false;
      await loop;
    };
  };
  const healthy = { reachable: true, last_error: null };

  test('a fresh report of the generation is done; the same report gone stale is not', async () => {
    let stop = agentReporting(healthy);
    await expect(wait(5_000)).resolves.toBeUndefined();
    // The agent falls silent: past the stale time its last report vouches for nothing.
    await stop();
    const { ms } = await eventually(
      'the report goes stale',
      async () => (await svc.api('GET', '/v1/hosts/hq')).body.status.reachable === false,
      { timeoutMs: margin(STALE_MS) },
    );
    console.log(`report stale after ${ms} ms (stale time ${STALE_MS} ms)`);
    const err = await wait(2_000).catch((e) => e);
    expect(err).toBeInstanceOf(RealizationTimeout);
    expect(err.message).toMatch(
      /on 1 host\(s\): hq \(unreachable \(last ran generation \d+\), needs \d+; last error: no report from the agent since /,
    );
    // It reports again: done again.
    stop = agentReporting(healthy);
    await expect(wait(5_000)).resolves.toBeUndefined();
    await stop();
  });

  test('an agent that says it cannot reach Open vSwitch is not done, whatever generation it names', async () => {
    const stop = agentReporting({ reachable: false, last_error: 'cannot reach Open vSwitch: gone' });
    try {
      // The previous test's last healthy report may still be fresh: wait until the service shows this one.
      await eventually(
        "the service shows the agent's unreachable report",
        async () =>
          /cannot reach Open vSwitch/.test((await svc.api('GET', '/v1/hosts/hq')).body.status.last_error ?? ''),
        { timeoutMs: margin(1000) },
      );
      const err = await wait(2_000).catch((e) => e);
      expect(err).toBeInstanceOf(RealizationTimeout);
      expect(err.message).toMatch(
        /hq \(unreachable \(last ran generation (\d+)\), needs \1; last error: cannot reach Open vSwitch: gone\)/,
      );
    } finally {
      await stop();
    }
  });
});
