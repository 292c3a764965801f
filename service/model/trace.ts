/**
 * POST /v1/trace and what it asks a host's agent: the connection, and the
 * agent's answer (the `ofproto/trace` output of its bridge). Shared by the
 * service, the standalone agent and the CLI.
 */
import { Type, type Static } from '@sinclair/typebox';

const Endpoint = Type.String({
  minLength: 1,
  maxLength: 253,
  description: 'An entity name or an IP address (as for GET /v1/reachability).',
});

export const TraceQuery = Type.Object(
  {
    src: Endpoint,
    dst: Endpoint,
    protocol: Type.String({
      minLength: 1,
      maxLength: 16,
      description: 'tcp, udp, sctp, icmp, icmpv6, or an IP protocol.',
    }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    icmp_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    icmp_code: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
  },
  { additionalProperties: false },
);
export type TraceQuery = Static<typeof TraceQuery>;

/** What the service asks a standalone agent (GET /v1/agents/hosts/:name/traces). */
export const HostTraceRequest = Type.Object({ id: Type.String(), query: TraceQuery }, { additionalProperties: false });
export type HostTraceRequest = Static<typeof HostTraceRequest>;

/** Traces are a few kB; a bound keeps a confused agent from sending megabytes. */
export const MAX_TRACE_OUTPUT = 256 * 1024;

/** An agent's answer: its bridge's trace of its end(s) of the connection, or why it could not run one. */
export const HostTraceAnswer = Type.Union([
  Type.Object(
    {
      generation: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
        description: 'The generation realized on the bridge when it was traced.',
      }),
      role: Type.Union([Type.Literal('local'), Type.Literal('egress'), Type.Literal('ingress')]),
      flow: Type.String({ maxLength: 4096, description: 'The flow given to ofproto/trace.' }),
      output: Type.String({ maxLength: MAX_TRACE_OUTPUT, description: 'ofproto/trace output.' }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ error: Type.String({ maxLength: 4096 }) }, { additionalProperties: false }),
]);
export type HostTraceAnswer = Static<typeof HostTraceAnswer>;
