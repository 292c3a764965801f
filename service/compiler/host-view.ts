/** What one host's bridge holds: its entities (with OpenFlow ports when present) and its uplink ports. Pure. */
import type { SnapshotEntity, SnapshotHost } from '../model/snapshot';
import type { CompileContext } from './context';
import { byName } from '../model/verdicts';

export interface HostPorts {
  [ovsInterfaceName: string]: number;
}
/** ofport null: the entity's interface is not on the bridge (yet). */
export interface LocalEntity {
  entity: SnapshotEntity;
  ofport: number | null;
}
export interface HostView {
  host: SnapshotHost;
  local: LocalEntity[];
  uplinks: number[];
}

function checkOfport(name: string, value: unknown): number {
  // 0xff00 and above are OpenFlow's reserved ports; a zone must also fit 16 bits.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value >= 0xff00) {
    throw new Error(`ports[${JSON.stringify(name)}] must be an OpenFlow port number from 1 to 65279`);
  }
  return value;
}

/**
 * One LocalEntity object per entity object and port: a recompile finds the same objects for the entities that
 * did not change (the incremental compiler compares a rule's members by identity).
 */
const locals = new WeakMap<SnapshotEntity, LocalEntity>();
function localEntity(entity: SnapshotEntity, ofport: number | null): LocalEntity {
  const known = locals.get(entity);
  if (known && known.ofport === ofport) return known;
  const local = { entity, ofport };
  locals.set(entity, local);
  return local;
}

export function hostView(ctx: CompileContext, hostName: string, ports: HostPorts): HostView {
  const host = ctx.host(hostName);
  if (!host) throw new Error(`host ${JSON.stringify(hostName)} is not in the policy snapshot`);
  const portOf = (name: string) =>
    Object.prototype.hasOwnProperty.call(ports, name) ? checkOfport(name, ports[name]) : null;
  const local = ctx
    .entitiesOn(hostName)
    .slice()
    .sort(byName)
    .map((entity) => localEntity(entity, portOf(entity.port)));
  const uplinks = [...new Set(host.uplinks.map(portOf).filter((p): p is number => p !== null))].sort((a, b) => a - b);
  return { host, local, uplinks };
}
