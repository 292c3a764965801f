/** A host's realization state: what its agent reports, and what the API shows (the report plus desired generation and time). */
import { Type, type Static } from '@sinclair/typebox';

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
    updated_at: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'Realization state reported by the host agent.' },
);
/** A host's status as the API shows it. */
export type HostStatus = Static<typeof HostStatus>;
