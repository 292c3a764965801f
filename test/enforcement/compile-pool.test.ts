/**
 * The worker pool the embedded agents compile in: each host's answers, applied
 * one after the other, are exactly compileHost's set in the caller's thread; a
 * host stays on its worker and its view crosses as a patch; errors come back
 * as rejections and a dead worker's hosts start again whole elsewhere; the
 * event loop stays free while a large host compiles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { CompilePool } from '../../service/agent/compile-pool';
import { applyPatch, patchOf } from '../../service/agent/compile-worker';
import { compileHost } from '../../service/compiler';
import type { FlowUpdate, HostFlowCompiler, HostPorts } from '../../service/agent/types';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { threeTier } from '../policy/fixtures';
import { inventoryObjects, snapshotOf, hostPorts } from '../../bench/lib/inventory';

/** A host's whole set as an agent keeps it: each answer applied to the one before. */
class Kept {
  flows = new Set<string>();
  seq = 0;
  answers: FlowUpdate[] = [];
  constructor(private readonly compiler: HostFlowCompiler) {}
  async update(s: PolicySnapshot, ports: HostPorts): Promise<FlowUpdate> {
    const u = await this.compiler.update(s, ports);
    this.answers.push(u);
    if (u.since === 0) this.flows = new Set();
    else expect(u.since).toBe(this.seq);
    for (const l of u.removed) expect(this.flows.delete(l)).toBe(true);
    for (const l of u.added) this.flows.add(l);
    this.seq = u.seq;
    expect(this.flows.size).toBe(u.count);
    return u;
  }
}

const workersOf = (pool: CompilePool) => (pool as unknown as { slots: { worker: Worker }[] }).slots;

describe('compile pool', () => {
  const pools: CompilePool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.close();
  });

  test('a view patch rebuilds the view with every unchanged object the same object, in the same order', () => {
    const a = threeTier();
    const b = { ...a, generation: 2, entities: [...a.entities.slice(0, 2), { ...a.entities[2], ips: ['10.9.9.9'] }] };
    const patch = patchOf(a, b);
    expect(Object.keys('lists' in patch ? patch.lists : {})).toEqual(['entities']);
    const held = structuredClone(a);
    const rebuilt = applyPatch(held, structuredClone(patch))!;
    expect(rebuilt).toEqual(b);
    expect(rebuilt.entities[0]).toBe(held.entities[0]);
    expect(rebuilt.entities[1]).toBe(held.entities[1]);
    expect(rebuilt.application_rules).toBe(held.application_rules);
  });

  test('answers applied one after the other are compileHost, for several hosts and snapshots; a host keeps its worker', async () => {
    const pool = new CompilePool(2);
    pools.push(pool);
    const s1 = threeTier();
    const s2 = { ...s1, generation: 2, entities: s1.entities.filter((e) => e.name !== 'db1') };
    const ports = { 'p-web1': 1, 'p-app1': 2, 'p-db1': 3, 'p-web2': 1, 'p-app2': 2, 'p-db2': 3 };
    const kept = { ha: new Kept(pool.forHost('ha')), hb: new Kept(pool.forHost('hb')) };
    const placements: string[][][] = [];
    for (const s of [s1, s2, s1, s1]) {
      for (const host of ['ha', 'hb'] as const) {
        await kept[host].update(s, ports);
        expect([...kept[host].flows].sort()).toEqual([...compileHost(s, host, ports).flows].sort());
      }
      placements.push(pool.placement());
    }
    // One host per worker, the same worker every time.
    expect(placements.every((p) => JSON.stringify(p) === JSON.stringify(placements[0]))).toBe(true);
    expect(placements[0].flat().sort()).toEqual(['ha', 'hb']);
    // The first answer is the whole set; then only changes; the same snapshot again changes nothing.
    const ha = kept.ha.answers;
    expect(ha[0].since).toBe(0);
    expect(ha[1].added.length + ha[1].removed.length).toBeLessThan(ha[0].added.length);
    expect(ha[3]).toMatchObject({ added: [], removed: [], seq: ha[2].seq });
    // A closed host is dropped from its worker.
    pool.forHost('hb').close();
    expect(pool.placement().flat()).toEqual(['ha']);
  });

  test('a failing compile is a rejection with its message; the next answer is the whole set', async () => {
    const pool = new CompilePool(1);
    pools.push(pool);
    const c = pool.forHost('ha');
    expect((await c.update(threeTier(), {})).since).toBe(0);
    const broken = { ...threeTier(), generation: 2, entities: null } as never;
    await expect(c.update(broken, {})).rejects.toThrow(/\w/);
    const next = await c.update(threeTier(), {});
    expect(next.since).toBe(0);
    expect(new Set(next.added)).toEqual(new Set(compileHost(threeTier(), 'ha', {}).flows));
    await pool.close();
    await expect(c.update(threeTier(), {})).rejects.toThrow('the compile pool is closed');
  });

  test('a worker that dies fails its pending update; its host starts again whole on a new worker', async () => {
    const pool = new CompilePool(1);
    pools.push(pool);
    const c = pool.forHost('ha');
    const s = threeTier();
    await c.update(s, {});
    const [slot] = workersOf(pool);
    void slot.worker.terminate();
    await expect(c.update({ ...s, generation: 2 }, {})).rejects.toThrow(/the compile worker failed/);
    const after = await c.update({ ...s, generation: 3 }, {});
    expect(workersOf(pool)[0].worker).not.toBe(slot.worker);
    expect(after.since).toBe(0);
    expect(new Set(after.added)).toEqual(new Set(compileHost(s, 'ha', {}).flows));
  });

  test('the event loop stays free while a 10,000-entity host compiles in a worker', async () => {
    const snapshot = snapshotOf(inventoryObjects({ entities: 10_000, hosts: 50 }));
    const ports = hostPorts(snapshot, 'h0');
    const pool = new CompilePool(1);
    pools.push(pool);
    // The largest gap between timer ticks (every 5 ms) while the compile runs: the event loop's stall.
    const stall = async <T>(work: () => Promise<T>) => {
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
    const inWorker = await stall(() => Promise.resolve(pool.forHost('h0').update(snapshot, ports)));
    expect(new Set(inWorker.result.added)).toEqual(new Set(inThread.result.flows));
    process.stdout.write(
      `10,000 entities, host h0 (${inThread.result.flows.length} flows): in the caller's thread ${inThread.ms} ms, event loop stalled ${inThread.worst} ms; in a worker ${inWorker.ms} ms (view sent whole with it), stalled ${inWorker.worst} ms\n`,
    );
    // The worker's stall is the view's structured clone, a fraction of the compile.
    expect(inWorker.worst).toBeLessThan(Math.max(inThread.worst, 50));
  });

  test('its worker threads run 5 nice levels below the service (Linux: a thread has its own nice)', async () => {
    const base = getPriority();
    // /proc/self/task/<tid>/stat: the 19th field is the thread's nice (fields after the command's parenthesis).
    const nices = () =>
      readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
    const before = nices().filter((n) => n === Math.min(19, base + 5)).length;
    const pool = new CompilePool(1);
    pools.push(pool);
    await pool.forHost('ha').update(threeTier(), {});
    expect(nices().filter((n) => n === Math.min(19, base + 5)).length).toBe(before + 1);
    // The thread that answered is not this one: this process keeps its own priority.
    expect(getPriority()).toBe(base);
  });
});
