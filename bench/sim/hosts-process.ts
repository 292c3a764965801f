/**
 * A process of simulated hosts for the 1,000-host benchmark (suites/scale.ts
 * starts a few). Reads its hosts from the JSON file named by its argument
 * (service, intervalMs, hosts[{ name, token, ports }]) and runs one simulated
 * host each (sim/agent.ts: the real HostAgent with its incremental compiler and
 * HTTP link on an in-memory bridge), like `microseg-agent`: each follows its
 * own view and reconciles every interval. Their views share one copy of each
 * equal object (object-pool.ts); they start 16 at a time. It has no verifier and answers no traces (no
 * bridge to trace).
 *
 * Over IPC it answers `{ stats: true }` with what the suite cannot see from
 * outside: per host the generation realized, the times its view moved (woken)
 * and the flows its bridge holds, and this process's heap. SIGTERM ends the
 * process at once.
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { HostPorts } from '../../service/agent/types';
import { eventually } from '../../lab/eventually';
import { startSimAgent, type SimAgent } from './agent';
import { ObjectPool } from './object-pool';

interface SimConfig {
  service: string;
  intervalMs: number;
  /** Each host with its own agent token (agent tokens are bound to one host). */
  hosts: { name: string; token: string; ports: HostPorts }[];
}

/** The answer to `{ stats: true }`. */
export interface SimStats {
  hosts: { name: string; realized: number | null; woken: number; flows: number }[];
  heapUsedBytes: number;
  heapLimitBytes: number;
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SimConfig;
const pool = new ObjectPool();
/**
 * Hosts start 16 at a time, each once one before it ended its first pass (loaded or failed): started all
 * at once, every host would hold its whole view's text and parsed copy (≈ 9 MB at 20k entities) while the
 * others download theirs, on top of what the hosts keep. The CPU, not this, bounds the initial load.
 */
const LOADING = 16;
const sims: SimAgent[] = [];
let next = 0;
const starter = async () => {
  while (next < config.hosts.length) {
    const h = config.hosts[next++];
    const sim = startSimAgent({
      service: config.service,
      token: h.token,
      host: h.name,
      ports: h.ports,
      intervalMs: config.intervalMs,
      timeoutMs: 600_000,
      pool,
    });
    sims.push(sim);
    await eventually(`${h.name}'s first pass`, () => sim.agent.last !== null, { timeoutMs: 600_000, intervalMs: 20 });
  }
};
void Promise.all(Array.from({ length: LOADING }, starter));
process.on('message', (m: { stats?: true }) => {
  if (!m.stats) return;
  const heap = getHeapStatistics();
  const stats: SimStats = {
    hosts: sims.map((s) => ({
      name: s.agent.host,
      realized: s.agent.last?.realized_generation ?? null,
      woken: s.woken,
      flows: s.driver.size,
    })),
    heapUsedBytes: heap.used_heap_size,
    heapLimitBytes: heap.heap_size_limit,
  };
  process.send!(stats);
});
// In-memory bridges need no cleanup, and waiting for passes in progress (each may be a whole compile) could take long.
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
