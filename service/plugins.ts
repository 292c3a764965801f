/**
 * The plugins every app that `buildApp` makes loads (monitoring routes,
 * embedded agents…). Add yours with one line here.
 *
 * A plugin is a fastify plugin wrapped with fastify-plugin, with a name and
 * the plugins it depends on (`microseg-core` for app.store, app.agentLink and
 * app.dataDir). Routes declare `config: { access: 'open' | 'read' | 'write' |
 * 'agent' | 'host' }` (default: GET read, other methods write; `host` is for
 * routes that act for the host named by `:name`, see service/auth.ts). Start
 * background work in an `onReady` hook and stop it in `onClose`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { monitoringPlugin } from './observations/monitoring';
import { embeddedAgentsPlugin } from './agent/plugin';
import { tracePlugin } from './trace';

export const servicePlugins: FastifyPluginAsync[] = [
  monitoringPlugin, // listens to the agent link: agent errors, in-process observations
  embeddedAgentsPlugin, // one reconcile loop per host with ovs_rundir (service/agent/plugin.ts)
  tracePlugin, // POST /v1/trace through the hosts' agents, and their long poll for it (service/trace.ts)
];
