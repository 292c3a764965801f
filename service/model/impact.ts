/**
 * The impact of a candidate change on observed traffic: the body of
 * POST /v1/impact, its answer, and the one-line text of each flip that the
 * provider's plan warning and `microseg impact` both print. Pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import { KINDS, NAME_PATTERN, type Kind } from './schemas';
import { LAYERS, RULE_KINDS, VERDICTS, type Verdict } from './verdicts';

const KindSchema = Type.Union(
  (Object.keys(KINDS) as Kind[]).map((k) => Type.Literal(k)),
  { description: 'The kind of the object, as the model names it (application_rule, entity, category, …).' },
);

export const ImpactChange = Type.Object(
  {
    action: Type.Union([Type.Literal('create'), Type.Literal('replace'), Type.Literal('delete')], {
      description: 'create (POST), replace (PUT, may rename) or delete (DELETE), as the real write would be.',
    }),
    kind: KindSchema,
    name: Type.Optional(
      Type.String({ pattern: NAME_PATTERN, description: 'replace and delete: the name of the object as it is now.' }),
    ),
    body: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: "create and replace: the whole object, in the kind's input shape." },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ImpactChangeT = Static<typeof ImpactChange>;

export const ImpactRequest = Type.Object(
  {
    changes: Type.Array(ImpactChange, {
      maxItems: 1000,
      description: 'The changes, applied in order to a copy of the current model (nothing is stored).',
    }),
    window: Type.Optional(
      Type.String({
        maxLength: 32,
        description: 'How far back observed connections count, a duration such as 30m or 24h (default 24h).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ImpactRequestT = Static<typeof ImpactRequest>;

const Decision = Type.Object({
  verdict: Type.Union(
    VERDICTS.map((v) => Type.Literal(v)),
    { description: 'allow, deny or would-deny.' },
  ),
  layer: Type.Union(
    LAYERS.map((v) => Type.Literal(v)),
    { description: 'The deciding layer.' },
  ),
  rule: Type.Union([Type.String(), Type.Null()], {
    description: 'The deciding rule, or null (default, or Quarantine: Strict).',
  }),
  mode: Type.Union([Type.Literal('monitor'), Type.Literal('apply'), Type.Null()], {
    description: 'The deciding rule mode.',
  }),
});
export type DecisionT = Static<typeof Decision>;

export const ImpactFlip = Type.Object({
  source: Type.String({ description: 'The source entity (by name) or address.' }),
  destination: Type.String({ description: 'The destination entity (by name) or address.' }),
  source_ip: Type.String(),
  destination_ip: Type.String(),
  protocol: Type.String(),
  port: Type.Union([Type.Integer(), Type.Null()]),
  last_seen: Type.String({ description: 'When it was last observed (RFC 3339).' }),
  count: Type.Integer({ description: 'Connections observed in the window.' }),
  from: Decision,
  to: Decision,
});
export type ImpactFlipT = Static<typeof ImpactFlip>;

export const ImpactResult = Type.Object({
  window: Type.Object({
    seconds: Type.Number(),
    since: Type.String({ description: 'Connections last seen at or after this time were replayed (RFC 3339).' }),
    until: Type.String(),
  }),
  replayed: Type.Integer({
    description: 'Distinct observed connections (source, destination, protocol, port) replayed.',
  }),
  flips: Type.Array(ImpactFlip, { description: 'Each connection whose verdict the change alters, most recent first.' }),
  by_rule: Type.Array(
    Type.Object({
      rule: Type.Union([Type.String(), Type.Null()]),
      kind: Type.Union([...RULE_KINDS.map((k) => Type.Literal(k)), Type.Null()]),
      connections: Type.Integer({ description: 'Flips this rule decides after the change.' }),
      count: Type.Integer({ description: 'Observed connections of those flips.' }),
    }),
    { description: 'Flips by the rule that decides them after the change (before it, when none does after).' },
  ),
});
export type ImpactResultT = Static<typeof ImpactResult>;

/** `tcp/5432`, `icmp`, `gre`. */
export function serviceText(protocol: string, port: number | null): string {
  return port === null || port === 0 ? protocol : `${protocol}/${port}`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} m`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** `web1 → db1 tcp/5432 (last seen 3 m ago)`. */
export function flipText(f: ImpactFlipT, now: number): string {
  return `${f.source} → ${f.destination} ${serviceText(f.protocol, f.port)} (last seen ${ago(now - Date.parse(f.last_seen))} ago)`;
}

const BECOME: Record<Verdict, string> = {
  deny: 'would be denied',
  'would-deny': 'would be reported as would-deny (monitor)',
  allow: 'would be allowed',
};

/** The verdicts in the order a reader cares about them: what the change cuts first. */
const ORDER: Verdict[] = ['deny', 'would-deny', 'allow'];

/**
 * One line per verdict the flips turn into, e.g.
 * `12 observed connections would be denied: web1 → db1 tcp/5432 (last seen 3 m ago), … and 9 more`;
 * at most `shown` connections listed per line. Empty when nothing flips.
 */
export function impactSummary(flips: ImpactFlipT[], now: number, shown = 5): string[] {
  return ORDER.flatMap((verdict) => {
    const these = flips.filter((f) => f.to.verdict === verdict);
    if (these.length === 0) return [];
    const listed = these.slice(0, shown).map((f) => flipText(f, now));
    const more = these.length > shown ? ` and ${these.length - shown} more` : '';
    const noun = these.length === 1 ? 'observed connection' : 'observed connections';
    return [`${these.length} ${noun} ${BECOME[verdict]}: ${listed.join(', ')}${more}`];
  });
}
