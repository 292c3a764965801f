/**
 * The worker pool the embedded agents compile in: the same flows as
 * compileHost in the caller's thread, a snapshot sent to a worker once, errors
 * back as rejections, and the event loop free while a large host compiles.
 */
import { CompilePool } from '../../service/agent/compile-pool';
import { compileHost } from '../../service/compiler';
import { threeTier } from '../policy/fixtures';
import { inventoryObjects, snapshotOf, hostPorts } from '../../bench/lib/inventory';

describe('compile pool', () => {
  const pools: CompilePool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.close();
  });

  test('compiles exactly what compileHost does, for several hosts and snapshots', async () => {
    const pool = new CompilePool(2);
    pools.push(pool);
    const s1 = threeTier();
    const s2 = { ...threeTier(), generation: 2, entities: threeTier().entities.filter((e) => e.name !== 'db1') };
    const ports = { 'p-web1': 1, 'p-app1': 2, 'p-db1': 3, 'p-web2': 1, 'p-app2': 2, 'p-db2': 3 };
    for (const s of [s1, s2, s1])
      for (const host of ['ha', 'hb']) expect(await pool.compile(s, host, ports)).toEqual(compileHost(s, host, ports));
  });

  test('a failing compile is a rejection with its message; the pool goes on', async () => {
    const pool = new CompilePool(1);
    pools.push(pool);
    const broken = { ...threeTier(), entities: null } as never;
    await expect(pool.compile(broken, 'ha', {})).rejects.toThrow(/\w/);
    expect((await pool.compile(threeTier(), 'ha', {})).flows.length).toBeGreaterThan(0);
    await pool.close();
    await expect(pool.compile(threeTier(), 'ha', {})).rejects.toThrow('the compile pool is closed');
  });

  test('the event loop stays free while a 10,000-entity host compiles in a worker', async () => {
    const snapshot = snapshotOf(inventoryObjects({ entities: 10_000, hosts: 50 }));
    const ports = hostPorts(snapshot, 'h0');
    const pool = new CompilePool(1);
    pools.push(pool);
    // The largest gap between timer ticks (every 5 ms) while the compile runs: the event loop's stall.
    const stall = async (work: () => Promise<unknown>) => {
      let last = performance.now();
      let worst = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 5);
      const t0 = performance.now();
      const result = await work();
      const ms = performance.now() - t0;
      clearInterval(timer);
      // A synchronous compile lets no tick run at all: its stall is the gap up to now.
      worst = Math.max(worst, performance.now() - last);
      return { worst: Math.round(worst), ms: Math.round(ms), result };
    };
    const inThread = await stall(async () => compileHost(snapshot, 'h0', ports));
    const inWorker = await stall(async () => pool.compile(snapshot, 'h0', ports));
    expect((inWorker.result as { flows: string[] }).flows).toEqual((inThread.result as { flows: string[] }).flows);
    process.stdout.write(
      `10,000 entities, host h0 (${(inThread.result as { flows: string[] }).flows.length} flows): in the caller's thread ${inThread.ms} ms, event loop stalled ${inThread.worst} ms; in a worker ${inWorker.ms} ms (snapshot sent with it), stalled ${inWorker.worst} ms\n`,
    );
    // The worker's stall is the snapshot's structured clone, a fraction of the compile.
    expect(inWorker.worst).toBeLessThan(Math.max(inThread.worst, 50));
  });
});
