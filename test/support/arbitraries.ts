/**
 * fast-check generators of whole policies and inventories (PolicySnapshot):
 * 2–3 hosts, entities with unique dual-stack or IPv4 addresses, categories,
 * address and service groups (ranges, exclusions), and every kind of rule
 * (drafts, intra_group, N-way isolation, shared services) with every peer
 * and service form (sctp, other IP protocols). Values come from small pools so that rules actually hit.
 */
import fc from 'fast-check';
import type { ServiceT } from '../../service/model/schemas';
import { withRuleIds } from '../policy/fixtures';
import type {
  PolicySnapshot,
  SnapshotApplicationRule,
  SnapshotInbound,
  SnapshotIsolationRule,
  SnapshotOutbound,
  SnapshotQuarantineRule,
  SnapshotSharedServiceRule,
} from '../../service/model/snapshot';

const KEYS = { Tier: ['web', 'app', 'db'], Env: ['prod', 'dev'], Team: ['x', 'y'] } as const;
type Key = keyof typeof KEYS;
const KEY_NAMES = Object.keys(KEYS) as Key[];
const CIDRS = [
  '10.0.0.0/29',
  '10.0.0.0/24',
  '10.0.0.8/30',
  '192.0.2.0/24',
  '8.8.8.0/24',
  '0.0.0.0/0',
  'fd00::/120',
  'fd00::/64',
  '2001:db8::/32',
  '::/0',
  '10.0.0.3-10.0.0.9',
  '192.0.2.4-192.168.50.7',
  'fd00::2-fd00::7',
];
/** Exclusions cut entity addresses, external test addresses and whole blocks. */
const EXCEPTS = [
  '10.0.0.4/32',
  '10.0.0.0/30',
  '10.0.0.6/31',
  '192.0.2.0/28',
  '192.168.50.0/24',
  'fd00::4/126',
  '2001:db8::/64',
];
const PORTS = ['22', '53', '80', '443', '8000-8080', '1-1024', '5000-5010', '65535'];

const subset = <T>(xs: readonly T[], min = 1) => fc.subarray([...xs], { minLength: min });

const categoriesMatch = fc
  .uniqueArray(fc.constantFrom(...KEY_NAMES), { minLength: 0, maxLength: 2 })
  .chain((keys) =>
    fc
      .tuple(...keys.map((k) => subset(KEYS[k])))
      .map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i] as string[]]))),
  );
const selector = categoriesMatch.map((categories) => ({ categories }));

const service: fc.Arbitrary<ServiceT> = fc.oneof(
  fc
    .record({
      protocol: fc.constantFrom('tcp' as const, 'udp' as const),
      ports: fc.option(subset(PORTS), { nil: undefined }),
    })
    .map(({ protocol, ports }) => (ports ? { protocol, ports } : { protocol })),
  fc
    .record({
      protocol: fc.constantFrom('icmp' as const, 'icmpv6' as const),
      t: fc.option(fc.constantFrom(0, 8, 128), { nil: undefined }),
      c: fc.option(fc.constantFrom(0, 1), { nil: undefined }),
    })
    .map(({ protocol, t, c }) =>
      t === undefined
        ? { protocol }
        : c === undefined
          ? { protocol, icmp_type: t }
          : { protocol, icmp_type: t, icmp_code: c },
    ),
  fc.constant({ protocol: 'any' as const }),
  fc
    .record({ ports: fc.option(subset(PORTS), { nil: undefined }) })
    .map(({ ports }) => (ports ? { protocol: 'sctp', ports } : { protocol: 'sctp' })),
  fc.constantFrom({ protocol: 'gre' }, { protocol: 'esp' }, { protocol: '99' }, { protocol: '47' }),
);
const except = fc.option(subset(EXCEPTS), { nil: undefined, freq: 3 });

function peer(groupNames: string[]) {
  return fc
    .record({
      categories: fc.option(categoriesMatch, { nil: undefined }),
      address_groups: groupNames.length ? fc.option(subset(groupNames), { nil: undefined }) : fc.constant(undefined),
      cidrs: fc.option(subset(CIDRS), { nil: undefined }),
      any: fc.option(fc.constant(true), { nil: undefined, freq: 8 }),
      except,
    })
    .map(({ except: cut, ...p }) => {
      const out = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
      if (p.any) for (const k of ['categories', 'address_groups', 'cidrs']) delete out[k]; // any with other parts is invalid
      return { ...(Object.keys(out).length ? out : { any: true }), ...(cut ? { except: cut } : {}) }; // a peer with no part is invalid
    });
}

function services(serviceGroupNames: string[]) {
  return fc.record({
    services: fc.oneof(
      { weight: 1, arbitrary: fc.constant([] as ServiceT[]) },
      { weight: 3, arbitrary: fc.array(service, { minLength: 1, maxLength: 3 }) },
    ),
    service_groups: serviceGroupNames.length
      ? fc.oneof(fc.constant([] as string[]), subset(serviceGroupNames))
      : fc.constant([] as string[]),
  });
}

const inbound = (ag: string[], sg: string[]): fc.Arbitrary<SnapshotInbound> =>
  fc
    .record({ from: peer(ag), to: fc.option(selector, { nil: undefined }), s: services(sg) })
    .map(({ from, to, s }) => ({ from, ...(to ? { to } : {}), ...s }));
const outbound = (ag: string[], sg: string[]): fc.Arbitrary<SnapshotOutbound> =>
  fc
    .record({ from: fc.option(selector, { nil: undefined }), to: peer(ag), s: services(sg) })
    .map(({ from, to, s }) => ({ to, ...(from ? { from } : {}), ...s }));

const mode = fc.constantFrom(
  'monitor' as const,
  'apply' as const,
  'apply' as const,
  'monitor' as const,
  'off' as const,
);
const log = fc.boolean();
const names = (prefix: string, max: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: max }).map((ns) => ns.map((n) => `${prefix}${n}`));

export interface PolicyArbOptions {
  maxEntities?: number;
  maxRules?: number;
}

export function policyArb(opts: PolicyArbOptions = {}): fc.Arbitrary<PolicySnapshot> {
  const maxEntities = opts.maxEntities ?? 8;
  const maxRules = opts.maxRules ?? 3;
  return fc
    .record({
      hostCount: fc.integer({ min: 1, max: 3 }),
      ag: fc.array(
        fc.record({ cidrs: subset(CIDRS), except: fc.oneof(fc.constant([] as string[]), subset(EXCEPTS)) }),
        { maxLength: 2 },
      ),
      sg: fc.array(fc.array(service, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
      ents: fc.array(
        fc.record({
          host: fc.nat(2),
          v6: fc.boolean(),
          mac: fc.boolean(),
          cats: fc.record({
            Tier: fc.option(fc.constantFrom(...KEYS.Tier), { nil: undefined }),
            Env: fc.option(fc.constantFrom(...KEYS.Env), { nil: undefined }),
            Team: fc.option(fc.constantFrom(...KEYS.Team), { nil: undefined }),
            Quarantine: fc.option(fc.constantFrom('Strict', 'Forensic'), { nil: undefined, freq: 6 }),
          }),
        }),
        { minLength: 1, maxLength: maxEntities },
      ),
    })
    .chain(({ hostCount, ag, sg, ents }) => {
      const agNames = ag.map((_, i) => `ag${i}`);
      const sgNames = sg.map((_, i) => `sg${i}`);
      const appRule = (name: string): fc.Arbitrary<SnapshotApplicationRule> =>
        fc
          .record({
            mode,
            target: selector,
            inbound: fc.array(inbound(agNames, sgNames), { maxLength: 3 }),
            outbound_policy: fc.constantFrom('allow_all' as const, 'allow_listed' as const),
            outbound: fc.array(outbound(agNames, sgNames), { maxLength: 3 }),
            intra_group: fc.constantFrom('deny' as const, 'allow' as const),
            log,
          })
          .map((r) => ({ name, id: 0, ...r }));
      const isoRule = (name: string): fc.Arbitrary<SnapshotIsolationRule> =>
        fc
          .record({ mode, groups: fc.array(selector, { minLength: 2, maxLength: 3 }), log })
          .map((r) => ({ name, id: 0, ...r }));
      const sharedRule = (name: string): fc.Arbitrary<SnapshotSharedServiceRule> =>
        fc
          .record({
            mode: fc.constantFrom('apply' as const, 'apply' as const, 'off' as const),
            providers: selector,
            consumers: peer(agNames),
            s: services(sgNames),
            log,
          })
          .map(({ s: svc, ...r }) => ({ name, id: 0, ...r, ...svc }));
      const quarRule = (name: string): fc.Arbitrary<SnapshotQuarantineRule> =>
        fc
          .record({
            mode,
            target: fc.oneof(
              {
                weight: 2,
                arbitrary: fc.constant({ categories: { Quarantine: ['Forensic'] } as Record<string, string[]> }),
              },
              {
                weight: 1,
                arbitrary: fc.constant({
                  categories: { Quarantine: ['Strict', 'Forensic'] } as Record<string, string[]>,
                }),
              },
              { weight: 1, arbitrary: selector },
            ),
            inbound: fc.array(inbound(agNames, sgNames), { maxLength: 2 }),
            outbound: fc.array(outbound(agNames, sgNames), { maxLength: 2 }),
            log,
          })
          .map((r) => ({ name, id: 0, ...r }));
      const rules = <T>(prefix: string, max: number, make: (n: string) => fc.Arbitrary<T>) =>
        names(prefix, max).chain((ns) => (ns.length ? fc.tuple(...ns.map(make)) : fc.constant([] as T[])));
      return fc
        .record({
          application_rules: rules('app', maxRules, appRule),
          isolation_rules: rules('iso', Math.min(2, maxRules), isoRule),
          quarantine_rules: rules('q', Math.min(2, maxRules), quarRule),
          shared_service_rules: rules('ss', Math.min(2, maxRules), sharedRule),
        })
        .map((r): PolicySnapshot =>
          withRuleIds({
            generation: 1,
            categories: [
              ...KEY_NAMES.map((k) => ({ name: k, values: [...KEYS[k]] })),
              { name: 'Quarantine', values: ['Strict', 'Forensic'] },
            ],
            address_groups: ag.map((g, i) => ({ name: agNames[i], ...g })),
            service_groups: sg.map((svcs, i) => ({ name: sgNames[i], services: svcs })),
            hosts: Array.from({ length: hostCount }, (_, h) => ({
              name: `h${h}`,
              bridge: 'br.microseg',
              uplinks: ['up'],
            })),
            entities: ents.map((e, i) => ({
              name: `vm${i}`,
              host: `h${e.host % hostCount}`,
              port: `tap${i}`,
              ...(e.mac ? { mac: `02:00:00:00:00:${(i + 1).toString(16).padStart(2, '0')}` } : {}),
              ips: e.v6 ? [`10.0.0.${i + 1}`, `fd00::${(i + 1).toString(16)}`] : [`10.0.0.${i + 1}`],
              categories: Object.fromEntries(Object.entries(e.cats).filter(([, v]) => v !== undefined)) as Record<
                string,
                string
              >,
            })),
            ...r,
          }),
        );
    });
}
