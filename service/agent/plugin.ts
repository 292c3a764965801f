/**
 * The service plugin that runs embedded agents (hosts with `ovs_rundir`):
 * started when the app is ready, stopped when it closes.
 *
 * Env: MICROSEG_AGENT_INTERVAL (reconcile interval, default 2s; e.g. 500ms),
 * MICROSEG_AGENT_FULL_CHECK (how often the whole bridge is compared, default 60s),
 * MICROSEG_OBSERVE_INTERVAL (observation rounds, default 5s),
 * MICROSEG_VERIFY_SAMPLE (connections traced after each realization, default 8; 0: off),
 * MICROSEG_EMBEDDED_AGENTS=off to run none (every host then needs a standalone agent).
 * With a data directory, each agent keeps its host's last realized policy in
 * `<data dir>/agent-state/<host>.policy.json`.
 */
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { EmbeddedAgents } from './embedded';
import { CompilePool } from './compile-pool';
import { OvsHelper } from './ovs-helper-client';
import { fileCache } from './policy-cache';
import { observationAfterPass } from './observe';
import { readAgentTimings, type AgentTimings } from './timings';
import type { ObservationDecoder } from './reporter';
import type { PolicySnapshot } from '../model/snapshot';
import type { CompileHost } from './types';
import { pipelineDecoder } from './decode';
import { readVerifySample } from './verifier';

export interface EmbeddedAgentsPluginOptions {
  intervalMs?: number;
  fullCheckMs?: number;
  observeIntervalMs?: number;
  enabled?: boolean;
  /** Connections each verifier traces after a realization (default MICROSEG_VERIFY_SAMPLE, else 8). */
  verifySample?: number;
  /** A whole compile instead of each host's incremental compiler in worker threads (compile-pool.ts); tests wrap compileHost to make one host's compilation fail. */
  compile?: CompileHost;
  /** Decodes the compiled pipeline's ct_mark/ct_label and cookies; given, each pass also reports observations. */
  decoderFor?: (snapshot: PolicySnapshot) => ObservationDecoder;
}

/** The embedded agents' last realized policies, one file per host, under the service's data directory. */
export const AGENT_STATE_DIR = 'agent-state';

export function readAgentOptions(
  env: NodeJS.ProcessEnv = process.env,
): { enabled: boolean; verifySample: number } & AgentTimings {
  const flag = env.MICROSEG_EMBEDDED_AGENTS;
  if (flag !== undefined && !['on', 'off', ''].includes(flag))
    throw new Error(`MICROSEG_EMBEDDED_AGENTS must be "on" or "off", got "${flag}"`);
  return { enabled: flag !== 'off', verifySample: readVerifySample(env), ...readAgentTimings(env) };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The embedded agents (absent when MICROSEG_EMBEDDED_AGENTS=off). */
    embeddedAgents?: EmbeddedAgents;
  }
}

export function createEmbeddedAgentsPlugin(options: EmbeddedAgentsPluginOptions = {}): FastifyPluginAsync {
  return fp(
    async (app: FastifyInstance) => {
      const opts = { ...readAgentOptions(), ...options };
      if (!opts.enabled) return;
      const { agentLink: link, dataDir } = app;
      // Compiling a host takes long at scale: off the event loop, so the API keeps answering meanwhile.
      const pool = opts.compile ? null : new CompilePool();
      // Their OVS programs are started by a small helper process: a fork of the service held its event loop.
      const commands = new OvsHelper();
      const agents = new EmbeddedAgents({
        link,
        compilerFor: (host) => opts.compile ?? pool!.forHost(host),
        intervalMs: opts.intervalMs,
        fullCheckMs: opts.fullCheckMs,
        verifySample: opts.verifySample,
        commands,
        log: (level, msg, fields) => app.log[level]({ ...fields }, msg),
        afterPass: opts.decoderFor
          ? observationAfterPass({ link, decoderFor: opts.decoderFor, intervalMs: opts.observeIntervalMs })
          : undefined,
        cacheFor: dataDir ? (host) => fileCache(join(dataDir, AGENT_STATE_DIR), host) : undefined,
      });
      app.decorate('embeddedAgents', agents);
      app.addHook('onReady', async () => {
        await agents.start();
      });
      app.addHook('onClose', async () => {
        await agents.stop();
        await Promise.all([pool?.close(), commands.close()]);
      });
    },
    { name: 'microseg-embedded-agents', dependencies: ['microseg-core'], fastify: '5.x' },
  );
}

/** The default: agents also report observed connections and rule counters (monitoring). */
export const embeddedAgentsPlugin = createEmbeddedAgentsPlugin({ decoderFor: pipelineDecoder });
