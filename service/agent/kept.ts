/**
 * Embedded agents while the service cannot open its database (it is starting,
 * PostgreSQL is down): one HostAgent per policy the embedded agents kept in
 * the data directory (plugin.ts: AGENT_STATE_DIR), each enforcing its host's
 * last realized policy — a restarted ovs-vswitchd is programmed at once, drift
 * repaired — until the database answers and the real embedded agents take over.
 */
import { readdir } from 'node:fs/promises';
import { HostAgent, type AgentLog } from './host-agent';
import { localCompiler } from './host-compile';
import { OvsDriver } from './ovs-driver';
import { fileCache } from './policy-cache';
import type { PolicyLink } from './types';

export interface KeptAgents {
  hosts: string[];
  stop(): Promise<void>;
}

const SUFFIX = '.policy.json';

export async function startKeptAgents(
  dir: string,
  opts: { intervalMs: number; fullCheckMs?: number; log: AgentLog },
): Promise<KeptAgents> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(SUFFIX));
  } catch {
    files = []; // no directory: nothing was ever kept
  }
  // No service to fetch from or report to: every pass enforces the kept policy.
  const link: PolicyLink = {
    fetchPolicy: () => Promise.reject(new Error('the database cannot be reached yet')),
    reportStatus: () => Promise.resolve(),
  };
  const agents: HostAgent[] = [];
  for (const f of files) {
    const host = f.slice(0, -SUFFIX.length);
    const cache = fileCache(dir, host);
    let where;
    try {
      where = (await cache.load())?.hosts.find((h) => h.name === host);
    } catch (e) {
      opts.log('error', 'cannot read a kept policy', { host, path: cache.path, error: (e as Error).message });
      continue;
    }
    if (!where?.ovs_rundir) continue;
    const agent = new HostAgent({
      host,
      link,
      cache,
      driver: new OvsDriver({ rundir: where.ovs_rundir, bridge: where.bridge }),
      compile: localCompiler(host),
      intervalMs: opts.intervalMs,
      fullCheckMs: opts.fullCheckMs,
      log: opts.log,
    });
    agent.start();
    agents.push(agent);
  }
  return {
    hosts: agents.map((a) => a.host),
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
