/**
 * A bridge held in memory, for simulated hosts (the 1,000-host benchmark):
 * the agent's BridgeDriver with no Open vSwitch behind it. Like a bridge it
 * holds one flow per identity (table, priority, match), takes a whole set
 * (replaceFlows) or only a difference (applyDiff: deletes by identity, adds
 * replacing the flow of their identity), and has fixed port numbers.
 */
import { flowIdentity, type FlowDiff } from '../../service/agent/flow-diff';
import type { BridgeDriver, HostPorts } from '../../service/agent/types';

export class MemoryDriver implements BridgeDriver {
  private flows = new Map<string, string>();

  constructor(private readonly ports: HostPorts) {}

  async readPorts(): Promise<HostPorts> {
    return { ...this.ports };
  }

  async dumpFlows(): Promise<string[]> {
    return [...this.flows.values()].sort();
  }

  async replaceFlows(flows: string[]): Promise<void> {
    this.flows = new Map(flows.map((l) => [flowIdentity(l), l]));
  }

  async applyDiff(diff: FlowDiff): Promise<void> {
    for (const l of diff.remove) this.flows.delete(flowIdentity(l));
    for (const l of diff.add) this.flows.set(flowIdentity(l), l);
  }
}
