/**
 * Extensions the service loads into every app that `buildApp` makes
 * (monitoring routes, embedded agents…). Add yours with one line here.
 *
 * A plugin gets the fastify instance (register routes; declare
 * `config: { access: 'open' | 'read' | 'write' | 'agent' | 'host' }` — default:
 * GET read, other methods write; `host` is for routes that act for the host
 * named by `:name`, see service/auth.ts) and the service context (store,
 * agent link).
 * Start background work in an `onReady` hook and stop it in `onClose`.
 */
import type { ServicePlugin } from './app';
import { monitoringPlugin } from './observations/monitoring';
import { embeddedAgentsPlugin } from './agent/plugin';

export const servicePlugins: ServicePlugin[] = [
  monitoringPlugin, // before embedded agents: it adds agentLink.reportObservations
  embeddedAgentsPlugin, // one reconcile loop per host with ovs_rundir (service/agent/plugin.ts)
];
