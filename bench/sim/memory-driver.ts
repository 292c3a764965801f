/**
 * A bridge held in memory, for simulated hosts (the 1,000-host benchmark):
 * the agent's BridgeDriver with no Open vSwitch behind it. Like a bridge it
 * holds one flow per identity (table, priority, match), takes a whole set
 * (replaceFlows) or only a difference (applyDiff: deletes by identity, adds
 * replacing the flow of their identity), compares itself with a desired set
 * (diffFlows, as `ovs-ofctl diff-flows` does) and has fixed port numbers.
 *
 * It holds each flow once: the identity → line map, the line being the
 * agent's own string and its identity a slice of it (no copy; 1,000 hosts of
 * ~40,000 flows each share a few processes). Only this driver writes the bridge, so it
 * cannot drift: its watch is always alive and reports nothing, which puts the
 * agent on the path of a host with a live flow monitor (a full check of the
 * bridge every fullCheckMs, not on every pass).
 */
import { flowIdentity, type FlowDiff } from '../../service/agent/flow-diff';
import type { BridgeDriver, FlowWatch, HostPorts } from '../../service/agent/types';

/**
 * flowIdentity(line), for a compiled line (`cookie=…,table=…,priority=…,match actions=…`) as a slice of the
 * line, which V8 keeps as a view into it rather than a copy; any other line by flowIdentity itself.
 */
function identity(line: string): string {
  const comma = line.indexOf(',');
  const actions = line.indexOf(' actions=');
  if (line.startsWith('cookie=') && comma > 0 && actions > comma && line.lastIndexOf(',cookie=', actions) < 0)
    return line.slice(comma + 1, actions);
  return flowIdentity(line);
}

export class MemoryDriver implements BridgeDriver {
  private flows = new Map<string, string>();

  constructor(private readonly ports: HostPorts) {}

  /** Flows on the bridge. */
  get size(): number {
    return this.flows.size;
  }

  async readPorts(): Promise<HostPorts> {
    return { ...this.ports };
  }

  async dumpFlows(): Promise<string[]> {
    return [...this.flows.values()].sort();
  }

  async replaceFlows(flows: string[]): Promise<void> {
    this.flows = new Map(flows.map((l) => [identity(l), l]));
  }

  async applyDiff(diff: FlowDiff): Promise<void> {
    for (const l of diff.remove) this.flows.delete(identity(l));
    for (const l of diff.add) this.flows.set(identity(l), l);
  }

  /** A desired line is on the bridge when its identity holds exactly it; every other flow there is unexpected. */
  async diffFlows(flows: string[]): Promise<{ missing: number; unexpected: number }> {
    let present = 0;
    for (const l of new Set(flows)) if (this.flows.get(identity(l)) === l) present++;
    return { missing: flows.length - present, unexpected: this.flows.size - present };
  }

  watch(): FlowWatch {
    return { alive: () => true, stop: () => undefined };
  }
}
