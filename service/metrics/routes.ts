/**
 * GET /metrics (Prometheus text; any valid token, as for other reads) and the
 * hook that times every API request by route pattern (not raw URL, so label
 * cardinality stays bounded).
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from './metrics';

export function registerMetricsRoutes(app: FastifyInstance, metrics: ServiceMetrics): void {
  // Callback hooks, not async ones: these run on every request, and an async hook costs a promise and a turn.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics') metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Standalone agents report status over HTTP: count their errors here (embedded ones through the agent link).
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.method === 'POST' && request.routeOptions.url === '/v1/agents/hosts/:name/status') {
      const body = request.body as { last_error?: unknown } | undefined;
      metrics.agentStatus(
        (request.params as { name: string }).name,
        typeof body?.last_error === 'string' ? body.last_error : null,
      );
    }
    done();
  });

  app.get(
    '/metrics',
    {
      config: { access: 'read' },
      schema: {
        tags: ['status'],
        summary:
          'Prometheus metrics: realization lag, drift repairs, flows per host, agent errors, API latency, observed connections',
      },
    },
    async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
