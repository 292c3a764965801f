/**
 * One simulated host: the real HostAgent with the real HTTP link to the
 * service, on an in-memory bridge. Like `microseg-agent`, it long-polls the
 * service for new generations and pokes the agent on each (the same loop).
 */
import { compileHost } from '../../service/compiler';
import { HostAgent } from '../../service/agent/host-agent';
import { httpLink } from '../../service/agent/http-link';
import { followGenerations } from '../../service/agent/long-poll';
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
  agent.start();
  // The same long poll as microseg-agent (service/agent/cli.ts).
  const poll = followGenerations(link, agent, o.intervalMs ?? 2000);
  return {
    agent,
    driver,
    async stop() {
      poll.stop();
      await agent.stop();
    },
  };
}
