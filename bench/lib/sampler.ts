/** The bench's side of bench/sim/sampler.ts: open-loop GET latencies over a window of the bench's choosing. */
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

export async function startSampler(url: string, everyMs: number): Promise<Sampler> {
  const entry = await bundle('bench/sim/sampler.ts');
  const child: ChildProcess = fork(entry, [url, String(everyMs)], {
    env: { ...process.env, MICROSEG_TOKEN: ADMIN_SECRET },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    async over(during) {
      const answer = new Promise<Sampled>((resolve, reject) => {
        child.once('message', (m) => resolve(m as Sampled));
        child.once('exit', (code) => reject(new Error(`the latency sampler exited (${code})`)));
      });
      child.send({ start: true });
      let error: unknown = null;
      try {
        await during();
      } catch (e) {
        error = e;
      }
      child.send({ stop: true });
      const r = await answer;
      child.removeAllListeners('exit');
      if (error) throw error;
      return r;
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.disconnect();
      await gone;
    },
  };
}
