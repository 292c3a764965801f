/**
 * A process of simulated hosts for the 1,000-host benchmark (suites/scale.ts
 * starts a few). Reads its hosts from the JSON file named by its argument (service,
 * intervalMs, concurrency, hosts[{ name, token, ports }]) and runs one real HostAgent
 * per host on an in-memory bridge, over the real HTTP link.
 *
 * Like `microseg-agent`, each host follows its own view (the link's watch: long
 * polls for the deltas since its resume point), compiles incrementally as it
 * does (host-compile.ts) and reconciles every interval.
 * It has no verifier and answers no traces (no bridge to trace). One difference,
 * to keep one machine standing in for a thousand: at most `concurrency` passes
 * of this process run at once (a real host has its own CPU; here they share two
 * cores and one heap, and each pass holds the policy it fetched). SIGTERM ends
 * the process at once.
 */
import { readFileSync } from 'node:fs';
import { HostAgent } from '../../service/agent/host-agent';
import { localCompiler } from '../../service/agent/host-compile';
import { httpLink } from '../../service/agent/http-link';
import type { HostPorts, PolicyLink } from '../../service/agent/types';
import { MemoryDriver } from './memory-driver';

interface SimConfig {
  service: string;
  intervalMs: number;
  concurrency: number;
  /** Each host with its own agent token (agent tokens are bound to one host). */
  hosts: { name: string; token: string; ports: HostPorts }[];
}

/** A counting semaphore: a pass takes a slot when it fetches the policy and gives it back when it reports. */
function limiter(slots: number): <L extends PolicyLink>(link: L) => L {
  let free = slots;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else free++;
  };
  return <L extends PolicyLink>(link: L): L => {
    let held = false;
    return {
      ...link,
      async fetchPolicy() {
        if (!held) {
          if (free > 0) free--;
          else await new Promise<void>((r) => queue.push(r));
          held = true;
        }
        return link.fetchPolicy();
      },
      async reportStatus(host, status) {
        try {
          await link.reportStatus(host, status);
        } finally {
          if (held) {
            held = false;
            release();
          }
        }
      },
    };
  };
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SimConfig;
const limited = limiter(config.concurrency);
for (const h of config.hosts) {
  const link = limited(httpLink({ services: [config.service], token: h.token, host: h.name, timeoutMs: 600_000 }));
  const agent = new HostAgent({
    host: h.name,
    link,
    driver: new MemoryDriver(h.ports),
    compile: localCompiler(h.name),
    intervalMs: config.intervalMs,
  });
  agent.start();
  // As microseg-agent does: follow the host's view (long polls with a resume point), a pass as soon as it moves.
  link.watch(() => agent.poke(), { retryMs: config.intervalMs });
}
// In-memory bridges need no cleanup, and waiting for queued passes (a first one compiles its host whole) could take minutes.
process.on('SIGTERM', () => process.exit(0));
