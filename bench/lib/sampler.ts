/**
 * The bench's side of its load clients, each in its own process (bench/sim/): an open-loop GET sampler
 * (bench/sim/sampler.ts) and a closed-loop POST client (bench/sim/poster.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { bundle } from './build';
import { ADMIN_SECRET } from './service';

export interface Sampled {
  latencies: number[];
  errors: number;
}

export interface Sampler {
  /** GETs the URL every `everyMs` while `during` runs; its latencies (ms from when each was due). */
  over(during: () => Promise<unknown>): Promise<Sampled>;
  close(): Promise<void>;
}

export interface Poster {
  /** POSTs each body to every URL in turn, one request at a time; the latencies in ms, one list per URL. */
  post(urls: string[], bodies: unknown[]): Promise<number[][]>;
  close(): Promise<void>;
}

async function forkClient(file: string, args: string[]): Promise<{ child: ChildProcess; close(): Promise<void> }> {
  const child: ChildProcess = fork(await bundle(file), args, {
    env: { ...process.env, MICROSEG_TOKEN: ADMIN_SECRET },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    child,
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.disconnect();
      await gone;
    },
  };
}

/** The child's next message; rejects if it exits first. */
function answer<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the ${what} exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.removeListener('exit', onExit);
      resolve(m as T);
    });
  });
}

export async function startSampler(url: string, everyMs: number): Promise<Sampler> {
  const { child, close } = await forkClient('bench/sim/sampler.ts', [url, String(everyMs)]);
  // Its warm-up GET answered (bench/sim/sampler.ts): the first window does not time the sampler's own start.
  await answer(child, 'latency sampler');
  return {
    async over(during) {
      const sampled = answer<Sampled>(child, 'latency sampler');
      child.send({ start: true });
      let error: unknown = null;
      try {
        await during();
      } catch (e) {
        error = e;
      }
      child.send({ stop: true });
      const r = await sampled;
      if (error) throw error;
      return r;
    },
    close,
  };
}

export async function startPoster(): Promise<Poster> {
  const { child, close } = await forkClient('bench/sim/poster.ts', []);
  return {
    async post(urls, bodies) {
      const done = answer<{ ms?: number[][]; error?: string }>(child, 'POST client');
      child.send({ urls, bodies });
      const r = await done;
      if (r.error !== undefined) throw new Error(r.error);
      return r.ms!;
    },
    close,
  };
}
