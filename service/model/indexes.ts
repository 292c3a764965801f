/**
 * The stored model with the indexes integrity checks ask: which entity holds
 * an IP address, which entity is on a host's port, who refers to an object
 * (or a category value). Kept up to date object by object (`set`, `delete`),
 * so a write's checks cost what the write touches, not the inventory.
 */
import type { Kind } from './schemas';
import {
  referencesOf,
  type AnyBody,
  type Bodies,
  type ModelIndex,
  type ModelView,
  type Ref,
  type User,
} from './validate';

const key = (...parts: string[]) => parts.join('\0');
/** The keys a reference is found under: its object, and for a category value also the value. */
const refKeys = (r: Ref) =>
  r.value === undefined ? [key(r.kind, r.name)] : [key(r.kind, r.name), key(r.kind, r.name, r.value)];

/** Adds `name` to the set at `k`. */
function add(index: Map<string, Set<string>>, k: string, name: string): void {
  let names = index.get(k);
  if (!names) index.set(k, (names = new Set()));
  names.add(name);
}

function remove(index: Map<string, Set<string>>, k: string, name: string): void {
  const names = index.get(k);
  if (!names) return;
  names.delete(name);
  if (names.size === 0) index.delete(k);
}

export class IndexedModel implements ModelView {
  /** IP address → entities holding it. */
  private readonly ips = new Map<string, Set<string>>();
  /** host\0port → entities on it. */
  private readonly ports = new Map<string, Set<string>>();
  /**
   * kind\0name (any value) and kind\0name\0value → the users, "userKind\0userName" → the field of the first
   * reference. Insertion order is the order users are listed in.
   */
  private readonly users = new Map<string, Map<string, string>>();

  private constructor(readonly objects: ModelIndex) {}

  /** Indexes `objects` (once, O(model)); from then on keep it with `set` and `delete`. */
  static of(objects: ModelIndex): IndexedModel {
    const indexed = new IndexedModel(objects);
    for (const kind of Object.keys(objects) as Kind[])
      for (const [name, body] of objects[kind] as Map<string, AnyBody>) indexed.indexObject(kind, name, body);
    return indexed;
  }

  /** Stores (or replaces) the object `name` of `kind`. */
  set<K extends Kind>(kind: K, name: string, body: Bodies[K]): void {
    const objects = this.objects[kind] as Map<string, Bodies[K]>;
    const before = objects.get(name);
    if (before !== undefined) this.unindexObject(kind, name, before);
    objects.set(name, body);
    this.indexObject(kind, name, body);
  }

  delete(kind: Kind, name: string): void {
    const objects = this.objects[kind] as Map<string, AnyBody>;
    const before = objects.get(name);
    if (before === undefined) return;
    this.unindexObject(kind, name, before);
    objects.delete(name);
  }

  entitiesWithIp(ip: string): Iterable<string> {
    return this.ips.get(ip) ?? [];
  }

  entitiesOnPort(host: string, port: string): Iterable<string> {
    return this.ports.get(key(host, port)) ?? [];
  }

  usersOf(kind: Ref['kind'], name: string, value?: string): User[] {
    const found = this.users.get(value === undefined ? key(kind, name) : key(kind, name, value));
    if (!found) return [];
    const order = Object.keys(this.objects);
    return [...found]
      .map(([user, field]) => {
        const [userKind, userName] = user.split('\0') as [Kind, string];
        return { kind: userKind, name: userName, field };
      })
      .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  }

  private indexObject(kind: Kind, name: string, body: AnyBody): void {
    if (kind === 'entity') {
      const e = body as Bodies['entity'];
      for (const ip of e.ips) add(this.ips, ip, name);
      add(this.ports, key(e.host, e.port), name);
    }
    const user = key(kind, name);
    for (const r of referencesOf(kind, body)) {
      for (const k of refKeys(r)) {
        let users = this.users.get(k);
        if (!users) this.users.set(k, (users = new Map()));
        if (!users.has(user)) users.set(user, r.field);
      }
    }
  }

  private unindexObject(kind: Kind, name: string, body: AnyBody): void {
    if (kind === 'entity') {
      const e = body as Bodies['entity'];
      for (const ip of e.ips) remove(this.ips, ip, name);
      remove(this.ports, key(e.host, e.port), name);
    }
    const user = key(kind, name);
    for (const r of referencesOf(kind, body)) {
      for (const k of refKeys(r)) {
        const users = this.users.get(k);
        if (!users) continue;
        users.delete(user);
        if (users.size === 0) this.users.delete(k);
      }
    }
  }
}
