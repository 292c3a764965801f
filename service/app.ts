/**
 * Builds the fastify app (without listening): auth, error format, OpenAPI,
 * the CRUD, status and agent routes, then the plugins of service/plugins.ts
 * and any given in the options. Tests and the demo start it in process.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { PolicyStore } from './store/store';
import { authenticate, refusal, type Access, type Token } from './auth';
import { inProcessAgentLink, type AgentLink } from './agent-link';
import { installErrorHandlers } from './api/errors';
import { registerOpenApi } from './api/openapi';
import { registerCrudRoutes } from './api/crud';
import { registerAgentRoutes } from './api/agents';
import { registerStatusRoutes, type Explain } from './api/status';
import { ServiceError } from './store/errors';
import type { TlsFiles } from './config';

export interface ServiceContext {
  store: PolicyStore;
  agentLink: AgentLink;
  dataDir: string | null;
}

export type ServicePlugin = (app: FastifyInstance, ctx: ServiceContext) => void | Promise<void>;

export interface BuildOptions {
  store: PolicyStore;
  tokens: readonly Token[];
  /** false (default in tests) or pino options. Authorization headers are always redacted. */
  logger?: FastifyServerOptions['logger'];
  /** Extra plugins, after those of service/plugins.ts. */
  plugins?: ServicePlugin[];
  /** false: skip service/plugins.ts (unit tests of the core service). Default true. */
  defaultPlugins?: boolean;
  /** Replaces the reference evaluator (tests). */
  explain?: Explain;
  /** Set: HTTPS only, with this certificate and key (PEM). */
  tls?: TlsFiles | null;
  /** Where the service may keep files (the embedded agents' last realized policies); unset: nowhere. */
  dataDir?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig { access?: Access }
  interface FastifyRequest { token?: Token }
}

function accessOf(method: string, config: { access?: Access } | undefined, url: string): Access {
  if (config?.access) return config.access;
  if (url.startsWith('/docs')) return 'open';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const logger = options.logger === undefined || options.logger === false ? false
    : { ...(options.logger === true ? {} : (options.logger as object)), redact: ['req.headers.authorization', 'headers.authorization'] };
  const app = Fastify({
    logger,
    // HTTPS only: a plain-HTTP request on this port gets no answer, so no token can travel in clear.
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: true } },
    bodyLimit: 1024 * 1024,
    // Errors fastify raises before routing (a malformed URL…) get our error format too.
    frameworkErrors: (err, _request, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      (reply as unknown as FastifyReply).code(status).send({ error: 'bad_request', message: err.message, field: null });
    },
  });
  installErrorHandlers(app);
  // Many clients send content-type: application/json on every request, a DELETE included: an empty body is no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });

  app.addHook('onRequest', async (request) => {
    const access = accessOf(request.method, request.routeOptions.config, request.routeOptions.url ?? request.url);
    if (access === 'open') return;
    const token = authenticate(options.tokens, request.headers.authorization);
    if (!token) throw new ServiceError(401, 'unauthorized', 'missing or unknown bearer token (Authorization: Bearer <token>)', 'Authorization');
    const refused = refusal(token, access, (request.params as { name?: string } | undefined)?.name);
    if (refused) throw new ServiceError(403, 'forbidden', refused, 'Authorization');
    request.token = token;
  });

  await registerOpenApi(app);
  const ctx: ServiceContext = { store: options.store, agentLink: inProcessAgentLink(options.store), dataDir: options.dataDir ?? null };
  registerCrudRoutes(app, options.store);
  registerStatusRoutes(app, options.store, options.explain);
  registerAgentRoutes(app, options.store);

  const plugins = [...(options.defaultPlugins === false ? [] : (await import('./plugins')).servicePlugins), ...(options.plugins ?? [])];
  for (const plugin of plugins) await plugin(app, ctx);
  return app;
}
