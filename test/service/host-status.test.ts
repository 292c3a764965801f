/** Host realization status as shown: defaults before any report, a report, and agents that fall silent. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('reports reach the SQLite file in batches', () => {
  // better-sqlite3 ships no types here; the little used is typed by hand.
  interface Reader {
    pragma(sql: string, o: { simple: true }): number;
    prepare(sql: string): { all(): { host: string; reported_at: string; report: string }[] };
    close(): void;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as new (file: string, o: { readonly: boolean }) => Reader;
  const dir = mkdtempSync(join(tmpdir(), `ms-status-${process.pid}-`));
  const file = join(dir, 'microseg.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('20 hosts reporting: shown at once, written in one transaction; unchanged reports write nothing; close() writes what is pending', async () => {
    let store = await PolicyStore.open(file);
    const hosts = Array.from({ length: 20 }, (_, i) => `hv${String(i).padStart(2, '0')}`);
    for (const name of hosts) await store.create('host', { name } as never);
    const generation = store.generation();
    // A second connection sees what the store commits; data_version moves once per commit by another connection.
    const reader = new Database(file, { readonly: true });
    const commits = () => reader.pragma('data_version', { simple: true });
    const rows = () => reader.prepare('SELECT host, reported_at, report FROM host_status').all();
    try {
      const before = commits();
      await Promise.all(hosts.map((h) => store.reportHostStatus(h, { ...report, realized_generation: generation })));
      // In memory at once: the overview shows every report before anything is written.
      const shown = await store.overview();
      expect(shown.hosts.every((h) => h.status.reachable && h.status.realized_generation === generation)).toBe(true);
      const { ms } = await eventually('the 20 reports written', () => rows().length === 20, { timeoutMs: 5_000 });
      expect(commits() - before).toBe(1);
      console.log(`20 reports written in ${commits() - before} transaction, ${ms} ms after they were made`);

      // The same reports again (idle agents): nothing to write until their time is due.
      const written = commits();
      for (const h of hosts) await store.reportHostStatus(h, { ...report, realized_generation: generation });
      // One changed report among them is written (alone).
      await store.reportHostStatus('hv03', { ...report, realized_generation: generation, flow_count: 11 });
      await eventually(
        'the changed report written',
        () =>
          rows()
            .find((r) => r.host === 'hv03')
            ?.report.includes('"flow_count":11'),
        { timeoutMs: 5_000 },
      );
      expect(commits() - written).toBe(1);

      // Pending at close: written by close(), read back by the next process.
      await store.reportHostStatus('hv07', { ...report, realized_generation: generation, flow_count: 99 });
      await store.close();
      store = await PolicyStore.open(file);
      expect((await store.hostStatus('hv07')).flow_count).toBe(99);
    } finally {
      reader.close();
      await store.close();
    }
  });

  test('a report pending while its host is renamed is written under the new name (close() during the rename)', async () => {
    const renameFile = join(dir, 'rename.db');
    let store = await PolicyStore.open(renameFile);
    try {
      await store.create('host', { name: 'old' } as never);
      await store.reportHostStatus('old', { ...report, realized_generation: store.generation(), flow_count: 7 });
      // The flush close() starts waits for the rename's lock; it must write what is pending after it (under 'new').
      const renamed = store.replace('host', 'old', { name: 'new' } as never);
      const closed = store.close();
      expect((await renamed).status).toMatchObject({ flow_count: 7 });
      await closed;
      store = await PolicyStore.open(renameFile);
      expect((await store.hostStatus('new')).flow_count).toBe(7);
    } finally {
      await store.close();
    }
  });
});
