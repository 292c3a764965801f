/** A host's realization state: what its agent reports, and what the API shows (the report plus desired generation and time). */
import { Type, type Static } from '@sinclair/typebox';
import { VERDICTS } from './verdicts';

const VerdictT = Type.Union(VERDICTS.map((v) => Type.Literal(v)));
const Name = Type.String({ maxLength: 512 });

/** A connection whose traced path on the bridge does not give explain()'s verdict (the agent's verifier). */
export const VerifyDisagreement = Type.Object(
  {
    src: Name,
    dst: Name,
    protocol: Type.String({ maxLength: 16 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    icmp_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    icmp_code: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    explain: Type.Object(
      { verdict: VerdictT, rule: Type.Union([Name, Type.Null()]) },
      { additionalProperties: false, description: "explain()'s verdict and deciding rule on the realized policy." },
    ),
    bridge: Type.Object(
      {
        verdict: VerdictT,
        rule: Type.Union([Name, Type.Null()]),
        dropped_at: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
      },
      {
        additionalProperties: false,
        description:
          'What ofproto/trace on the bridge shows: the verdict, the rule its ct_label names, where it dropped.',
      },
    ),
    problem: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type VerifyDisagreement = Static<typeof VerifyDisagreement>;

/** At most this many disagreements are reported (a pass traces only a few connections anyway). */
export const MAX_REPORTED_DISAGREEMENTS = 16;

export const AgentStatusReport = Type.Object(
  {
    realized_generation: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'The generation now programmed on the bridge, or null.',
    }),
    flow_count: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Flows on the bridge, or null when unknown.',
    }),
    reachable: Type.Boolean({ description: "Whether the agent can reach the host's Open vSwitch." }),
    last_error: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], {
      description: 'The last error, or null.',
    }),
    drift_repairs: Type.Integer({ minimum: 0, description: 'How many times the agent repaired out-of-band changes.' }),
    notice: Type.Optional(
      Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], {
        description: "Something the agent had to correct (such as the bridge's fail mode), or null.",
      }),
    ),
    verified_generation: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
        description:
          "The last generation whose sampled connections' traces on the bridge agreed with explain(), or null.",
      }),
    ),
    verify_disagreements: Type.Optional(
      Type.Array(VerifyDisagreement, {
        maxItems: MAX_REPORTED_DISAGREEMENTS,
        description: 'The connections of the last verification whose traces disagree with explain().',
      }),
    ),
  },
  { additionalProperties: false },
);
/** What an agent reports after each pass (POST /v1/agents/hosts/:name/status). */
export type AgentStatusReport = Static<typeof AgentStatusReport>;

export const HostStatus = Type.Object(
  {
    reachable: Type.Boolean(),
    desired_generation: Type.Integer(),
    realized_generation: Type.Union([Type.Integer(), Type.Null()]),
    flow_count: Type.Union([Type.Integer(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    drift_repairs: Type.Integer({ description: 'Out-of-band bridge changes the agent has repaired.' }),
    notice: Type.Union([Type.String(), Type.Null()], {
      description: "Something the agent had to correct, such as setting the bridge's fail mode to secure.",
    }),
    verified_generation: Type.Union([Type.Integer(), Type.Null()], {
      description: "The last generation whose sampled connections' traces on the bridge agreed with explain().",
    }),
    verify_disagreements: Type.Array(VerifyDisagreement, {
      description: "Connections of the agent's last verification whose traced verdict differs from explain()'s.",
    }),
    updated_at: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'Realization state reported by the host agent.' },
);
/** A host's status as the API shows it. */
export type HostStatus = Static<typeof HostStatus>;
