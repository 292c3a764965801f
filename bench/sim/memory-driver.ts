/**
 * A bridge held in memory, for simulated hosts (the 1,000-host benchmark):
 * the agent's BridgeDriver with no Open vSwitch behind it. It keeps the flows
 * it was given, sorted as a dump would list them, and fixed port numbers.
 */
import type { BridgeDriver, HostPorts } from '../../service/agent/types';

export class MemoryDriver implements BridgeDriver {
  private flows: string[] = [];
  /** Bundles applied (each replaceFlows is one). */
  bundles = 0;

  constructor(private readonly ports: HostPorts) {}

  async readPorts(): Promise<HostPorts> {
    return { ...this.ports };
  }

  async dumpFlows(): Promise<string[]> {
    return [...this.flows];
  }

  async replaceFlows(flows: string[]): Promise<void> {
    this.flows = [...flows].sort();
    this.bundles++;
  }
}
