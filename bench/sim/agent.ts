/**
 * One simulated host: the real HostAgent with the real HTTP link to the
 * service, on an in-memory bridge. Like `microseg-agent`, it long-polls the
 * service for new generations and pokes the agent on each.
 */
import { compileHost } from '../../service/compiler';
import { HostAgent } from '../../service/agent/host-agent';
import { httpLink } from '../../service/agent/http-link';
import type { HostPorts } from '../../service/agent/types';
import { MemoryDriver } from './memory-driver';

export interface SimAgent {
  agent: HostAgent;
  driver: MemoryDriver;
  stop(): Promise<void>;
}

export function startSimAgent(o: {
  service: string;
  token: string;
  host: string;
  ports: HostPorts;
  intervalMs?: number;
}): SimAgent {
  const link = httpLink({ services: [o.service], token: o.token, timeoutMs: 120_000 });
  const driver = new MemoryDriver(o.ports);
  const agent = new HostAgent({ host: o.host, link, driver, compile: compileHost, intervalMs: o.intervalMs });
  let stopping = false;
  agent.start();
  // The same long poll as service/agent/cli.ts.
  const polling = (async () => {
    let after = 0;
    while (!stopping) {
      try {
        const snap = await link.waitForPolicy(after, 25);
        if (snap.generation !== after) {
          after = snap.generation;
          agent.poke();
        }
      } catch {
        if (!stopping) await new Promise((r) => setTimeout(r, o.intervalMs ?? 2000));
      }
    }
  })();
  return {
    agent,
    driver,
    async stop() {
      stopping = true;
      await agent.stop();
      void polling;
    },
  };
}
