/**
 * The shapes of a rule recommendation (GET /v1/application-rules/NAME/recommendation),
 * declared once: the service's query and answer, the CLI's input, the data source's window.
 */
import { Type, type Static } from '@sinclair/typebox';
import { InboundEntry, OutboundEntry } from './schemas';

export const RecommendationQuery = Type.Object(
  {
    window: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'How far back observed connections count: a duration such as "30m" or "2h". Default "24h".',
      }),
    ),
  },
  { additionalProperties: false },
);

export const EvidenceConnection = Type.Object({
  source: Type.String(),
  destination: Type.String(),
  protocol: Type.String(),
  port: Type.Union([Type.Integer(), Type.Null()]),
  count: Type.Integer({ description: 'Connections observed in the window.' }),
  last_seen: Type.String(),
});
export type EvidenceConnectionT = Static<typeof EvidenceConnection>;

/** Why an entry is there: kept from the rule, or the observed connections it allows. */
export const Evidence = Type.Object({ kept: Type.Boolean(), connections: Type.Array(EvidenceConnection) });
export type EvidenceT = Static<typeof Evidence>;

/** What recommend() computes; the route adds the rule, its mode and outbound_policy, and the window. */
export const Recommendation = Type.Object({
  inbound: Type.Array(InboundEntry),
  outbound: Type.Array(OutboundEntry),
  evidence: Type.Object({ inbound: Type.Array(Evidence), outbound: Type.Array(Evidence) }),
  connections: Type.Integer({ description: 'Distinct observed connections the new entries allow.' }),
});
export type RecommendationT = Static<typeof Recommendation>;

export interface RecommendationAnswer extends RecommendationT {
  rule: string;
  mode: string;
  outbound_policy: string;
  window: string;
  since: string;
}
