/**
 * The monitoring service plugin: observation ingestion and queries, metrics,
 * and the web page, sharing one flow store and one metrics registry.
 *
 * Env: MICROSEG_FLOWS_MAX (aggregated rows kept, default 50000) and
 * MICROSEG_FLOWS_RETENTION (seconds a row is kept after it was last seen,
 * default 86400). The history is in the database, shared by every replica.
 * MICROSEG_SYSLOG (`udp://host:port`, `tcp://host:port`): where the rule log
 * (rule-log.ts) is also sent.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { FlowStore } from './flow-store';
import { registerObservationRoutes } from './routes';
import { ServiceMetrics } from '../metrics/metrics';
import { registerMetricsRoutes } from '../metrics/routes';
import { registerUiRoutes } from '../ui/routes';
import type { ObservationReportT } from '../model/observation';
import { RuleLog, parseSyslogTarget } from './rule-log';
import type { Writable } from 'node:stream';

export interface MonitoringOptions {
  maxEntries: number;
  retentionMs: number;
  /** The rule log's syslog collector (MICROSEG_SYSLOG), if any. */
  syslog?: string;
  /** Where the rule log's JSON lines go (default stdout; null: only syslog). */
  ruleLogStream?: Writable | null;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1)
    throw new Error(`${name} must be a positive integer, got "${text}"`);
  return Number(text);
}

export function readMonitoringOptions(env: NodeJS.ProcessEnv = process.env): MonitoringOptions {
  return {
    maxEntries: positiveInt(env, 'MICROSEG_FLOWS_MAX', 50_000),
    retentionMs: positiveInt(env, 'MICROSEG_FLOWS_RETENTION', 86_400) * 1000,
    // Checked at start: a typo should stop the service, not silently log nowhere.
    ...(env.MICROSEG_SYSLOG ? { syslog: (parseSyslogTarget(env.MICROSEG_SYSLOG), env.MICROSEG_SYSLOG) } : {}),
  };
}

/** What the plugin decorates the app with (`app.monitoring`). */
export interface Monitoring {
  flows: FlowStore;
  metrics: ServiceMetrics;
  ingest: (host: string, report: ObservationReportT) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    monitoring: Monitoring;
  }
}

export function createMonitoringPlugin(options?: Partial<MonitoringOptions>): FastifyPluginAsync {
  return fp(
    async (app: FastifyInstance) => {
      const opts = { ...readMonitoringOptions(), ...options };
      const { store, agentLink } = app;
      const flows = new FlowStore(store.flows, { maxEntries: opts.maxEntries, retentionMs: opts.retentionMs });
      const metrics = new ServiceMetrics({
        generation: () => store.generation(),
        hosts: async () =>
          Promise.all(
            (await store.getSnapshot()).hosts.map(async (h) => ({ host: h.name, ...(await store.hostStatus(h.name)) })),
          ),
        flowStore: async () => {
          const s = await flows.stats();
          return { entries: s.entries, max: s.max_entries, dropped: s.dropped, expired: s.expired };
        },
      });
      let lastSyslogError = '';
      const ruleLog = new RuleLog({
        syslog: opts.syslog,
        stream: opts.ruleLogStream,
        onDrop: (sink, lines) => metrics.ruleLogDropped(sink, lines),
        // Once per distinct error: a collector that is away would otherwise be reported every reconnect.
        onError: (message) => {
          if (message !== lastSyslogError) app.log.warn({ error: message }, 'rule log: syslog collector unreachable');
          lastSyslogError = message;
        },
      });
      app.addHook('onClose', async () => ruleLog.close());
      const { ingest } = registerObservationRoutes(app, {
        store,
        flows,
        ruleLog,
        onIngest: (c) => metrics.connectionsObserved(c),
      });
      registerMetricsRoutes(app, metrics);
      registerUiRoutes(app);

      // Embedded agents report through the agent link: count their errors, ingest their observations in process.
      const offs = [
        agentLink.on('status', (host, status) => metrics.agentStatus(host, status.last_error)),
        agentLink.on('observations', ingest),
      ];
      app.addHook('onClose', async () => {
        for (const off of offs) off();
      });
      app.decorate('monitoring', { flows, metrics, ingest });
    },
    { name: 'microseg-monitoring', dependencies: ['microseg-core'], fastify: '5.x' },
  );
}

export const monitoringPlugin = createMonitoringPlugin();
