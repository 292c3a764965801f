/**
 * The incremental compiler of one host. API:
 *
 *   const hc = new HostCompiler('h1');
 *   const { flows, added, removed } = hc.update(snapshot, ports);
 *
 * `flows` is always exactly `compileHost(snapshot, 'h1', ports).flows` (same lines, same order); `added` and
 * `removed` are the lines that differ from the previous `update` (all of `flows` added on the first one), so
 * an agent can realize the change as one bundle of adds and deletes. `changed` is false when nothing differs
 * (then `added` and `removed` are empty). Pure: no I/O; it only remembers its last answer. Pass the same
 * `context` to the compilers of several hosts of one snapshot to share the snapshot's indexes.
 */
import type { PolicySnapshot } from '../model/snapshot';
import { contextFor, type CompileContext } from './context';
import type { HostPorts } from './host-view';
import { compileHost } from './compile';

export interface HostUpdate {
  generation: number;
  flows: string[];
  added: string[];
  removed: string[];
  changed: boolean;
}

export class HostCompiler {
  private last: { flows: string[]; set: Set<string> } = { flows: [], set: new Set() };
  private input?: { snapshot: PolicySnapshot; ports: string };

  constructor(readonly host: string) {}

  update(snapshot: PolicySnapshot, ports: HostPorts, context?: CompileContext): HostUpdate {
    const key = JSON.stringify(ports);
    if (snapshot === this.input?.snapshot && key === this.input.ports) {
      return { generation: snapshot.generation, flows: this.last.flows, added: [], removed: [], changed: false };
    }
    this.input = { snapshot, ports: key };
    const { flows } = compileHost(snapshot, this.host, ports, contextFor(snapshot, context));
    const set = new Set(flows);
    const added = flows.filter((f) => !this.last.set.has(f));
    const removed = this.last.flows.filter((f) => !set.has(f));
    this.last = { flows, set };
    return { generation: snapshot.generation, flows, added, removed, changed: added.length + removed.length > 0 };
  }
}
