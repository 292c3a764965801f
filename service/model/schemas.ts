/**
 * The model (docs/architecture.md, docs/semantics.md), declared once.
 *
 * These TypeBox schemas are the single source of truth: the API validates
 * request bodies with them, the code takes its types from them (`Static`),
 * the OpenAPI document is generated from them, and the Terraform provider
 * reuses their descriptions. Semantic checks that JSON Schema cannot state
 * (canonical CIDRs, port ranges low <= high, references to other objects)
 * live in `validate.ts`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OTHER_PROTOCOL_NAMES, PROTOCOL_PATTERN } from './protocols';
import { HostStatus } from './host-status';

export const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]{0,63}$';
/** Category values may start with a digit ("2024", "v1"). */
export const VALUE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

export const Name = (description: string) => Type.String({ pattern: NAME_PATTERN, description });
const CategoryValue = Type.String({ pattern: VALUE_PATTERN, description: 'A value of the category.' });
const Description = Type.String({ maxLength: 1024, default: '', description: 'Free text for humans.' });

export const Protocol = Type.String({
  pattern: PROTOCOL_PATTERN,
  description: `IP protocol: tcp, udp, sctp (with ports), icmp, icmpv6 (with type/code), any, another protocol by name (${OTHER_PROTOCOL_NAMES.join(', ')}) or by number (0-255, kept as written; a number means the protocol it names: 47 is gre, 6 is tcp).`,
});
export const Mode = Type.Union([Type.Literal('monitor'), Type.Literal('apply'), Type.Literal('off')], {
  description:
    '`monitor` forwards and records would-deny connections; `apply` enforces; `off` keeps the rule as a draft: stored and validated, never enforced (explain and reachability name the drafts that would have matched).',
});
const Log = Type.Boolean({
  default: false,
  description:
    'true: every new connection this rule decides is written as one JSON line to the rule log (and to MICROSEG_SYSLOG when set).',
});

export const Service = Type.Object(
  {
    protocol: Protocol,
    ports: Type.Optional(
      Type.Array(
        Type.String({
          pattern: '^[0-9]{1,5}(-[0-9]{1,5})?$',
          description: 'A port ("443") or an inclusive range ("8000-8080"), 1-65535.',
        }),
        {
          description: 'Destination ports for tcp/udp/sctp; empty or absent means every port.',
        },
      ),
    ),
    icmp_type: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 255, description: 'ICMP type (icmp/icmpv6 only); absent means every type.' }),
    ),
    icmp_code: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 255,
        description: 'ICMP code (icmp/icmpv6 only, requires icmp_type); absent means every code.',
      }),
    ),
  },
  { additionalProperties: false, description: 'One protocol with its ports or ICMP type/code.' },
);

// additionalProperties: false, because TypeBox emits only patternProperties: keys not matching the name pattern would pass unchecked.
const CategoryMatch = Type.Record(Type.String({ pattern: NAME_PATTERN }), Type.Array(CategoryValue, { minItems: 1 }), {
  additionalProperties: false,
  description:
    'Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.',
});

const Cidr = Type.String({ description: 'Canonical CIDR, IPv4 or IPv6.' });
const Block = Type.String({
  description: 'Canonical CIDR ("10.0.0.0/24") or inclusive address range ("10.0.0.5-10.0.0.20"), IPv4 or IPv6.',
});

export const Selector = Type.Object(
  { categories: CategoryMatch },
  { additionalProperties: false, description: 'Selects entities by their categories.' },
);

export const Peer = Type.Object(
  {
    categories: Type.Optional(CategoryMatch),
    address_groups: Type.Optional(
      Type.Array(Name('Address group name.'), { description: 'Address groups whose CIDRs are part of the peer.' }),
    ),
    cidrs: Type.Optional(Type.Array(Block, { description: 'CIDRs or address ranges that are part of the peer.' })),
    any: Type.Optional(Type.Boolean({ description: 'true: every address, entity or external.' })),
    except: Type.Optional(
      Type.Array(Cidr, {
        description:
          'CIDRs taken out of the peer: an address in one of them never matches it, whatever part would include it.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The other end of a connection: the union of the entities matched by categories, the address groups, the CIDRs, or anything, minus `except`.',
  },
);

const ServiceFields = {
  services: Type.Optional(
    Type.Array(Service, {
      description: 'Services allowed. With no services and no service_groups every protocol and port is allowed.',
    }),
  ),
  service_groups: Type.Optional(
    Type.Array(Name('Service group name.'), { description: 'Service groups allowed, by name.' }),
  ),
};

export const InboundEntry = Type.Object(
  {
    from: Peer,
    to: Type.Optional(Selector),
    ...ServiceFields,
  },
  {
    additionalProperties: false,
    description: 'Allows connections from a peer into the target (or the part of it that `to` selects).',
  },
);
export const OutboundEntry = Type.Object(
  {
    from: Type.Optional(Selector),
    to: Peer,
    ...ServiceFields,
  },
  {
    additionalProperties: false,
    description: 'Allows connections from the target (or the part of it that `from` selects) to a peer.',
  },
);

/** Fields every stored object carries, added by the service. */
export const Meta = {
  id: Type.String({ description: 'Server-assigned identifier.' }),
  version: Type.Integer({
    description: 'Optimistic concurrency version; send it back as If-Match or `version` when updating.',
  }),
  created_at: Type.String({ description: 'Creation time, RFC 3339.' }),
  updated_at: Type.String({ description: 'Last update time, RFC 3339.' }),
};

const common = (nameDescription: string) => ({
  name: Name(nameDescription),
  description: Type.Optional(Description),
});

export const CategoryInput = Type.Object(
  {
    ...common('Category name (the key), e.g. AppTier. Unique; the import ID.'),
    values: Type.Array(CategoryValue, { description: 'The values entities may take.' }),
  },
  { additionalProperties: false },
);
export const AddressGroupInput = Type.Object(
  {
    ...common('Address group name. Unique; the import ID.'),
    cidrs: Type.Array(Block, { description: 'The networks (CIDRs or address ranges) in the group.' }),
    except: Type.Optional(Type.Array(Cidr, { description: 'CIDRs taken out of the group.' })),
  },
  { additionalProperties: false },
);
export const ServiceGroupInput = Type.Object(
  {
    ...common('Service group name. Unique; the import ID.'),
    services: Type.Array(Service, { minItems: 1, description: 'The services in the group.' }),
  },
  { additionalProperties: false },
);
export const HostInput = Type.Object(
  {
    ...common('Host name. Unique; the import ID.'),
    bridge: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]{1,15}$',
        default: 'br.microseg',
        description: 'The Open vSwitch bridge microseg owns on this host.',
      }),
    ),
    ovs_rundir: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Set: the service's embedded agent programs this host's OVS through unix:<ovs_rundir>/<bridge>.mgmt. Unset: a standalone microseg-agent serves it.",
      }),
    ),
    uplinks: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,15}$' }), {
        default: [],
        description: 'Bridge ports that face the network.',
      }),
    ),
  },
  { additionalProperties: false },
);
export const EntityInput = Type.Object(
  {
    ...common('Entity (VM NIC) name. Unique; the import ID.'),
    host: Name('The host whose bridge the NIC is on.'),
    port: Type.String({
      pattern: '^[A-Za-z0-9_.:-]{1,15}$',
      description: "The OVS interface name on the host's bridge.",
    }),
    mac: Type.Optional(
      Type.String({ description: 'The NIC MAC address, lower-case colon form; the only source MAC it may send.' }),
    ),
    ips: Type.Array(Type.String({ description: 'IPv4 or IPv6 address.' }), {
      description: 'The IP addresses of the NIC; the only source addresses it may send.',
    }),
    categories: Type.Optional(
      Type.Record(Type.String({ pattern: NAME_PATTERN }), CategoryValue, {
        additionalProperties: false,
        default: {},
        description: 'Category name → value.',
      }),
    ),
  },
  { additionalProperties: false },
);
export const ApplicationRuleInput = Type.Object(
  {
    ...common('Rule name. Unique; the import ID.'),
    mode: Mode,
    target: Selector,
    inbound: Type.Optional(Type.Array(InboundEntry, { default: [], description: 'What may connect to the target.' })),
    outbound_policy: Type.Optional(
      Type.Union([Type.Literal('allow_all'), Type.Literal('allow_listed')], {
        default: 'allow_all',
        description: '`allow_all`: the target may connect anywhere; `allow_listed`: only to what `outbound` lists.',
      }),
    ),
    outbound: Type.Optional(
      Type.Array(OutboundEntry, {
        default: [],
        description: 'Where the target may connect (with outbound_policy allow_listed).',
      }),
    ),
    intra_group: Type.Optional(
      Type.Union([Type.Literal('deny'), Type.Literal('allow')], {
        default: 'deny',
        description:
          'Connections between two members of the target: `allow` lets them all through (every service, both directions) without consulting the lists; `deny` (default): only what the lists allow.',
      }),
    ),
    log: Type.Optional(Log),
  },
  { additionalProperties: false },
);
export const IsolationRuleInput = Type.Object(
  {
    ...common('Rule name. Unique; the import ID.'),
    mode: Mode,
    groups: Type.Array(Selector, {
      minItems: 2,
      description:
        'Two or more groups: members of different groups never talk, either way; members of one group are unaffected.',
    }),
    log: Type.Optional(Log),
  },
  { additionalProperties: false },
);
export const SharedServiceRuleInput = Type.Object(
  {
    ...common('Rule name. Unique; the import ID.'),
    mode: Type.Union([Type.Literal('apply'), Type.Literal('off')], {
      description:
        '`apply` allows what the rule lists, before isolation and application rules; `off` keeps it as a draft. (A shared-service rule only allows, so it has no monitor mode.)',
    }),
    providers: Selector,
    consumers: Peer,
    ...ServiceFields,
    log: Type.Optional(Log),
  },
  { additionalProperties: false },
);
/** Quarantine: Strict entities have no traffic at all; quarantine rules decide for the others (Forensic by default). */
export const STRICT = { category: 'Quarantine', value: 'Strict' } as const;
export const DEFAULT_QUARANTINE_TARGET = { categories: { Quarantine: ['Forensic'] } };
export const QuarantineRuleInput = Type.Object(
  {
    ...common('Rule name. Unique; the import ID.'),
    mode: Mode,
    target: Type.Optional(
      Type.Composite([Selector], {
        default: DEFAULT_QUARANTINE_TARGET,
        description:
          'The quarantined entities; default Quarantine = Forensic. (Quarantine = Strict entities have no traffic at all, whatever a rule lists.)',
      }),
    ),
    inbound: Type.Optional(
      Type.Array(InboundEntry, {
        default: [],
        description: 'What may still connect to the quarantined entities (forensic tools).',
      }),
    ),
    outbound: Type.Optional(
      Type.Array(OutboundEntry, { default: [], description: 'Where the quarantined entities may still connect.' }),
    ),
    log: Type.Optional(Log),
  },
  { additionalProperties: false },
);

/** A stored object as the API returns it: the input plus Meta (and, for hosts, status). */
const stored = <T extends TSchema>(input: T) => Type.Composite([input as never, Type.Object(Meta)]);

export const Category = stored(CategoryInput);
export const AddressGroup = stored(AddressGroupInput);
export const ServiceGroup = stored(ServiceGroupInput);
export const Host = Type.Composite([HostInput, Type.Object(Meta), Type.Object({ status: HostStatus })]);
export const Entity = stored(EntityInput);
const RuleMeta = Type.Object({
  rule_id: Type.Integer({
    description:
      "Assigned by the service, unique among rules and kept across renames: the id the rule's flow cookies and conntrack labels carry.",
  }),
});
const storedRule = <T extends TSchema>(input: T) => Type.Composite([input as never, Type.Object(Meta), RuleMeta]);
export const ApplicationRule = storedRule(ApplicationRuleInput);
export const IsolationRule = storedRule(IsolationRuleInput);
export const QuarantineRule = storedRule(QuarantineRuleInput);
export const SharedServiceRule = storedRule(SharedServiceRuleInput);

export type ServiceT = Static<typeof Service>;
export type SelectorT = Static<typeof Selector>;
export type PeerT = Static<typeof Peer>;
export type InboundEntryT = Static<typeof InboundEntry>;
export type OutboundEntryT = Static<typeof OutboundEntry>;
export type ModeT = Static<typeof Mode>;
export type CategoryInputT = Static<typeof CategoryInput>;
export type AddressGroupInputT = Static<typeof AddressGroupInput>;
export type ServiceGroupInputT = Static<typeof ServiceGroupInput>;
export type HostInputT = Static<typeof HostInput>;
export type EntityInputT = Static<typeof EntityInput>;
export type ApplicationRuleInputT = Static<typeof ApplicationRuleInput>;
export type IsolationRuleInputT = Static<typeof IsolationRuleInput>;
export type QuarantineRuleInputT = Static<typeof QuarantineRuleInput>;
export type SharedServiceRuleInputT = Static<typeof SharedServiceRuleInput>;

/** The kinds, with their URL collection names (`/v1/<collection>`), listed so that what an object refers to comes before it. */
export const KINDS = {
  category: { collection: 'categories', input: CategoryInput, output: Category },
  address_group: { collection: 'address-groups', input: AddressGroupInput, output: AddressGroup },
  service_group: { collection: 'service-groups', input: ServiceGroupInput, output: ServiceGroup },
  host: { collection: 'hosts', input: HostInput, output: Host },
  entity: { collection: 'entities', input: EntityInput, output: Entity },
  application_rule: { collection: 'application-rules', input: ApplicationRuleInput, output: ApplicationRule },
  isolation_rule: { collection: 'isolation-rules', input: IsolationRuleInput, output: IsolationRule },
  quarantine_rule: { collection: 'quarantine-rules', input: QuarantineRuleInput, output: QuarantineRule },
  shared_service_rule: { collection: 'shared-service-rules', input: SharedServiceRuleInput, output: SharedServiceRule },
} as const;
export type Kind = keyof typeof KINDS;
