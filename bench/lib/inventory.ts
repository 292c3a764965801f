/**
 * The synthetic inventory of the benchmarks issue: N entities over H hosts,
 * 500 application rules (5 inbound entries each, mixing category peers, CIDR
 * peers and port ranges; half with `allow_listed` outbound), 20 isolation
 * rules and 2 quarantine rules. Built as API bodies (what a user POSTs) and,
 * through the store's own normalization, as the compiler's PolicySnapshot.
 */
import { buildSnapshot } from '../../service/model/load-snapshot';
import { KINDS } from '../../service/model/schemas';
import type { AnyBody, ModelIndex } from '../../service/model/validate';
import type { ApplicationRuleInputT } from '../../service/model/schemas';
import type { PolicySnapshot } from '../../service/model/snapshot';

export interface InventorySize {
  entities: number;
  hosts: number;
  rules?: number;
  isolation?: number;
  quarantine?: number;
}

/** [collection, body] in an order the API accepts (referenced objects first). */
export type Objects = { collection: string; kind: keyof ModelIndex; body: AnyBody }[];

const TIERS = ['web', 'app', 'db'];
const ZONES = 20;

export const hostName = (h: number) => `h${h}`;
export const entityIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');
export const entityMac = (i: number) => `02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
/** Entity i sits on host i % hosts, port p<i / hosts> there. */
export const entityPort = (i: number, hosts: number) => `p${Math.floor(i / hosts)}`;

/** A fixed integer hash, so an entity's categories do not correlate with its host (i % hosts). */
function mix(i: number): number {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function entityBody(i: number, size: InventorySize, apps: number) {
  const x = mix(i);
  const categories: Record<string, string> = {
    AppType: `app${x % apps}`,
    AppTier: TIERS[(x >>> 9) % 3],
    Environment: (x >>> 13) % 10 < 8 ? 'prod' : 'dev',
    Zone: `z${(x >>> 17) % ZONES}`,
  };
  // One entity in a thousand is quarantined, alternating Strict and Forensic.
  if (i % 1000 === 999) categories.Quarantine = i % 2000 === 999 ? 'Strict' : 'Forensic';
  return {
    name: `e${i}`,
    host: hostName(i % size.hosts),
    port: entityPort(i, size.hosts),
    mac: entityMac(i),
    ips: [entityIp(i)],
    categories,
  };
}

export function applicationRuleBody(r: number, apps: number, mode: 'monitor' | 'apply' = r % 2 ? 'monitor' : 'apply') {
  const app = `app${r % apps}`;
  const peerApp = `app${(r + 1) % apps}`;
  const tier = (t: string) => ({ categories: { AppTier: [t] } });
  const body: ApplicationRuleInputT & { inbound: NonNullable<ApplicationRuleInputT['inbound']> } = {
    name: `rule${r}`,
    mode,
    target: { categories: { AppType: [app] } },
    inbound: [
      {
        from: { categories: { AppType: [peerApp], AppTier: ['web'] } },
        to: tier('web'),
        services: [{ protocol: 'tcp', ports: ['443', '8443'] }],
      },
      {
        from: { categories: { AppType: [app], AppTier: ['web'] } },
        to: tier('app'),
        services: [{ protocol: 'tcp', ports: ['8000-8099'] }],
      },
      {
        from: { categories: { AppType: [app], AppTier: ['app'] } },
        to: tier('db'),
        services: [
          { protocol: 'tcp', ports: ['5432'] },
          { protocol: 'udp', ports: ['53'] },
        ],
      },
      {
        from: { cidrs: [`172.${16 + (r % 16)}.${r % 256}.0/24`] },
        to: tier('web'),
        services: [{ protocol: 'tcp', ports: ['80', '443'] }],
      },
      {
        from: { cidrs: ['192.0.2.0/24'] },
        services: [{ protocol: 'tcp', ports: ['22', '9100-9199'] }, { protocol: 'icmp' }],
      },
    ],
    outbound_policy: r % 2 ? 'allow_all' : 'allow_listed',
  };
  if (body.outbound_policy === 'allow_listed') {
    body.outbound = [
      {
        to: { cidrs: ['198.51.100.0/24'] },
        services: [
          { protocol: 'udp', ports: ['53'] },
          { protocol: 'tcp', ports: ['443'] },
        ],
      },
      {
        from: tier('app'),
        to: { categories: { AppType: [peerApp], AppTier: ['app'] } },
        services: [{ protocol: 'tcp', ports: ['7000-7010'] }],
      },
    ];
  }
  return body;
}

/** Every object of the inventory, in creation order. */
export function inventoryObjects(size: InventorySize, hostExtra: (h: number) => object = () => ({})): Objects {
  const rules = size.rules ?? 500;
  const apps = Math.max(1, Math.ceil(rules / 2));
  const out: Objects = [];
  const add = (collection: string, kind: keyof ModelIndex, body: AnyBody) => out.push({ collection, kind, body });
  add('categories', 'category', { name: 'AppType', values: Array.from({ length: apps }, (_, a) => `app${a}`) });
  add('categories', 'category', { name: 'AppTier', values: TIERS });
  add('categories', 'category', { name: 'Environment', values: ['prod', 'dev'] });
  add('categories', 'category', { name: 'Zone', values: Array.from({ length: ZONES }, (_, z) => `z${z}`) });
  for (let h = 0; h < size.hosts; h++)
    add('hosts', 'host', { name: hostName(h), bridge: 'br.microseg', uplinks: ['uplink'], ...hostExtra(h) });
  for (let i = 0; i < size.entities; i++) add('entities', 'entity', entityBody(i, size, apps));
  for (let r = 0; r < rules; r++) add('application-rules', 'application_rule', applicationRuleBody(r, apps));
  for (let k = 0; k < (size.isolation ?? 20); k++) {
    add('isolation-rules', 'isolation_rule', {
      name: `iso${k}`,
      mode: k % 2 ? 'monitor' : 'apply',
      groups: [{ categories: { Zone: [`z${k % ZONES}`] } }, { categories: { Zone: [`z${(k + 1) % ZONES}`] } }],
    });
  }
  const quarantine = [
    {
      name: 'forensics',
      mode: 'apply',
      inbound: [{ from: { cidrs: ['10.250.0.0/24'] }, services: [{ protocol: 'tcp', ports: ['22'] }] }],
    },
    {
      name: 'forensic-dns',
      mode: 'monitor',
      target: { categories: { Quarantine: ['Forensic'] } },
      outbound: [{ to: { cidrs: ['10.250.0.53/32'] }, services: [{ protocol: 'udp', ports: ['53'] }] }],
    },
  ];
  for (const q of quarantine.slice(0, size.quarantine ?? 2)) add('quarantine-rules', 'quarantine_rule', q);
  return out;
}

/** The PolicySnapshot the store would serve for these objects (its own normalization). */
export function snapshotOf(objects: Objects, generation = 1): PolicySnapshot {
  const model = Object.fromEntries(Object.keys(KINDS).map((k) => [k, new Map()])) as unknown as ModelIndex;
  for (const o of objects) (model[o.kind] as Map<string, unknown>).set(o.body.name, o.body);
  // Rule ids as a store assigns them: unique, in creation order.
  const ids = new Map(objects.map((o, i) => [`${o.kind}\0${o.body.name}`, i + 1]));
  return buildSnapshot(generation, model, (kind, name) => ids.get(`${kind}\0${name}`)!);
}

/** rule0 as the benches change it: its first inbound entry's ports 443, 8443 become 443, 31000. */
export function changedRule0Body(apps: number) {
  const body = applicationRuleBody(0, apps);
  body.inbound[0].services = [{ protocol: 'tcp', ports: ['443', '31000'] }];
  return body;
}

/** The snapshots of `objects` before (generation 1) and after (2) that change of rule0. */
export function aroundRule0Change(objects: Objects, apps: number): { before: PolicySnapshot; after: PolicySnapshot } {
  const rule = changedRule0Body(apps);
  return {
    before: snapshotOf(objects, 1),
    after: snapshotOf(
      objects.map((o) => (o.kind === 'application_rule' && o.body.name === 'rule0' ? { ...o, body: rule } : o)),
      2,
    ),
  };
}

/** The OpenFlow port numbers of host h's bridge: uplink 1, then its entities' ports. */
export function hostPorts(snapshot: PolicySnapshot, host: string): Record<string, number> {
  const ports: Record<string, number> = { uplink: 1 };
  let next = 2;
  for (const e of snapshot.entities) if (e.host === host) ports[e.port] = next++;
  return ports;
}
