/**
 * The `microseg-status` plugin: /healthz, /v1/status (generation and host realization) and /v1/reachability
 * (the reference evaluator).
 */
import fp from 'fastify-plugin';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PolicySnapshot } from '../model/snapshot';
import { parseAddress } from '../model/net';
import { DomainError } from '../model/errors';
import { asUnavailable } from '../store/errors';
import { explain, explainDrafts, ExplainInputError, type ExplainQuery, type ExplainResult } from '../policy/explain';

export type { ExplainQuery };
export type Explain = (snapshot: PolicySnapshot, query: ExplainQuery) => ExplainResult;

const ReachabilityQuery = Type.Object(
  {
    src: Type.String({ minLength: 1, maxLength: 64, description: 'Source: an entity name or an IP address.' }),
    dst: Type.String({ minLength: 1, maxLength: 64, description: 'Destination: an entity name or an IP address.' }),
    protocol: Type.String({
      minLength: 1,
      maxLength: 16,
      description:
        'The connection protocol: tcp, udp, sctp, icmp, icmpv6, or another IP protocol by name (gre, esp, …) or number.',
    }),
    port: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,5}$', description: 'Destination port (tcp/udp/sctp), 1-65535.' }),
    ),
    icmp_type: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'ICMP type (icmp/icmpv6), 0-255.' })),
    icmp_code: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'ICMP code (icmp/icmpv6), 0-255.' })),
  },
  { additionalProperties: false },
);

const ReachabilityResult = Type.Object({
  verdict: Type.String({ description: 'allow, deny or would-deny.' }),
  layer: Type.String({ description: 'quarantine, shared_service, isolation, application or default.' }),
  rule: Type.Union([Type.String(), Type.Null()], {
    description: 'The deciding rule, or null (default, or Quarantine: Strict).',
  }),
  mode: Type.Union([Type.String(), Type.Null()], { description: 'The deciding rule mode, or null.' }),
  drafts: Type.Array(Type.Object({ kind: Type.String(), rule: Type.String(), verdict: Type.String() }), {
    description:
      'Drafts (mode off) that, switched to apply, would decide this connection, with the verdict they would give.',
  }),
});

function numberParam(value: string | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (n < min || n > max) throw new DomainError('invalid', `${field} must be ${min}-${max}`, field);
  return n;
}

/** /healthz answers within this, whatever the database does (the promise is 2 s). */
const HEALTH_DEADLINE_MS = 1500;

export interface StatusOptions {
  /** Replaces the reference evaluator (tests). */
  explain?: Explain;
}

export const statusPlugin = fp<StatusOptions>(
  async (untyped, { explain: explainImpl }) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const store = app.store;
    const serialized = new WeakMap<object, string>();
    app.get(
      '/healthz',
      {
        logLevel: 'warn',
        config: { access: 'open' },
        schema: {
          tags: ['status'],
          summary: `Health: the service answers and reaches its database within ${HEALTH_DEADLINE_MS / 1000} s (else 503); no token needed`,
        },
      },
      async (request, reply) => {
        let timer: NodeJS.Timeout | undefined;
        // A frozen database must not freeze the health check: it answers in time either way.
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new DomainError('unavailable', `the database did not answer within ${HEALTH_DEADLINE_MS / 1000} s`),
              ),
            HEALTH_DEADLINE_MS,
          );
        });
        try {
          return { ok: true, generation: await Promise.race([store.health(), late]) };
        } catch (err) {
          request.log.error({ err }, 'health check: database unreachable');
          const message = asUnavailable(err)?.message ?? 'the database is unavailable';
          return reply.code(503).send({ ok: false, error: 'unavailable', message, field: null });
        } finally {
          clearTimeout(timer);
        }
      },
    );

    app.get(
      '/v1/status',
      { schema: { tags: ['status'], summary: 'Policy generation and per-host realization' } },
      async (_request, reply) => {
        const overview = await store.overview();
        // Serialized once per overview: the store hands out the same one while nothing it shows changed.
        let body = serialized.get(overview);
        if (body === undefined) serialized.set(overview, (body = JSON.stringify(overview)));
        return reply.type('application/json; charset=utf-8').send(body);
      },
    );

    app.get(
      '/v1/reachability',
      {
        schema: {
          tags: ['status'],
          summary: 'Explain whether a connection is allowed, and by which layer and rule',
          querystring: ReachabilityQuery,
          response: { 200: ReachabilityResult },
        },
      },
      async (request) => {
        const q = request.query;
        const snapshot = await store.getSnapshot();
        for (const field of ['src', 'dst'] as const) {
          const value = q[field] as string;
          if (parseAddress(value) === null && !snapshot.entities.some((e) => e.name === value)) {
            throw new DomainError(
              'not_found',
              `${field}: "${value}" is neither an IP address nor an entity name`,
              field,
            );
          }
        }
        const query: ExplainQuery = {
          src: q.src as string,
          dst: q.dst as string,
          protocol: q.protocol as ExplainQuery['protocol'],
          port: numberParam(q.port, 'port', 1, 65535),
          icmp_type: numberParam(q.icmp_type, 'icmp_type', 0, 255),
          icmp_code: numberParam(q.icmp_code, 'icmp_code', 0, 255),
        };
        for (const k of Object.keys(query) as (keyof ExplainQuery)[]) if (query[k] === undefined) delete query[k];
        try {
          return { ...(explainImpl ?? explain)(snapshot, query), drafts: explainDrafts(snapshot, query) };
        } catch (err) {
          if (err instanceof ExplainInputError) throw new DomainError('invalid', err.message, err.field);
          throw err;
        }
      },
    );
  },
  { name: 'microseg-status', dependencies: ['microseg-core'], fastify: '5.x' },
);
