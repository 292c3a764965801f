/**
 * What agents report and what the service answers about observed
 * connections. The body of POST /v1/agents/hosts/:name/observations is
 * `ObservationReport`; GET /v1/flows answers `FlowRecord[]`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { RULE_KINDS, VERDICTS, type RuleKind, type Verdict } from './verdicts';

const VerdictSchema = Type.Union(
  VERDICTS.map((v) => Type.Literal(v)),
  { description: 'The verdict recorded with the connection.' },
);
const RuleKindSchema = Type.Union([...RULE_KINDS.map((v) => Type.Literal(v)), Type.Null()], {
  description: 'The kind of the deciding rule, or null (default allow).',
});

export const ObservedConnection = Type.Object(
  {
    src: Type.String({ minLength: 2, maxLength: 45, description: 'Source IP address (conntrack original direction).' }),
    dst: Type.String({ minLength: 2, maxLength: 45, description: 'Destination IP address.' }),
    protocol: Type.String({
      pattern: '^(tcp|udp|icmp|icmpv6|sctp|[0-9]{1,3})$',
      description: 'tcp, udp, icmp, icmpv6, sctp or an IP protocol number.',
    }),
    port: Type.Union([Type.Integer({ minimum: 0, maximum: 65535 }), Type.Null()], {
      description: 'Destination port (tcp/udp/sctp), else null.',
    }),
    verdict: VerdictSchema,
    rule: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'The deciding rule, or null.' }),
    rule_kind: Type.Optional(RuleKindSchema),
    new: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      description: 'Connections of this group that appeared since the previous report.',
    }),
    active: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      description: 'Connections of this group in conntrack now.',
    }),
  },
  { additionalProperties: false },
);
export type ObservedConnectionT = Static<typeof ObservedConnection>;

export const RuleCounter = Type.Object(
  {
    cookie: Type.String({ pattern: '^0x[0-9a-f]{1,16}$', description: 'The flow cookie, hex.' }),
    rule: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
      description: 'The rule the cookie names, or null for the base pipeline.',
    }),
    rule_kind: Type.Optional(RuleKindSchema),
    packets: Type.Integer({ minimum: 0 }),
    bytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type RuleCounterT = Static<typeof RuleCounter>;

export const ObservationReport = Type.Object(
  {
    connections: Type.Array(ObservedConnection, {
      maxItems: 20000,
      description: 'Connections grouped by (src, dst, protocol, port, verdict, rule).',
    }),
    counters: Type.Optional(
      Type.Array(RuleCounter, { maxItems: 20000, description: 'Cumulative per-cookie flow counters on the bridge.' }),
    ),
  },
  { additionalProperties: false },
);
export type ObservationReportT = Static<typeof ObservationReport>;

/** One aggregated row of GET /v1/flows. */
export interface FlowRecord {
  source: string;
  destination: string;
  source_ip: string;
  destination_ip: string;
  /** true when the address is one of an entity's ips (source/destination are then entity names). */
  source_entity: boolean;
  destination_entity: boolean;
  protocol: string;
  port: number | null;
  verdict: Verdict;
  rule: string | null;
  rule_kind: RuleKind | null;
  first_seen: string;
  last_seen: string;
  /** Connections observed (each side's conntrack counts once). */
  count: number;
  /** Hosts whose agents reported it. */
  hosts: string[];
}
