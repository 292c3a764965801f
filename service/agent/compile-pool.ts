/**
 * Compiling off the event loop: the embedded agents' compilers (one per host,
 * `forHost`) live in a small pool of worker threads (compile-worker.ts), so
 * the service keeps answering the API while a change is compiled. A host is
 * served by the same worker every time, which keeps its view and its
 * incremental compiler (HostCompiler): an update sends only the view's patch
 * (the objects that changed) and gets back only the flows added and removed.
 * `close` (the agent stopped) drops the host from its worker. A worker that
 * dies fails the updates it had; the hosts it served move to another worker
 * and start again from their whole view (their next answer is the whole set).
 *
 * The worker's script: `compile-worker.js` beside this module's bundle (`npm
 * run build` writes dist/compile-worker.js next to dist/service.js); from the
 * TypeScript sources (tests, the bench) it is bundled once per process.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PolicySnapshot } from '../model/snapshot';
import { bundledScript } from './bundled-script';
import { patchOf, type WorkerReply, type WorkerRequest } from './compile-worker';
import type { FlowUpdate, HostFlowCompiler, HostPorts } from './types';

type Update = Extract<WorkerRequest, { kind: 'update' }>;

interface Waiting {
  resolve: (u: FlowUpdate) => void;
  reject: (e: Error) => void;
  /** To send again, whole, when the worker has lost the host's view. */
  request: Update;
  snapshot: PolicySnapshot;
}

interface Slot {
  worker: Worker;
  waiting: Map<number, Waiting>;
  /** The hosts routed to it. */
  hosts: Set<string>;
}

/** Where a host is compiled, and the view its worker holds for it. */
interface Home {
  slot: Slot;
  sent: PolicySnapshot | null;
}

/** One worker per core but one (the event loop keeps its own), at least one, at most four. */
export const defaultPoolSize = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));

export class CompilePool {
  private readonly slots: Slot[] = [];
  private readonly homes = new Map<string, Home>();
  private nextRequest = 1;
  private closed = false;

  constructor(private readonly size = defaultPoolSize()) {}

  /** The compiler of one host's agent. */
  forHost(host: string): HostFlowCompiler {
    return {
      update: (snapshot, ports, restart = false) => this.update(host, snapshot, ports, restart),
      close: () => this.drop(host),
    };
  }

  /** Hosts each worker serves (tests). */
  placement(): string[][] {
    return this.slots.map((s) => [...s.hosts].sort());
  }

  private update(host: string, snapshot: PolicySnapshot, ports: HostPorts, restart: boolean): Promise<FlowUpdate> {
    if (this.closed) return Promise.reject(new Error('the compile pool is closed'));
    const home = this.home(host);
    let view;
    try {
      view = home.sent ? patchOf(home.sent, snapshot) : { whole: snapshot };
    } catch (e) {
      return Promise.reject(e as Error);
    }
    home.sent = snapshot;
    const request: Update = { kind: 'update', id: this.nextRequest++, host, view, ports, restart };
    return new Promise((resolve, reject) => {
      home.slot.waiting.set(request.id, { resolve, reject, request, snapshot });
      home.slot.worker.postMessage(request);
    });
  }

  /** The host's worker: the one it had while that one lives, else the one serving the fewest hosts. */
  private home(host: string): Home {
    const had = this.homes.get(host);
    if (had && this.slots.includes(had.slot)) return had;
    const slot =
      this.slots.length < this.size ? this.spawn() : this.slots.reduce((a, b) => (b.hosts.size < a.hosts.size ? b : a));
    slot.hosts.add(host);
    const home: Home = { slot, sent: null };
    this.homes.set(host, home);
    return home;
  }

  private drop(host: string): void {
    const home = this.homes.get(host);
    if (!home) return;
    this.homes.delete(host);
    home.slot.hosts.delete(host);
    if (this.slots.includes(home.slot)) home.slot.worker.postMessage({ kind: 'close', host } satisfies WorkerRequest);
  }

  private spawn(): Slot {
    const worker = new Worker(bundledScript(__dirname, 'compile-worker'));
    // A pool must never keep the process alive on its own.
    worker.unref();
    const slot: Slot = { worker, waiting: new Map(), hosts: new Set() };
    worker.on('message', (reply: WorkerReply) => {
      const w = slot.waiting.get(reply.id);
      if (!w) return;
      slot.waiting.delete(reply.id);
      if ('error' in reply && reply.lostView) {
        // The worker does not hold the view the patch was made against: send it whole.
        const request = { ...w.request, view: { whole: w.snapshot } };
        slot.waiting.set(request.id, { ...w, request });
        worker.postMessage(request);
        return;
      }
      if ('error' in reply) w.reject(new Error(reply.error));
      else
        w.resolve({
          ...reply,
          added: reply.added ? reply.added.split('\n') : [],
          removed: reply.removed ? reply.removed.split('\n') : [],
        });
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
    this.homes.clear();
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
