/**
 * A bridge held in memory, for simulated hosts (the 1,000-host benchmark):
 * the agent's BridgeDriver with no Open vSwitch behind it. Like a bridge it
 * holds one flow per identity (table, priority, match), takes a whole set
 * (replaceFlows) or only a difference (applyDiff: deletes by identity, adds
 * replacing the flow of their identity), compares itself with a desired set
 * (diffFlows, as `ovs-ofctl diff-flows` does) and has fixed port numbers.
 *
 * It holds each flow once, as the agent's own string, under a 32-bit hash of its
 * identity (computed on the line, no identity string kept: 1,000 hosts of
 * ~40,000 flows each share a few processes); flows whose identities collide
 * share a slot as a list. Only this driver writes the bridge, so it cannot
 * drift: its watch is always alive and reports nothing, which puts the agent on
 * the path of a host with a live flow monitor (a full check of the bridge every
 * fullCheckMs, not on every pass).
 */
import { flowIdentity, type FlowDiff } from '../../service/agent/flow-diff';
import type { BridgeDriver, FlowWatch, HostPorts } from '../../service/agent/types';

/** Where a compiled line's identity (flowIdentity) lies in it, or null for any other line. */
function identitySpan(line: string): [number, number] | null {
  const comma = line.indexOf(',');
  const actions = line.indexOf(' actions=');
  if (line.startsWith('cookie=') && comma > 0 && actions > comma && line.lastIndexOf(',cookie=', actions) < 0)
    return [comma + 1, actions];
  return null;
}

const identity = (line: string) => {
  const at = identitySpan(line);
  return at ? line.slice(at[0], at[1]) : flowIdentity(line);
};

/** FNV-1a of the line's identity, read in place for a compiled line (exported for the test of colliding slots). */
export function identityHash(line: string): number {
  const at = identitySpan(line);
  const text = at ? line : flowIdentity(line);
  const [from, to] = at ?? [0, text.length];
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class MemoryDriver implements BridgeDriver {
  private flows = new Map<number, string | string[]>();
  private count = 0;

  constructor(private readonly ports: HostPorts) {}

  /** Flows on the bridge. */
  get size(): number {
    return this.count;
  }

  /** Puts `line` on the bridge, replacing the flow of its identity. */
  private put(line: string): void {
    const h = identityHash(line);
    const at = this.flows.get(h);
    if (at === undefined) {
      this.flows.set(h, line);
      this.count++;
      return;
    }
    const list = typeof at === 'string' ? [at] : at;
    const id = identity(line);
    const i = list.findIndex((l) => identity(l) === id);
    if (i >= 0) list[i] = line;
    else {
      list.push(line);
      this.count++;
    }
    this.flows.set(h, list.length === 1 ? list[0] : list);
  }

  /** Deletes the flow of `line`'s identity, if any. */
  private delete(line: string): void {
    const h = identityHash(line);
    const at = this.flows.get(h);
    if (at === undefined) return;
    const id = identity(line);
    const rest = (typeof at === 'string' ? [at] : at).filter((l) => identity(l) !== id);
    const before = typeof at === 'string' ? 1 : at.length;
    this.count -= before - rest.length;
    if (rest.length === 0) this.flows.delete(h);
    else this.flows.set(h, rest.length === 1 ? rest[0] : rest);
  }

  /** Whether the bridge holds exactly `line` (its identity holds this line). */
  private holds(line: string): boolean {
    const at = this.flows.get(identityHash(line));
    return at === line || (Array.isArray(at) && at.includes(line));
  }

  async readPorts(): Promise<HostPorts> {
    return { ...this.ports };
  }

  async dumpFlows(): Promise<string[]> {
    return [...this.flows.values()].flat().sort();
  }

  async replaceFlows(flows: string[]): Promise<void> {
    this.flows = new Map();
    this.count = 0;
    for (const l of flows) this.put(l);
  }

  async applyDiff(diff: FlowDiff): Promise<void> {
    for (const l of diff.remove) this.delete(l);
    for (const l of diff.add) this.put(l);
  }

  /** A desired line is on the bridge when its identity holds exactly it; every other flow there is unexpected. */
  async diffFlows(flows: string[]): Promise<{ missing: number; unexpected: number }> {
    let present = 0;
    for (const l of new Set(flows)) if (this.holds(l)) present++;
    return { missing: flows.length - present, unexpected: this.count - present };
  }

  watch(): FlowWatch {
    return { alive: () => true, stop: () => undefined };
  }
}
