/** Small builders for PolicySnapshots in tests, and the three-tier shop used across tests. */
import type {
  PolicySnapshot,
  SnapshotApplicationRule,
  SnapshotEntity,
  SnapshotInbound,
  SnapshotIsolationRule,
  SnapshotOutbound,
  SnapshotQuarantineRule,
  SnapshotSharedServiceRule,
} from '../../service/model/snapshot';

/** A snapshot with defaults for what `part` leaves out; rules made without an id (0) are numbered, as the store would. */
export function snap(part: Partial<PolicySnapshot>): PolicySnapshot {
  return withRuleIds({
    generation: 1,
    categories: [],
    address_groups: [],
    service_groups: [],
    hosts: [
      { name: 'ha', bridge: 'br.microseg', uplinks: ['up'] },
      { name: 'hb', bridge: 'br.microseg', uplinks: ['up'] },
    ],
    entities: [],
    application_rules: [],
    isolation_rules: [],
    quarantine_rules: [],
    shared_service_rules: [],
    ...part,
  });
}

/** Numbers the rules whose id is 0 (1, 2, … skipping ids in use): what the store does on create. */
export function withRuleIds(s: PolicySnapshot): PolicySnapshot {
  const rules = [...s.quarantine_rules, ...s.isolation_rules, ...s.application_rules, ...s.shared_service_rules];
  const used = new Set(rules.map((r) => r.id));
  let next = 1;
  const number = <R extends { id: number }>(r: R): R => {
    if (r.id !== 0) return r;
    while (used.has(next)) next++;
    used.add(next);
    return { ...r, id: next };
  };
  return {
    ...s,
    quarantine_rules: s.quarantine_rules.map(number),
    isolation_rules: s.isolation_rules.map(number),
    application_rules: s.application_rules.map(number),
    shared_service_rules: s.shared_service_rules.map(number),
  };
}

export const ent = (
  name: string,
  host: string,
  ips: string[],
  categories: Record<string, string> = {},
  mac?: string,
): SnapshotEntity => ({ name, host, port: `p-${name}`, ips, categories, ...(mac ? { mac } : {}) });

export const inb = (e: Partial<SnapshotInbound> & Pick<SnapshotInbound, 'from'>): SnapshotInbound => ({
  services: [],
  service_groups: [],
  ...e,
});
export const outb = (e: Partial<SnapshotOutbound> & Pick<SnapshotOutbound, 'to'>): SnapshotOutbound => ({
  services: [],
  service_groups: [],
  ...e,
});

/** Rules: id 0 unless given, numbered by snap(). */
export const app = (
  r: Partial<SnapshotApplicationRule> & Pick<SnapshotApplicationRule, 'name' | 'target'>,
): SnapshotApplicationRule => ({
  id: 0,
  mode: 'apply',
  inbound: [],
  outbound_policy: 'allow_all',
  outbound: [],
  intra_group: 'deny',
  log: false,
  ...r,
});
/** An isolation rule between two or more groups, each given by its category match. */
export const iso = (
  name: string,
  mode: 'monitor' | 'apply' | 'off',
  ...groups: Record<string, string[]>[]
): SnapshotIsolationRule => ({ name, id: 0, mode, groups: groups.map((categories) => ({ categories })), log: false });
export const quar = (
  r: Partial<SnapshotQuarantineRule> & Pick<SnapshotQuarantineRule, 'name'>,
): SnapshotQuarantineRule => ({
  id: 0,
  mode: 'apply',
  target: { categories: { Quarantine: ['Forensic'] } },
  inbound: [],
  outbound: [],
  log: false,
  ...r,
});
export const shared = (
  r: Partial<SnapshotSharedServiceRule> & Pick<SnapshotSharedServiceRule, 'name' | 'providers' | 'consumers'>,
): SnapshotSharedServiceRule => ({ id: 0, mode: 'apply', services: [], service_groups: [], log: false, ...r });

/** The three-tier shop: 2 hosts, 6 VMs (web/app/db, two of each), office CIDRs, ~5 rules. */
export function threeTier(mode: 'monitor' | 'apply' = 'apply'): PolicySnapshot {
  const shop = (tier: string) => ({ AppType: 'shop', AppTier: tier });
  return snap({
    categories: [
      { name: 'AppType', values: ['shop'] },
      { name: 'AppTier', values: ['web', 'app', 'db'] },
      { name: 'Environment', values: ['prod', 'dev'] },
      { name: 'Quarantine', values: ['Strict', 'Forensic'] },
    ],
    address_groups: [{ name: 'office', cidrs: ['192.168.50.0/24', 'fd00:50::/64'], except: [] }],
    service_groups: [{ name: 'https', services: [{ protocol: 'tcp', ports: ['443'] }] }],
    entities: [
      ent('web1', 'ha', ['10.0.0.11', 'fd00::11'], { ...shop('web'), Environment: 'prod' }, '02:00:00:00:00:11'),
      ent('app1', 'ha', ['10.0.0.21', 'fd00::21'], shop('app'), '02:00:00:00:00:21'),
      ent('db1', 'ha', ['10.0.0.31', 'fd00::31'], shop('db'), '02:00:00:00:00:31'),
      ent('web2', 'hb', ['10.0.0.12', 'fd00::12'], shop('web'), '02:00:00:00:00:12'),
      ent('app2', 'hb', ['10.0.0.22', 'fd00::22'], shop('app'), '02:00:00:00:00:22'),
      ent('db2', 'hb', ['10.0.0.32', 'fd00::32'], { ...shop('db'), Environment: 'dev' }, '02:00:00:00:00:32'),
    ],
    application_rules: [
      app({
        name: 'shop',
        mode,
        target: { categories: { AppType: ['shop'] } },
        inbound: [
          inb({
            from: { categories: { AppTier: ['web'] } },
            to: { categories: { AppTier: ['app'] } },
            services: [{ protocol: 'tcp', ports: ['8080-8089'] }],
          }),
          inb({
            from: { categories: { AppTier: ['app'] } },
            to: { categories: { AppTier: ['db'] } },
            services: [{ protocol: 'tcp', ports: ['5432'] }],
          }),
          inb({
            from: { address_groups: ['office'] },
            to: { categories: { AppTier: ['web'] } },
            service_groups: ['https'],
          }),
          inb({
            from: { categories: { AppType: ['shop'] } },
            services: [
              { protocol: 'icmp', icmp_type: 8 },
              { protocol: 'icmpv6', icmp_type: 128 },
            ],
          }),
        ],
        outbound_policy: 'allow_listed',
        outbound: [
          outb({ to: { categories: { AppType: ['shop'] } } }),
          outb({
            from: { categories: { AppTier: ['web'] } },
            to: { cidrs: ['0.0.0.0/0'] },
            services: [{ protocol: 'udp', ports: ['53'] }],
          }),
        ],
      }),
    ],
    isolation_rules: [iso('prod-dev', 'apply', { Environment: ['prod'] }, { Environment: ['dev'] })],
    quarantine_rules: [
      quar({
        name: 'forensics',
        inbound: [inb({ from: { cidrs: ['192.168.50.7/32'] }, services: [{ protocol: 'tcp', ports: ['22'] }] })],
      }),
    ],
  });
}
