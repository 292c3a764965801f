/**
 * Semantic validation that JSON Schema cannot state: canonical addresses,
 * port ranges, protocol-specific fields, unique list items, and references
 * between objects (integrity). Pure functions: they take the object and a
 * read-only view of the model and return a list of field errors; the store
 * decides what to do with them.
 */
import type {
  Kind,
  ServiceT,
  SelectorT,
  PeerT,
  InboundEntryT,
  OutboundEntryT,
  CategoryInputT,
  AddressGroupInputT,
  ServiceGroupInputT,
  HostInputT,
  EntityInputT,
  ApplicationRuleInputT,
  IsolationRuleInputT,
  QuarantineRuleInputT,
  SharedServiceRuleInputT,
} from './schemas';
import { canonicalProtocol, hasPorts, isIcmp, protocolNumber } from './protocols';
import { DEFAULT_QUARANTINE_TARGET } from './schemas';
import {
  addressValue,
  parseAddress,
  formatAddress,
  parseCidr,
  networkOf,
  formatCidr,
  hostPrefix,
  versionOf,
} from './net';

export interface FieldError {
  field: string;
  message: string;
  /** invalid (default): the object itself is wrong; conflict, in_use: it clashes with stored objects. */
  code?: 'invalid' | 'conflict' | 'in_use';
}

export interface Bodies {
  category: CategoryInputT;
  address_group: AddressGroupInputT;
  service_group: ServiceGroupInputT;
  host: HostInputT;
  entity: EntityInputT;
  application_rule: ApplicationRuleInputT;
  isolation_rule: IsolationRuleInputT;
  quarantine_rule: QuarantineRuleInputT;
  shared_service_rule: SharedServiceRuleInputT;
}
export type AnyBody = Bodies[Kind];

/** Every stored object, by kind and name. */
export type ModelIndex = { [K in Kind]: Map<string, Bodies[K]> };

/** An object that refers to another, and the field of its first such reference. */
export interface User {
  kind: Kind;
  name: string;
  field: string;
}

/** What integrity checks ask of the stored model, each in O(answer) (model/indexes.ts keeps the indexes). */
export interface ModelView {
  readonly objects: ModelIndex;
  entitiesWithIp(ip: string): Iterable<string>;
  entitiesOnPort(host: string, port: string): Iterable<string>;
  /** Who refers to `name` of `kind` (a category: to any value, or to `value`), by kind in model order. */
  usersOf(kind: Ref['kind'], name: string, value?: string): User[];
}

export const BUILTIN_CATEGORY = 'Quarantine';
export const BUILTIN_VALUES = ['Strict', 'Forensic'];

// ---------------------------------------------------------------- addresses

export function checkCidr(text: string, field: string): FieldError[] {
  const c = parseCidr(text);
  if (!c) {
    const a = parseAddress(text);
    if (a)
      return [
        {
          field,
          message: `"${text}" is an address, not a CIDR; did you mean ${formatAddress(a)}/${hostPrefix(versionOf(a))}`,
        },
      ];
    return [{ field, message: `"${text}" is not a CIDR (IPv4 like 10.0.0.0/24 or IPv6 like 2001:db8::/32)` }];
  }
  const canonical = formatCidr(networkOf(c));
  if (canonical !== text) return [{ field, message: `"${text}" is not canonical; did you mean ${canonical}` }];
  return [];
}

/** A CIDR or an inclusive range "low-high" of canonical addresses of one family, low ≤ high. */
export function checkBlock(text: string, field: string): FieldError[] {
  const dash = text.indexOf('-');
  if (dash < 0) return checkCidr(text, field);
  const [lowText, highText] = [text.slice(0, dash), text.slice(dash + 1)];
  const low = parseAddress(lowText);
  const high = parseAddress(highText);
  if (!low || !high)
    return [{ field, message: `"${text}" is not an address range (like 10.0.0.5-10.0.0.20 or fd00::5-fd00::20)` }];
  const canonical = `${formatAddress(low)}-${formatAddress(high)}`;
  if (canonical !== text) return [{ field, message: `"${text}" is not canonical; did you mean ${canonical}` }];
  if (versionOf(low) !== versionOf(high)) return [{ field, message: `"${text}" mixes IPv4 and IPv6` }];
  if (addressValue(low) > addressValue(high)) return [{ field, message: `"${text}": the range starts above its end` }];
  return [];
}

export function checkAddress(text: string, field: string): FieldError[] {
  const a = parseAddress(text);
  if (!a) return [{ field, message: `"${text}" is not an IPv4 or IPv6 address` }];
  const canonical = formatAddress(a);
  if (canonical !== text) return [{ field, message: `"${text}" is not canonical; did you mean ${canonical}` }];
  return [];
}

export function checkMac(text: string, field: string): FieldError[] {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(text)) {
    const hint = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(text)
      ? `; did you mean ${text.toLowerCase().replace(/-/g, ':')}`
      : '';
    return [
      { field, message: `"${text}" is not a MAC address in lower-case colon form like 02:00:00:00:00:01${hint}` },
    ];
  }
  if (parseInt(text.slice(0, 2), 16) & 1)
    return [{ field, message: `"${text}" is a multicast MAC; a NIC needs a unicast address` }];
  if (text === '00:00:00:00:00:00') return [{ field, message: 'the all-zero MAC is not a NIC address' }];
  return [];
}

// ------------------------------------------------------------------- lists

/** Duplicate items in a list, compared by their JSON text. */
export function checkUnique(items: readonly unknown[] | undefined, field: string): FieldError[] {
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    const key = JSON.stringify(item);
    const first = seen.get(key);
    if (first !== undefined) errors.push({ field: `${field}[${i}]`, message: `duplicate of ${field}[${first}]` });
    else seen.set(key, i);
  });
  return errors;
}

// ---------------------------------------------------------------- services

export function checkService(s: ServiceT, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (s.protocol !== 'any' && protocolNumber(s.protocol) === null) {
    errors.push({
      field: `${field}.protocol`,
      message: `"${s.protocol}" is not an IP protocol: protocol numbers are 0-255`,
    });
  }
  if (s.ports && s.ports.length > 0 && !hasPorts(s.protocol)) {
    errors.push({ field: `${field}.ports`, message: `ports apply only to tcp, udp and sctp, not ${s.protocol}` });
  }
  (s.ports ?? []).forEach((p, i) => {
    const [low, high = low] = p.split('-').map(Number);
    const f = `${field}.ports[${i}]`;
    if (!(low >= 1 && low <= 65535 && high >= 1 && high <= 65535))
      errors.push({ field: f, message: `"${p}": ports are 1-65535` });
    else if (low > high) errors.push({ field: f, message: `"${p}": range low ${low} is above high ${high}` });
    // Spelled one way only, like CIDRs: "0443" and "443" must not be two different items of one set.
    else if (/(^|-)0/.test(p))
      errors.push({
        field: f,
        message: `"${p}" is not canonical; did you mean ${low === high ? low : `${low}-${high}`}`,
      });
  });
  errors.push(...checkUnique(s.ports, `${field}.ports`));
  for (const key of ['icmp_type', 'icmp_code'] as const) {
    if (s[key] !== undefined && !isIcmp(s.protocol))
      errors.push({ field: `${field}.${key}`, message: `${key} applies only to icmp and icmpv6, not ${s.protocol}` });
  }
  if (s.icmp_code !== undefined && s.icmp_type === undefined)
    errors.push({ field: `${field}.icmp_code`, message: 'icmp_code requires icmp_type' });
  return errors;
}

function checkServices(services: ServiceT[] | undefined, field: string): FieldError[] {
  // `47` and `gre` are one protocol, so one service written both ways is a duplicate.
  const compared = (services ?? []).map((s) => ({ ...s, protocol: canonicalProtocol(s.protocol) ?? s.protocol }));
  return [...(services ?? []).flatMap((s, i) => checkService(s, `${field}[${i}]`)), ...checkUnique(compared, field)];
}

// ------------------------------------------------------- selectors & peers

function checkSelectorShape(sel: SelectorT | undefined, field: string): FieldError[] {
  if (!sel) return [];
  return Object.entries(sel.categories).flatMap(([k, values]) => checkUnique(values, `${field}.categories.${k}`));
}

/** Parts that add addresses; `except` only takes away. */
function peerIsEmpty(p: PeerT): boolean {
  return (
    p.categories === undefined &&
    !(p.address_groups && p.address_groups.length) &&
    !(p.cidrs && p.cidrs.length) &&
    p.any !== true
  );
}

function checkPeerShape(p: PeerT, field: string): FieldError[] {
  if (peerIsEmpty(p))
    return [{ field, message: 'a peer needs at least one of categories, address_groups, cidrs, or any = true' }];
  const errors = checkSelectorShape(p.categories ? { categories: p.categories } : undefined, field);
  (p.cidrs ?? []).forEach((c, i) => errors.push(...checkBlock(c, `${field}.cidrs[${i}]`)));
  (p.except ?? []).forEach((c, i) => errors.push(...checkCidr(c, `${field}.except[${i}]`)));
  errors.push(
    ...checkUnique(p.cidrs, `${field}.cidrs`),
    ...checkUnique(p.address_groups, `${field}.address_groups`),
    ...checkUnique(p.except, `${field}.except`),
  );
  if (p.any === true && (p.categories || p.address_groups?.length || p.cidrs?.length)) {
    errors.push({ field: `${field}.any`, message: 'any = true already covers everything; drop the other parts' });
  }
  return errors;
}

function checkEntryShape(e: InboundEntryT | OutboundEntryT, field: string, inbound: boolean): FieldError[] {
  const peer = inbound ? (e as InboundEntryT).from : (e as OutboundEntryT).to;
  const sel = inbound ? (e as InboundEntryT).to : (e as OutboundEntryT).from;
  return [
    ...checkPeerShape(peer, `${field}.${inbound ? 'from' : 'to'}`),
    ...checkSelectorShape(sel, `${field}.${inbound ? 'to' : 'from'}`),
    ...checkServices(e.services, `${field}.services`),
    ...checkUnique(e.service_groups, `${field}.service_groups`),
  ];
}

function checkEntries(
  list: (InboundEntryT | OutboundEntryT)[] | undefined,
  field: string,
  inbound: boolean,
): FieldError[] {
  return (list ?? []).flatMap((e, i) => checkEntryShape(e, `${field}[${i}]`, inbound));
}

// ------------------------------------------------------- per-object shape

/** Checks one object on its own (no other objects needed). */
export function validateShape<K extends Kind>(kind: K, body: Bodies[K]): FieldError[] {
  switch (kind) {
    case 'category': {
      const b = body as CategoryInputT;
      const errors = checkUnique(b.values, 'values');
      if (b.name === BUILTIN_CATEGORY) {
        for (const v of BUILTIN_VALUES)
          if (!b.values.includes(v))
            errors.push({
              field: 'values',
              message: `the built-in category ${BUILTIN_CATEGORY} must keep the value ${v}`,
            });
      }
      return errors;
    }
    case 'address_group': {
      const b = body as AddressGroupInputT;
      return [
        ...b.cidrs.flatMap((c, i) => checkBlock(c, `cidrs[${i}]`)),
        ...checkUnique(b.cidrs, 'cidrs'),
        ...(b.except ?? []).flatMap((c, i) => checkCidr(c, `except[${i}]`)),
        ...checkUnique(b.except, 'except'),
      ];
    }
    case 'service_group':
      return checkServices((body as ServiceGroupInputT).services, 'services');
    case 'host': {
      const b = body as HostInputT;
      const errors = checkUnique(b.uplinks, 'uplinks');
      if (b.ovs_rundir !== undefined && !b.ovs_rundir.startsWith('/'))
        errors.push({ field: 'ovs_rundir', message: 'ovs_rundir must be an absolute path' });
      return errors;
    }
    case 'entity': {
      const b = body as EntityInputT;
      const errors = b.mac === undefined ? [] : checkMac(b.mac, 'mac');
      b.ips.forEach((ip, i) => errors.push(...checkAddress(ip, `ips[${i}]`)));
      errors.push(...checkUnique(b.ips, 'ips'));
      return errors;
    }
    case 'application_rule': {
      const b = body as ApplicationRuleInputT;
      const errors = [
        ...checkSelectorShape(b.target, 'target'),
        ...checkEntries(b.inbound, 'inbound', true),
        ...checkEntries(b.outbound, 'outbound', false),
      ];
      if ((b.outbound_policy ?? 'allow_all') === 'allow_all' && b.outbound && b.outbound.length > 0) {
        errors.push({
          field: 'outbound',
          message: 'outbound entries take effect only with outbound_policy = "allow_listed"',
        });
      }
      return errors;
    }
    case 'isolation_rule': {
      const b = body as IsolationRuleInputT;
      // A group listed twice is meaningful: its members may not talk to each other.
      return b.groups.flatMap((g, i) => checkSelectorShape(g, `groups[${i}]`));
    }
    case 'shared_service_rule': {
      const b = body as SharedServiceRuleInputT;
      return [
        ...checkSelectorShape(b.providers, 'providers'),
        ...checkPeerShape(b.consumers, 'consumers'),
        ...checkServices(b.services, 'services'),
        ...checkUnique(b.service_groups, 'service_groups'),
      ];
    }
    case 'quarantine_rule': {
      const b = body as QuarantineRuleInputT;
      return [
        ...checkSelectorShape(b.target, 'target'),
        ...checkEntries(b.inbound, 'inbound', true),
        ...checkEntries(b.outbound, 'outbound', false),
      ];
    }
    default:
      return [];
  }
}

// -------------------------------------------------------------- references

/** A name one object uses of another. */
export interface Ref {
  kind: 'category' | 'address_group' | 'service_group' | 'host';
  name: string;
  value?: string;
  field: string;
}

function selectorRefs(sel: SelectorT | undefined, field: string): Ref[] {
  if (!sel) return [];
  return Object.entries(sel.categories).flatMap(([name, values]) =>
    values.map((value, i) => ({ kind: 'category' as const, name, value, field: `${field}.categories.${name}[${i}]` })),
  );
}

function peerRefs(p: PeerT, field: string): Ref[] {
  return [
    ...selectorRefs(p.categories ? { categories: p.categories } : undefined, field),
    ...(p.address_groups ?? []).map((name, i) => ({
      kind: 'address_group' as const,
      name,
      field: `${field}.address_groups[${i}]`,
    })),
  ];
}

function entryRefs(list: (InboundEntryT | OutboundEntryT)[] | undefined, field: string, inbound: boolean): Ref[] {
  return (list ?? []).flatMap((e, i) => {
    const f = `${field}[${i}]`;
    const peer = inbound ? (e as InboundEntryT).from : (e as OutboundEntryT).to;
    const sel = inbound ? (e as InboundEntryT).to : (e as OutboundEntryT).from;
    return [
      ...peerRefs(peer, `${f}.${inbound ? 'from' : 'to'}`),
      ...selectorRefs(sel, `${f}.${inbound ? 'to' : 'from'}`),
      ...(e.service_groups ?? []).map((name, j) => ({
        kind: 'service_group' as const,
        name,
        field: `${f}.service_groups[${j}]`,
      })),
    ];
  });
}

/** Every reference an object makes to another object (or category value). */
export function referencesOf<K extends Kind>(kind: K, body: Bodies[K]): Ref[] {
  switch (kind) {
    case 'entity': {
      const b = body as EntityInputT;
      return [
        { kind: 'host', name: b.host, field: 'host' },
        ...Object.entries(b.categories ?? {}).map(([name, value]) => ({
          kind: 'category' as const,
          name,
          value,
          field: `categories.${name}`,
        })),
      ];
    }
    case 'application_rule': {
      const b = body as ApplicationRuleInputT;
      return [
        ...selectorRefs(b.target, 'target'),
        ...entryRefs(b.inbound, 'inbound', true),
        ...entryRefs(b.outbound, 'outbound', false),
      ];
    }
    case 'isolation_rule': {
      const b = body as IsolationRuleInputT;
      return b.groups.flatMap((g, i) => selectorRefs(g, `groups[${i}]`));
    }
    case 'shared_service_rule': {
      const b = body as SharedServiceRuleInputT;
      return [
        ...selectorRefs(b.providers, 'providers'),
        ...peerRefs(b.consumers, 'consumers'),
        ...(b.service_groups ?? []).map((name, j) => ({
          kind: 'service_group' as const,
          name,
          field: `service_groups[${j}]`,
        })),
      ];
    }
    case 'quarantine_rule': {
      const b = body as QuarantineRuleInputT;
      return [
        ...selectorRefs(b.target ?? DEFAULT_QUARANTINE_TARGET, 'target'),
        ...entryRefs(b.inbound, 'inbound', true),
        ...entryRefs(b.outbound, 'outbound', false),
      ];
    }
    default:
      return [];
  }
}

const KIND_LABEL: Record<Ref['kind'], string> = {
  category: 'category',
  address_group: 'address group',
  service_group: 'service group',
  host: 'host',
};

function checkRefs(refs: Ref[], model: ModelView): FieldError[] {
  const errors: FieldError[] = [];
  for (const r of refs) {
    const target = model.objects[r.kind].get(r.name);
    if (!target) {
      errors.push({ field: r.field, message: `${KIND_LABEL[r.kind]} "${r.name}" does not exist` });
    } else if (r.value !== undefined && !(target as CategoryInputT).values.includes(r.value)) {
      errors.push({
        field: r.field,
        message: `category "${r.name}" has no value "${r.value}" (values: ${(target as CategoryInputT).values.join(', ') || 'none'})`,
      });
    }
  }
  return errors;
}

/** Who uses `name` of `kind` (and, for a category, optionally one value): "entity web1 (categories.AppTier)". */
export function findUsers(model: ModelView, kind: Ref['kind'], name: string, value?: string): string[] {
  return model.usersOf(kind, name, value).map((u) => `${u.kind} ${u.name} (${u.field})`);
}

function usedBy(users: string[]): string {
  const shown = users.slice(0, 5).join(', ');
  return users.length > 5 ? `${shown} and ${users.length - 5} more` : shown;
}

// ------------------------------------------------------- the whole change

/**
 * Checks creating (`current` null) or replacing the object named `current`
 * with `body`, against the model as stored. Shape errors come first; then
 * references; then conflicts (409).
 */
export function validateChange<K extends Kind>(
  kind: K,
  body: Bodies[K],
  current: string | null,
  model: ModelView,
): FieldError[] {
  const shape = validateShape(kind, body);
  if (shape.length > 0) return shape;
  const errors = checkRefs(referencesOf(kind, body), model);
  if (errors.length > 0) return errors;

  const renamed = current !== null && current !== body.name;
  if (current === BUILTIN_CATEGORY && kind === 'category' && renamed) {
    return [
      { field: 'name', message: `the built-in category ${BUILTIN_CATEGORY} cannot be renamed`, code: 'conflict' },
    ];
  }
  // Categories, address groups and service groups rename their references with them (the store does it); a host does not.
  if (renamed && kind === 'host') {
    const users = findUsers(model, kind, current);
    if (users.length > 0)
      return [{ field: 'name', message: `cannot rename host "${current}": used by ${usedBy(users)}`, code: 'in_use' }];
  }
  if (kind === 'category' && current !== null) {
    const before = model.objects.category.get(current);
    for (const v of before?.values ?? []) {
      if ((body as CategoryInputT).values.includes(v)) continue;
      const users = findUsers(model, 'category', current, v);
      if (users.length > 0)
        return [
          {
            field: 'values',
            message: `cannot remove value "${v}" of category "${current}": used by ${usedBy(users)}`,
            code: 'in_use',
          },
        ];
    }
  }
  if (kind === 'entity') errors.push(...entityConflicts(body as EntityInputT, current, model));
  if (kind === 'host') errors.push(...hostConflicts(body as HostInputT, current, model));
  return errors;
}

function isReferencedKind(kind: Kind): kind is Ref['kind'] {
  return kind === 'category' || kind === 'address_group' || kind === 'service_group' || kind === 'host';
}

function entityConflicts(b: EntityInputT, current: string | null, model: ModelView): FieldError[] {
  const errors: FieldError[] = [];
  const host = model.objects.host.get(b.host);
  if (host?.uplinks?.includes(b.port)) {
    errors.push({ field: 'port', message: `port "${b.port}" is an uplink of host "${b.host}"`, code: 'conflict' });
  }
  for (const name of model.entitiesOnPort(b.host, b.port)) {
    if (name === current) continue;
    errors.push({
      field: 'port',
      message: `port "${b.port}" on host "${b.host}" is already entity "${name}"`,
      code: 'conflict',
    });
  }
  b.ips.forEach((ip, i) => {
    for (const name of model.entitiesWithIp(ip)) {
      if (name === current) continue;
      errors.push({ field: `ips[${i}]`, message: `IP ${ip} already belongs to entity "${name}"`, code: 'conflict' });
    }
  });
  return errors;
}

function hostConflicts(b: HostInputT, current: string | null, model: ModelView): FieldError[] {
  if (current === null) return [];
  const errors: FieldError[] = [];
  (b.uplinks ?? []).forEach((u, i) => {
    for (const name of model.entitiesOnPort(current, u))
      errors.push({ field: `uplinks[${i}]`, message: `"${u}" is the port of entity "${name}"`, code: 'conflict' });
  });
  return errors;
}

/** Checks deleting the object `name` of `kind`. */
export function validateDelete(kind: Kind, name: string, model: ModelView): FieldError[] {
  if (kind === 'category' && name === BUILTIN_CATEGORY) {
    return [
      { field: 'name', message: `the built-in category ${BUILTIN_CATEGORY} cannot be deleted`, code: 'conflict' },
    ];
  }
  if (!isReferencedKind(kind)) return [];
  const users = findUsers(model, kind, name);
  if (users.length === 0) return [];
  return [{ field: 'name', message: `${KIND_LABEL[kind]} "${name}" is in use by ${usedBy(users)}`, code: 'in_use' }];
}
