/**
 * IP → entity resolution for one policy snapshot. Built once per generation
 * (entity IPs change only with the policy) and then answered from a Map; a
 * generation that did not change the entities keeps the previous maps.
 */
import type { PolicySnapshot, SnapshotEntity } from '../model/snapshot';
import { canonicalAddress } from '../model/net';

/** One spelling per address (the model's canonical one, as conntrack prints it); other text unchanged. */
export const canonicalIp = (ip: string): string => canonicalAddress(ip) ?? ip;

export class EntityIndex {
  private readonly byIp: Map<string, SnapshotEntity>;
  private readonly byName: Map<string, SnapshotEntity>;

  /** `previous`: an index of an older snapshot, whose maps are kept when the entity list is the same one. */
  constructor(
    readonly snapshot: PolicySnapshot,
    previous?: EntityIndex,
  ) {
    // A change leaves the lists it does not touch as they were (the same array): a rule change indexes nothing.
    if (previous?.snapshot.entities === snapshot.entities) {
      this.byIp = previous.byIp;
      this.byName = previous.byName;
      return;
    }
    this.byIp = new Map();
    this.byName = new Map();
    for (const e of snapshot.entities) {
      this.byName.set(e.name, e);
      for (const ip of e.ips) this.byIp.set(canonicalIp(ip), e);
    }
  }

  /** The entity whose `ips` hold this address, or null (an external address). */
  entityOf(ip: string): SnapshotEntity | null {
    return this.byIp.get(canonicalIp(ip)) ?? null;
  }

  entity(name: string): SnapshotEntity | null {
    return this.byName.get(name) ?? null;
  }
}

/** Caches the index of the latest snapshot, rebuilding it when the generation moves. */
export class EntityIndexCache {
  private current: EntityIndex | null = null;
  constructor(private readonly load: () => Promise<PolicySnapshot>) {}

  async get(): Promise<EntityIndex> {
    const snapshot = await this.load();
    if (!this.current || this.current.snapshot !== snapshot)
      this.current = new EntityIndex(snapshot, this.current ?? undefined);
    return this.current;
  }
}
