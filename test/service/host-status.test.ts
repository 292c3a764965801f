/** Host realization status as shown: defaults before any report, a report, and agents that fall silent. */
import { statusView } from '../../service/store/host-status';
import { PolicyStore } from '../../service/store/store';
import { eventually } from '../../lab/eventually';

const report = { realized_generation: 4, flow_count: 10, reachable: true, last_error: null, drift_repairs: 2 };
const t0 = Date.parse('2026-01-01T00:00:00.000Z');

test('before any report a host is unreachable and not realized', () => {
  expect(statusView(null, 0, 3, t0)).toEqual({
    reachable: false,
    desired_generation: 3,
    realized_generation: null,
    flow_count: null,
    last_error: null,
    drift_repairs: 0,
    notice: null,
    verified_generation: null,
    verify_disagreements: [],
    updated_at: null,
  });
});

test('a report shows as sent, with the desired generation of now', () => {
  expect(statusView(report, t0, 5, t0 + 1000)).toEqual({
    ...report,
    notice: null,
    verified_generation: null,
    verify_disagreements: [],
    desired_generation: 5,
    updated_at: '2026-01-01T00:00:00.000Z',
  });
});

test('an agent silent for longer than the stale time shows unreachable, keeping what it realized', () => {
  expect(statusView(report, t0, 4, t0 + 30_000).reachable).toBe(true);
  expect(statusView(report, t0, 4, t0 + 30_001)).toEqual({
    ...report,
    notice: null,
    verified_generation: null,
    verify_disagreements: [],
    reachable: false,
    last_error: 'no report from the agent since 2026-01-01T00:00:00.000Z',
    desired_generation: 4,
    updated_at: '2026-01-01T00:00:00.000Z',
  });
  expect(statusView(report, t0, 4, t0 + 100, 50).reachable).toBe(false);
});

test("a verifier's report shows its verified generation and disagreements", () => {
  const disagreement = {
    src: 'web1',
    dst: 'app1',
    protocol: 'tcp',
    port: 22,
    explain: { verdict: 'deny' as const, rule: 'shop' },
    bridge: { verdict: 'allow' as const, rule: null, dropped_at: null },
    problem: 'both ends on this host: the traced verdict or rule differs from explain()',
  };
  expect(
    statusView({ ...report, verified_generation: 3, verify_disagreements: [disagreement] }, t0, 4, t0 + 1000),
  ).toMatchObject({ realized_generation: 4, verified_generation: 3, verify_disagreements: [disagreement] });
});

describe('the overview (GET /v1/status) kept between requests on SQLite', () => {
  let store: PolicyStore;
  beforeAll(async () => {
    store = await PolicyStore.open(':memory:', { agentStaleAfterMs: 500 });
  });
  afterAll(() => store.close());

  test('follows reports, host and generation changes, and a host whose agent falls silent', async () => {
    await store.create('host', { name: 'hv1' } as never);
    const first = await store.overview();
    expect(first.hosts).toEqual([
      { name: 'hv1', status: expect.objectContaining({ reachable: false, updated_at: null }) },
    ]);
    expect(await store.overview()).toBe(first); // nothing changed: the same one
    await store.reportHostStatus('hv1', { ...report, realized_generation: first.generation });
    const reported = await store.overview();
    expect(reported.hosts[0].status).toMatchObject({ reachable: true, realized_generation: first.generation });
    await store.create('host', { name: 'hv0' } as never);
    const two = await store.overview();
    expect(two.generation).toBe(first.generation + 1);
    // A new overview, equal to what each host's own status (read from the database) says.
    expect(two).not.toBe(reported);
    expect(two.hosts).toEqual([
      { name: 'hv0', status: await store.hostStatus('hv0') },
      { name: 'hv1', status: await store.hostStatus('hv1') },
    ]);
    expect(two.hosts[0].status.desired_generation).toBe(two.generation);
    const { ms } = await eventually(
      'hv1 shown unreachable once its agent is silent',
      async () => (await store.overview()).hosts[1].status.reachable === false,
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    console.log(`silent agent shown unreachable ${ms} ms after the check began (stale after 500 ms)`);
  });
});
