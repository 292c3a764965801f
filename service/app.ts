/**
 * Builds the fastify app (without listening) — the one place the service is
 * composed: auth, error format, OpenAPI, the decorations every plugin may use
 * (`microseg-core`: `app.store`, `app.agentLink`, `app.dataDir`), the route
 * plugins of service/api (`microseg-crud`, `microseg-status`,
 * `microseg-agents`, each depending on `microseg-core`), then the plugins of
 * service/plugins.ts and any given in the options. Tests and the demo start it in process.
 */
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { PolicyStore } from './store/store';
import { authenticate, refusal, type Access, type Token } from './auth';
import { AgentLink } from './agent-link';
import { servicePlugins } from './plugins';
import { installErrorHandlers } from './api/errors';
import { registerOpenApi } from './api/openapi';
import { buildSerializer } from './api/serializer';
import { crudPlugin } from './api/crud';
import { agentsPlugin } from './api/agents';
import { statusPlugin, type Explain } from './api/status';
import { impactPlugin } from './api/impact';
import { DomainError } from './model/errors';
import type { TlsFiles } from './config';

export interface BuildOptions {
  store: PolicyStore;
  tokens: readonly Token[];
  /** false (default in tests) or pino options. Authorization headers are always redacted. */
  logger?: FastifyServerOptions['logger'];
  /** Extra fastify plugins, after those of service/plugins.ts (they may depend on `microseg-core`). */
  plugins?: FastifyPluginAsync[];
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
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    token?: Token;
  }
  interface FastifyInstance {
    store: PolicyStore;
    agentLink: AgentLink;
    /** Where the service may keep files (the embedded agents' last realized policies), or null. */
    dataDir: string | null;
  }
}

/** The name plugins declare as a dependency to use app.store, app.agentLink and app.dataDir. */
export const CORE_PLUGIN = 'microseg-core';

function accessOf(method: string, config: { access?: Access } | undefined, url: string): Access {
  if (config?.access) return config.access;
  if (url.startsWith('/docs')) return 'open';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const logger =
    options.logger === undefined || options.logger === false
      ? false
      : {
          ...(options.logger === true ? {} : (options.logger as object)),
          redact: ['req.headers.authorization', 'headers.authorization'],
        };
  const app = Fastify({
    logger,
    // HTTPS only: a plain-HTTP request on this port gets no answer, so no token can travel in clear.
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: true } },
    // Unions of scalars serialized by type, not by an ajv validator compiled on the first answer (serializer.ts).
    schemaController: { compilersFactory: { buildSerializer } },
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

  // A callback hook, not an async one: it runs on every request, and an async hook costs a promise and a turn.
  app.addHook('onRequest', (request, _reply, done) => {
    const access = accessOf(request.method, request.routeOptions.config, request.routeOptions.url ?? request.url);
    if (access === 'open') return done();
    const token = authenticate(options.tokens, request.headers.authorization);
    if (!token)
      return done(
        new DomainError(
          'unauthorized',
          'missing or unknown bearer token (Authorization: Bearer <token>)',
          'Authorization',
        ),
      );
    const refused = refusal(token, access, (request.params as { name?: string } | undefined)?.name);
    if (refused) return done(new DomainError('forbidden', refused, 'Authorization'));
    request.token = token;
    done();
  });

  await registerOpenApi(app);
  await app.register(
    fp(
      async (core) => {
        core.decorate('store', options.store);
        core.decorate('agentLink', new AgentLink(options.store));
        core.decorate('dataDir', options.dataDir ?? null);
      },
      { name: CORE_PLUGIN, fastify: '5.x' },
    ),
  );
  await app.register(crudPlugin);
  await app.register(statusPlugin, { explain: options.explain });
  await app.register(impactPlugin);
  await app.register(agentsPlugin);

  for (const plugin of [...(options.defaultPlugins === false ? [] : servicePlugins), ...(options.plugins ?? [])])
    await app.register(plugin);
  return app;
}
