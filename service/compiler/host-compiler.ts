/**
 * The incremental compiler of one host. API:
 *
 *   const hc = new HostCompiler('h1');
 *   const { flows, added, removed, changed } = hc.update(snapshot, ports);
 *
 * `flows` is always exactly `compileHost(snapshot, 'h1', ports).flows` (same lines, same order); `added` and
 * `removed` are the lines that differ from the previous `update` (all of `flows` added on the first one), so
 * an agent can realize the change as one bundle of adds and deletes; `changed` is false when nothing differs.
 * Pure: no I/O; it remembers its last answer and the CompileContext it was computed on.
 *
 * When only entities changed since the last update (rules, groups and hosts the same objects), the context
 * is derived from the previous one (CompileContext.next), and a host none of whose entities changed and none
 * of whose inputs (the selectors it read) a changed entity falls in keeps its own flows: only the changed
 * entities' flows of the shared PEER tables are rewritten. Anything else recompiles the host whole. Pass
 * `context` (the same one to every host of a snapshot, e.g. `previousContext.next(snapshot)`) to share it.
 */
import { ipVersion } from '../model/net';
import type { PolicySnapshot } from '../model/snapshot';
import { compileFlowSet } from './compile';
import { CompileContext } from './context';
import { mergeLayout, type FlowBlock } from './flow-set';
import type { HostPorts } from './host-view';

export interface HostUpdate {
  generation: number;
  flows: string[];
  added: string[];
  removed: string[];
  changed: boolean;
}

interface Last {
  snapshot: PolicySnapshot;
  ports: string;
  ctx: CompileContext;
  reads: Set<string>;
  own: FlowBlock;
  blocks: readonly FlowBlock[];
  flows: string[];
  /** Where each block's first line sits in `flows` (null: interleaved with the host's own flows). */
  offsets: number[] | null;
}

export class HostCompiler {
  private last?: Last;
  /** Whether the last update kept the host's own flows (for tests and the bench). */
  lastWasPatched = false;

  constructor(readonly host: string) {}

  update(snapshot: PolicySnapshot, ports: HostPorts, context?: CompileContext): HostUpdate {
    const key = JSON.stringify(ports);
    const last = this.last;
    const generation = snapshot.generation;
    if (last && snapshot === last.snapshot && key === last.ports) {
      return { generation, flows: last.flows, added: [], removed: [], changed: false };
    }
    const ctx =
      context && context.source === snapshot ? context : last ? last.ctx.next(snapshot) : new CompileContext(snapshot);
    this.lastWasPatched = false;
    if (last && key === last.ports && this.untouched(last, ctx)) {
      this.lastWasPatched = true;
      return this.patch(last, snapshot, ctx, key);
    }
    const { value: fs, reads } = ctx.track(() => compileFlowSet(ctx, this.host, ports));
    const { own, blocks } = fs.parts();
    const { lines: flows, offsets } = mergeLayout([own, ...blocks]);
    const before = new Set(last?.flows ?? []);
    const now = new Set(flows);
    const added = flows.filter((f) => !before.has(f));
    const removed = (last?.flows ?? []).filter((f) => !now.has(f));
    this.last = { snapshot, ports: key, ctx, reads, own, blocks, flows, offsets };
    return { generation, flows, added, removed, changed: added.length + removed.length > 0 };
  }

  /** `ctx` follows `last.ctx` by entity changes none of which is on this host or in what the host read. */
  private untouched(last: Last, ctx: CompileContext): boolean {
    if (ctx.parent !== last.ctx) return false;
    if (ctx.changes.some((c) => c.before.host === this.host || c.after.host === this.host)) return false;
    for (const key of ctx.invalidated) if (last.reads.has(key)) return false;
    return true;
  }

  /**
   * The host's own flows kept; its PEER blocks taken from `ctx` (patched there for the changed entities). A
   * patched block keeps its layout: its changed lines are replaced where they sit, nothing is merged again.
   */
  private patch(last: Last, snapshot: PolicySnapshot, ctx: CompileContext, ports: string): HostUpdate {
    const blocks = last.blocks.map((b) => ctx.peerLookup(b.source!.table, b.source!.fields));
    const added: string[] = [];
    const removed: string[] = [];
    const replaced: [number, string][] = [];
    let rebuilt = false;
    blocks.forEach((b, k) => {
      const old = last.blocks[k];
      if (b === old) return;
      if (b.index !== old.index) {
        // Rebuilt, not patched (an address changed): compare the whole tables.
        rebuilt = true;
        const [was, is] = [new Set(old.lines), new Set(b.lines)];
        added.push(...b.lines.filter((l) => !was.has(l)));
        removed.push(...old.lines.filter((l) => !is.has(l)));
        return;
      }
      const { fields } = b.source!;
      for (const { after } of ctx.changes) {
        for (const ip of after.ips) {
          const i = b.index.get(ipVersion(ip) === 6 ? `ipv6,${fields.v6}=${ip}` : `ip,${fields.v4}=${ip}`);
          if (i === undefined || old.lines[i] === b.lines[i]) continue;
          removed.push(old.lines[i]);
          added.push(b.lines[i]);
          if (last.offsets) replaced.push([last.offsets[k] + i, b.lines[i]]);
        }
      }
    });
    let { flows, offsets } = last;
    if (rebuilt || !offsets) ({ lines: flows, offsets } = mergeLayout([last.own, ...blocks]));
    else if (replaced.length > 0) {
      flows = flows.slice(); // the previous answer stays as it was returned
      for (const [at, line] of replaced) flows[at] = line;
    }
    this.last = { ...last, snapshot, ports, ctx, blocks, flows, offsets };
    return { generation: snapshot.generation, flows, added, removed, changed: added.length + removed.length > 0 };
  }
}
