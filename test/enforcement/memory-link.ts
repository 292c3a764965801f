/**
 * The embedded agents' link over a snapshot held in memory, for tests that run
 * EmbeddedAgents without a service: every host reads the whole snapshot (a view
 * may be the whole policy) and every change wakes every host. And a compiler
 * small enough to read in a dump: one drop flow per local entity's port.
 */
import type { EmbeddedLink } from '../../service/agent/embedded';
import type { CompileHost } from '../../service/agent/types';
import type { AgentStatusReport } from '../../service/model/host-status';
import type { PolicySnapshot } from '../../service/model/snapshot';

export class MemoryLink implements EmbeddedLink {
  readonly statuses = new Map<string, AgentStatusReport>();
  private readonly listeners = new Set<(g: number) => void>();
  private readonly viewListeners = new Set<(hosts: string[]) => void>();
  constructor(public snap: PolicySnapshot) {}
  async fetchPolicy() {
    return this.snap;
  }
  async fetchHosts() {
    return this.snap.hosts;
  }
  async reportStatus(host: string, s: AgentStatusReport) {
    this.statuses.set(host, s);
  }
  onGeneration(l: (g: number) => void) {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }
  onViews(l: (hosts: string[]) => void) {
    this.viewListeners.add(l);
    return () => void this.viewListeners.delete(l);
  }
  forHost() {
    return this;
  }
  /** Serves `snap` from now on and tells every host. */
  publish(snap: PolicySnapshot) {
    this.snap = snap;
    for (const l of this.listeners) l(snap.generation);
    for (const l of this.viewListeners) l(snap.hosts.map((h) => h.name));
  }
  /** The next generation, with what `f` changes. */
  change(f: (s: PolicySnapshot) => Partial<PolicySnapshot>) {
    this.publish({ ...this.snap, ...f(this.snap), generation: this.snap.generation + 1 });
  }
}

/** One drop flow per local entity on a port of the bridge, under a table-miss drop. */
export const dropPerPort: CompileHost = (snap, host, ports) => ({
  host,
  generation: snap.generation,
  flows: [
    'table=0,priority=0,actions=drop',
    ...snap.entities
      .filter((e) => e.host === host && ports[e.port])
      .map((e) => `table=0,priority=10,in_port=${ports[e.port]},actions=drop`),
  ],
});
