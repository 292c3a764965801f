/**
 * POST /v1/trace: `ofproto/trace` of one connection on the bridges of both its
 * ends, run by their agents, beside explain()'s verdict and whether they agree.
 * The path comes back table by table (names from the pipeline declaration,
 * rules from the cookies), with the verdict the commits on it record.
 *
 * An embedded agent traces in process. A standalone microseg-agent is asked
 * through its own long poll (GET /v1/agents/hosts/:name/traces?wait=S) and
 * answers with POST /v1/agents/hosts/:name/traces/:id; one that does not
 * answer within the bound makes the request fail with 504 naming the host.
 * The broker is this process's memory: with replicas, a trace is answered by
 * the agent whose long poll reached the same replica.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';
import { DomainError } from './model/errors';
import { NAME_PATTERN } from './model/schemas';
import { parseAddress } from './model/net';
import { HostTraceAnswer, TraceQuery, type HostTraceRequest } from './model/trace';
import { explain, ExplainInputError, resolveEndpoint } from './policy/explain';
import { agrees, bridgeVerdict, nameHops, parseTrace, ruleOf, type ParsedTrace } from './compiler/trace';

/** How long POST /v1/trace waits for a standalone agent (default; the plugin option overrides it). */
export const TRACE_TIMEOUT_MS = 10_000;

interface Waiting {
  host: string;
  resolve: (answer: HostTraceAnswer | null) => void;
}

/** Trace requests for standalone agents: queued per host, handed to its long poll, answered by id. */
export class TraceBroker {
  private readonly queued = new Map<string, HostTraceRequest[]>();
  private readonly polls = new Map<string, Set<() => void>>();
  private readonly waiting = new Map<string, Waiting>();

  /** Asks `host`'s agent; null when it does not answer within `timeoutMs`. */
  ask(host: string, query: TraceQuery, timeoutMs: number): Promise<HostTraceAnswer | null> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), timeoutMs);
      const finish = (answer: HostTraceAnswer | null) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        const q = this.queued.get(host);
        if (q)
          this.queued.set(
            host,
            q.filter((r) => r.id !== id),
          );
        resolve(answer);
      };
      this.waiting.set(id, { host, resolve: finish });
      this.queued.set(host, [...(this.queued.get(host) ?? []), { id, query }]);
      for (const wake of this.polls.get(host) ?? []) wake();
    });
  }

  /** The long poll: the requests queued for `host`, waiting up to `waitMs` for one. */
  take(host: string, waitMs: number): Promise<HostTraceRequest[]> {
    const now = () => {
      const items = this.queued.get(host) ?? [];
      this.queued.delete(host);
      return items;
    };
    if (this.queued.get(host)?.length || waitMs <= 0) return Promise.resolve(now());
    return new Promise((resolve) => {
      const set = this.polls.get(host) ?? new Set();
      this.polls.set(host, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve(now());
      };
      const timer = setTimeout(wake, waitMs);
      set.add(wake);
    });
  }

  /** An agent's answer; false when no request of that host has this id (answered, timed out, or another's). */
  answer(host: string, id: string, answer: HostTraceAnswer): boolean {
    const w = this.waiting.get(id);
    if (!w || w.host !== host) return false;
    w.resolve(answer);
    return true;
  }

  /** Wakes every long poll (shutdown). */
  close(): void {
    for (const set of this.polls.values()) for (const wake of [...set]) wake();
  }
}

export interface TracePluginOptions {
  /** How long to wait for a standalone agent's answer (default 10 s). */
  timeoutMs?: number;
}

const WaitQuery = Type.Object({
  wait: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,2}$', description: 'Seconds to wait for a request at most (0-60, default 25).' }),
  ),
});

export function createTracePlugin(options: TracePluginOptions = {}): FastifyPluginAsync {
  return fp(
    async (untyped: FastifyInstance) => {
      const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
      const timeoutMs = options.timeoutMs ?? TRACE_TIMEOUT_MS;
      const broker = new TraceBroker();
      app.addHook('preClose', async () => broker.close());

      /** One host's trace: in process when its agent is embedded, else through the broker. */
      const traceOn = async (host: string, query: TraceQuery, field: 'src' | 'dst'): Promise<HostTraceAnswer> => {
        const verifier = app.embeddedAgents?.verifier(host);
        if (verifier) return verifier.traceOnDemand(query);
        const answer = await broker.ask(host, query, timeoutMs);
        if (answer) return answer;
        throw new DomainError(
          'timeout',
          `host ${host}: its agent did not answer the trace within ${timeoutMs / 1000} s (is microseg-agent running there, and connected to this service?)`,
          field,
        );
      };

      app.post(
        '/v1/trace',
        {
          config: { access: 'read' },
          schema: {
            tags: ['status'],
            summary:
              "ofproto/trace of a connection on the bridges of both its ends (through their agents): the path by table, the deciding rule, explain()'s verdict and whether they agree (504 when an agent does not answer)",
            body: TraceQuery,
          },
        },
        async (request) => {
          const query = request.body;
          const snapshot = await app.store.getSnapshot();
          for (const field of ['src', 'dst'] as const) {
            const value = query[field];
            if (parseAddress(value) === null && !snapshot.entities.some((e) => e.name === value))
              throw new DomainError(
                'not_found',
                `${field}: "${value}" is neither an IP address nor an entity name`,
                field,
              );
          }
          let expected;
          try {
            expected = explain(snapshot, query);
          } catch (err) {
            if (err instanceof ExplainInputError) throw new DomainError('invalid', err.message, err.field);
            throw err;
          }
          const src = resolveEndpoint(snapshot, query.src, 'src');
          const dst = resolveEndpoint(snapshot, query.dst, 'dst');
          // Egress end first: the traces are read in the order the packet takes them.
          const hosts = [...new Set([src.entity?.host, dst.entity?.host].filter((h): h is string => !!h))];
          if (hosts.length === 0)
            throw new DomainError(
              'invalid',
              'neither src nor dst is an entity: no microseg bridge is on the path of this connection',
              'src',
            );
          const fieldOf = (h: string) => (src.entity?.host === h ? 'src' : 'dst');
          const answers = await Promise.all(hosts.map((h) => traceOn(h, query, fieldOf(h))));
          const path: { host: string; answer: Extract<HostTraceAnswer, { output: string }>; parsed: ParsedTrace }[] =
            [];
          answers.forEach((answer, i) => {
            if ('error' in answer)
              throw new DomainError('conflict', `host ${hosts[i]}: cannot trace: ${answer.error}`, fieldOf(hosts[i]));
            let parsed: ParsedTrace;
            try {
              parsed = parseTrace(answer.output);
            } catch (e) {
              throw new DomainError('conflict', `host ${hosts[i]}: ${(e as Error).message}`, fieldOf(hosts[i]));
            }
            path.push({ host: hosts[i], answer, parsed });
          });
          const seen = bridgeVerdict(path.map((p) => p.parsed));
          return {
            generation: snapshot.generation,
            connection: query,
            explain: expected,
            bridge: {
              verdict: seen.verdict,
              layer: seen.layer,
              rule: ruleOf(snapshot, seen.layer, seen.ruleId)?.name ?? null,
              rule_id: seen.ruleId,
              dropped_at: seen.droppedAt,
            },
            agree: agrees(snapshot, expected, seen),
            path: path.map(({ host, answer, parsed }) => ({
              host,
              role: answer.role,
              generation: answer.generation,
              flow: answer.flow,
              forwarded: parsed.forwarded,
              tables: nameHops(snapshot, parsed).map((h) => ({
                table: h.table,
                name: h.name,
                matched: h.matched,
                match: h.match,
                priority: h.priority,
                cookie: h.cookie,
                rule: h.rule ? { kind: h.rule.kind, name: h.rule.name } : null,
                actions: h.actions,
              })),
              output: answer.output,
            })),
          };
        },
      );

      app.get(
        '/v1/agents/hosts/:name/traces',
        {
          logLevel: 'warn',
          config: { access: 'host' },
          schema: {
            tags: ['agents'],
            summary: 'A standalone agent long-polls for the traces POST /v1/trace asks of its host',
            params: Type.Object({ name: Type.String({ pattern: NAME_PATTERN }) }),
            querystring: WaitQuery,
          },
        },
        async (request) => ({
          items: await broker.take(request.params.name, Math.min(60, Number(request.query.wait ?? 25)) * 1000),
        }),
      );

      app.post(
        '/v1/agents/hosts/:name/traces/:id',
        {
          logLevel: 'warn',
          config: { access: 'host' },
          schema: {
            tags: ['agents'],
            summary: "A standalone agent answers a trace request with its bridge's ofproto/trace output",
            params: Type.Object({ name: Type.String({ pattern: NAME_PATTERN }), id: Type.String({ maxLength: 64 }) }),
            body: HostTraceAnswer,
          },
        },
        async (request, reply) => {
          if (!broker.answer(request.params.name, request.params.id, request.body))
            throw new DomainError(
              'not_found',
              `no trace request ${request.params.id} is waiting for host ${request.params.name} (answered or timed out)`,
              'id',
            );
          reply.code(204).send();
        },
      );
    },
    { name: 'microseg-trace', dependencies: ['microseg-core'], fastify: '5.x' },
  );
}

export const tracePlugin = createTracePlugin();
