/**
 * IP → entity resolution for one policy snapshot. Built once per generation
 * (entity IPs change only with the policy) and then answered from a Map.
 */
import type { PolicySnapshot, SnapshotEntity } from '../model/snapshot';
import { canonicalAddress } from '../model/net';

/** One spelling per address (the model's canonical one, as conntrack prints it); other text unchanged. */
export const canonicalIp = (ip: string): string => canonicalAddress(ip) ?? ip;

export class EntityIndex {
  private readonly byIp = new Map<string, SnapshotEntity>();
  private readonly byName = new Map<string, SnapshotEntity>();

  constructor(readonly snapshot: PolicySnapshot) {
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
    if (!this.current || this.current.snapshot !== snapshot) this.current = new EntityIndex(snapshot);
    return this.current;
  }
}
