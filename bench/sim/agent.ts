/**
 * One simulated host: the real HostAgent with the real HTTP link to the
 * service, on an in-memory bridge. Like `microseg-agent`, it follows its host's
 * view (long polls for deltas since its resume point), compiles incrementally as
 * it does (service/agent/host-compile.ts) and runs a pass on each.
 * `woken` counts the times its view moved (each a pass the service caused).
 */
import { HostAgent } from '../../service/agent/host-agent';
import { localCompiler } from '../../service/agent/host-compile';
import { httpLink } from '../../service/agent/http-link';
import type { HostPorts } from '../../service/agent/types';
import { MemoryDriver } from './memory-driver';
import type { ObjectPool } from './object-pool';

export interface SimAgent {
  agent: HostAgent;
  driver: MemoryDriver;
  readonly woken: number;
  stop(): Promise<void>;
}

export function startSimAgent(o: {
  service: string;
  token: string;
  host: string;
  ports: HostPorts;
  intervalMs?: number;
  timeoutMs?: number;
  /** Shared by the simulated hosts of one process: their views hold one copy of each equal object. */
  pool?: ObjectPool;
}): SimAgent {
  const pool = o.pool;
  const link = httpLink({
    services: [o.service],
    token: o.token,
    host: o.host,
    timeoutMs: o.timeoutMs ?? 120_000,
    share: pool && ((answer) => pool.share(answer)),
  });
  const driver = new MemoryDriver(o.ports);
  const agent = new HostAgent({ host: o.host, link, driver, compile: localCompiler(o.host), intervalMs: o.intervalMs });
  agent.start();
  let woken = 0;
  // As microseg-agent does (service/agent/cli.ts): follow the host's view, a pass as soon as it moves.
  const unwatch = link.watch(
    () => {
      woken++;
      agent.poke();
    },
    { retryMs: o.intervalMs ?? 2000 },
  );
  return {
    agent,
    driver,
    get woken() {
      return woken;
    },
    async stop() {
      unwatch();
      await agent.stop();
    },
  };
}
