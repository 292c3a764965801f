/**
 * Compiling off the event loop: the embedded agents hand each host's compile
 * to a small pool of worker threads (compile-worker.ts), so the service keeps
 * answering the API while a change is compiled for every host. A snapshot is
 * sent to a worker once (then named by id); `compile` has the CompileHost shape.
 *
 * The worker's script: `compile-worker.js` beside this module's bundle (`npm
 * run build` writes dist/compile-worker.js next to dist/service.js); from the
 * TypeScript sources (tests, the bench) it is bundled once per process.
 */
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PolicySnapshot } from '../model/snapshot';
import { KEPT_SNAPSHOTS, type CompileReply, type CompileRequest } from './compile-worker';
import type { CompiledFlows, CompileHost, HostPorts } from './types';

interface Waiting {
  resolve: (c: CompiledFlows) => void;
  reject: (e: Error) => void;
  host: string;
  request: CompileRequest;
  snapshot: PolicySnapshot;
}

interface Slot {
  worker: Worker;
  waiting: Map<number, Waiting>;
  /** Snapshot ids the worker holds, oldest first (it keeps KEPT_SNAPSHOTS). */
  held: number[];
}

let bundled: string | null = null;

function workerScript(): string {
  const beside = join(__dirname, 'compile-worker.js');
  if (existsSync(beside)) return beside;
  if (bundled) return bundled;
  const out = join(tmpdir(), `microseg-compile-worker-${process.pid}.js`);
  // Only from sources, where esbuild (a dev dependency) is installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('esbuild') as typeof import('esbuild')).buildSync({
    entryPoints: [join(__dirname, 'compile-worker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'error',
  });
  process.once('exit', () => rmSync(out, { force: true }));
  bundled = out;
  return out;
}

/** One worker per core but one (the event loop keeps its own), at least one, at most four. */
export const defaultPoolSize = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));

export class CompilePool {
  private readonly slots: Slot[] = [];
  private readonly snapshotIds = new WeakMap<PolicySnapshot, number>();
  private nextSnapshot = 1;
  private nextRequest = 1;
  private closed = false;

  constructor(private readonly size = defaultPoolSize()) {}

  readonly compile: CompileHost = (snapshot, host, ports) => this.run(snapshot, host, ports);

  private run(snapshot: PolicySnapshot, host: string, ports: HostPorts): Promise<CompiledFlows> {
    if (this.closed) return Promise.reject(new Error('the compile pool is closed'));
    let snapshotId = this.snapshotIds.get(snapshot);
    if (snapshotId === undefined) {
      snapshotId = this.nextSnapshot++;
      this.snapshotIds.set(snapshot, snapshotId);
    }
    const slot = this.pick(snapshotId);
    const request: CompileRequest = { id: this.nextRequest++, snapshotId, host, ports };
    return new Promise((resolve, reject) => {
      slot.waiting.set(request.id, { resolve, reject, host, request, snapshot });
      this.send(slot, request, snapshot);
    });
  }

  private send(slot: Slot, request: CompileRequest, snapshot: PolicySnapshot): void {
    const has = slot.held.includes(request.snapshotId);
    if (!has) {
      slot.held.push(request.snapshotId);
      while (slot.held.length > KEPT_SNAPSHOTS) slot.held.shift();
    }
    slot.worker.postMessage(has ? request : { ...request, snapshot });
  }

  /** The least busy worker, preferring one that holds the snapshot; a new one while the pool is not full. */
  private pick(snapshotId: number): Slot {
    const idle = this.slots.find((s) => s.waiting.size === 0 && s.held.includes(snapshotId));
    if (idle) return idle;
    if (this.slots.length < this.size) return this.spawn();
    return this.slots.reduce((a, b) =>
      b.waiting.size < a.waiting.size || (b.waiting.size === a.waiting.size && b.held.includes(snapshotId)) ? b : a,
    );
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript());
    // A pool must never keep the process alive on its own.
    worker.unref();
    const slot: Slot = { worker, waiting: new Map(), held: [] };
    worker.on('message', (reply: CompileReply) => {
      const w = slot.waiting.get(reply.id);
      if (!w) return;
      if ('error' in reply && reply.missingSnapshot) {
        // The worker lost track of it (it restarted): send it again.
        slot.held = slot.held.filter((id) => id !== w.request.snapshotId);
        this.send(slot, w.request, w.snapshot);
        return;
      }
      slot.waiting.delete(reply.id);
      if ('error' in reply) w.reject(new Error(reply.error));
      else w.resolve({ host: w.host, generation: reply.generation, flows: reply.flows ? reply.flows.split('\n') : [] });
    });
    const fail = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const w of slot.waiting.values()) w.reject(new Error(`the compile worker failed: ${e.message}`));
      slot.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`it exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
