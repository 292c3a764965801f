/**
 * The service plugin that runs embedded agents (hosts with `ovs_rundir`):
 * started when the app is ready, stopped when it closes.
 *
 * Env: MICROSEG_AGENT_INTERVAL (reconcile interval, default 2s; e.g. 500ms),
 * MICROSEG_EMBEDDED_AGENTS=off to run none (every host then needs a standalone agent).
 * With a data directory, each agent keeps its host's last realized policy in
 * `<data dir>/agent-state/<host>.policy.json`.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext, ServicePlugin } from '../app';
import { compileHost } from '../compiler';
import { EmbeddedAgents } from './embedded';
import { fileCache } from './policy-cache';
import { requireDuration } from '../model/duration';
import { INTERVAL_RANGE } from './host-agent';
import { observationAfterPass } from '../observations/agent-hook';
import type { ObservationDecoder } from '../observations/reporter';
import type { PolicySnapshot } from '../model/snapshot';
import type { CompileHost } from './types';
import { pipelineDecoder } from '../observations/decode';

export interface EmbeddedAgentsPluginOptions {
  intervalMs?: number;
  enabled?: boolean;
  /** The compiler (default compileHost); tests wrap it to make one host's compilation fail. */
  compile?: CompileHost;
  /** Decodes the compiled pipeline's ct_mark/ct_label and cookies; given, each pass also reports observations. */
  decoderFor?: (snapshot: PolicySnapshot) => ObservationDecoder;
}

/** The embedded agents' last realized policies, one file per host, under the service's data directory. */
export const AGENT_STATE_DIR = 'agent-state';

const registry = new WeakMap<FastifyInstance, EmbeddedAgents>();
/** The embedded agents of an app (the bench stops and restarts them to measure without them). */
export function embeddedAgentsOf(app: FastifyInstance): EmbeddedAgents | undefined {
  return registry.get(app);
}

export function readAgentOptions(env: NodeJS.ProcessEnv = process.env): { enabled: boolean; intervalMs: number } {
  const flag = env.MICROSEG_EMBEDDED_AGENTS;
  if (flag !== undefined && !['on', 'off', ''].includes(flag)) throw new Error(`MICROSEG_EMBEDDED_AGENTS must be "on" or "off", got "${flag}"`);
  const interval = env.MICROSEG_AGENT_INTERVAL;
  return { enabled: flag !== 'off', intervalMs: interval ? requireDuration(interval, 'MICROSEG_AGENT_INTERVAL', INTERVAL_RANGE) : 2000 };
}

export function createEmbeddedAgentsPlugin(options: EmbeddedAgentsPluginOptions = {}): ServicePlugin {
  return (app: FastifyInstance, ctx: ServiceContext) => {
    const opts = { ...readAgentOptions(), ...options };
    if (!opts.enabled) return;
    const link = ctx.agentLink;
    const agents = new EmbeddedAgents({
      link: {
        fetchPolicy: () => link.fetchPolicy(),
        // Looked up at call time: other plugins (monitoring) wrap reportStatus.
        reportStatus: (host, status) => link.reportStatus(host, status),
        onGeneration: (l) => link.onGeneration(l),
      },
      compile: opts.compile ?? compileHost,
      intervalMs: opts.intervalMs,
      log: (level, msg, fields) => app.log[level]({ ...fields }, msg),
      afterPass: opts.decoderFor ? observationAfterPass({ link, decoderFor: opts.decoderFor }) : undefined,
      cacheFor: ctx.dataDir ? (host) => fileCache(join(ctx.dataDir!, AGENT_STATE_DIR), host) : undefined,
    });
    registry.set(app, agents);
    app.addHook('onReady', async () => { await agents.start(); });
    app.addHook('onClose', async () => { await agents.stop(); });
  };
}

/** The default: agents also report observed connections and rule counters (monitoring). */
export const embeddedAgentsPlugin: ServicePlugin = createEmbeddedAgentsPlugin({ decoderFor: pipelineDecoder });
