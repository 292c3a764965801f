/**
 * The incremental compiler of one host. API:
 *
 *   const hc = new HostCompiler('h1');
 *   const { flows, count, added, removed, changed } = hc.update(snapshot, ports);
 *
 * `flows` is always exactly `compileHost(snapshot, 'h1', ports).flows` (same lines, same order), listed when
 * first read (an agent needs only `count`, its length: an update does not lay out the whole list); `added` and
 * `removed` are the lines that differ from the previous `update` (all of `flows` added on the first one), so
 * an agent can realize the change as one bundle of adds and deletes; `changed` is false when nothing differs.
 * Pure: no I/O; it remembers its last answer (as its parts) and the CompileContext it was computed on.
 *
 * When only entities changed since the last update (rules, groups and hosts the same objects), or only rules
 * (keeping the peer labels), the context is derived from the previous one (CompileContext.next). A host none of whose entities changed and none of
 * whose inputs (the selectors it read) a changed entity falls in keeps its own flows: only the changed
 * entities' flows of the shared PEER tables are taken (patched in the context). Otherwise the host compiles again, taking
 * each rule's flows on each side (a piece: layers.ts) as they were when its local entities are the same
 * objects on the same ports and the context dropped nothing it read: a changed entity recompiles the rules
 * it is a member of, not the host; a changed rule recompiles that rule's pieces. Anything else (groups,
 * hosts, ports changed, or rules that change the peer labels) recompiles the host whole.
 * Pass `context` (the same one to every host of a snapshot, e.g. `previousContext.next(snapshot)`) to share it.
 */
import type { PolicySnapshot } from '../model/snapshot';
import { compileFlowSet } from './compile';
import { CompileContext } from './context';
import { blockSize, lineAt, mergeLayout, sortedDifference, type FlowBlock } from './flow-set';
import type { HostPorts } from './host-view';
import { StaleCache, type Piece } from './layers';

export interface HostUpdate {
  generation: number;
  /** Listed on first read (then kept). */
  readonly flows: string[];
  /** flows.length. */
  count: number;
  added: string[];
  removed: string[];
  changed: boolean;
}

interface Last {
  snapshot: PolicySnapshot;
  ports: PortsCopy;
  ctx: CompileContext;
  /** What the host read outside its pieces, and how many of its pieces read each key. */
  reads: Set<string>;
  pieceReads: Map<string, number>;
  /** The host's flows outside the pieces and PEER blocks, sorted. */
  own: FlowBlock;
  blocks: readonly FlowBlock[];
  segments: readonly FlowBlock[];
  pieces: ReadonlyMap<string, Piece>;
  layout: Layout;
}

/** The host's flows as its parts (its own, the PEER blocks, the segments), merged into one list only when read. */
class Layout {
  private merged?: string[];

  constructor(
    private readonly own: FlowBlock,
    private readonly blocks: readonly FlowBlock[],
    private readonly segments: readonly FlowBlock[],
    readonly count = own.lines.length + total(blocks) + total(segments),
  ) {}

  get flows(): string[] {
    return (this.merged ??= mergeLayout([this.own, ...this.blocks, ...this.segments]));
  }

  /** The same with other PEER blocks (counted from theirs, not from every segment again). */
  withBlocks(blocks: readonly FlowBlock[]): Layout {
    return new Layout(this.own, blocks, this.segments, this.count - total(this.blocks) + total(blocks));
  }
}

const total = (blocks: readonly FlowBlock[]) => {
  let n = 0;
  for (const b of blocks) n += blockSize(b);
  return n;
};

/**
 * A copy of the ports (the caller may change its object): their names and numbers in the object's order, so the
 * next update's ports are compared by walking two arrays in step (no hashing: 50 hosts × 400 ports a change).
 */
interface PortsCopy {
  names: readonly string[];
  values: readonly number[];
}
function copyPorts(ports: HostPorts): PortsCopy {
  const names = Object.keys(ports);
  return { names, values: names.map((name) => ports[name]) };
}
function samePorts(ports: HostPorts, copy: PortsCopy): boolean {
  const names = Object.keys(ports);
  if (names.length !== copy.names.length) return false;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== copy.names[i]) return sameUnordered(ports, copy);
    if (ports[names[i]] !== copy.values[i]) return false;
  }
  return true;
}
/** The same names (as many, each of the copy's present) with the same numbers, listed in another order. */
function sameUnordered(ports: HostPorts, copy: PortsCopy): boolean {
  for (let i = 0; i < copy.names.length; i++) {
    const name = copy.names[i];
    if (!Object.prototype.hasOwnProperty.call(ports, name) || ports[name] !== copy.values[i]) return false;
  }
  return true;
}

function answer(generation: number, layout: Layout, added: string[], removed: string[]): HostUpdate {
  return {
    generation,
    get flows() {
      return layout.flows;
    },
    count: layout.count,
    added,
    removed,
    changed: added.length + removed.length > 0,
  };
}

const NOTHING = new Map<string, Piece>();
const NONE = new Set<string>();

export class HostCompiler {
  private last?: Last;
  /** Whether the last update kept the host's own flows (for tests and the bench). */
  lastWasPatched = false;
  /** How many rule pieces the last update took again as they were (for tests and the bench). */
  lastKeptPieces = 0;

  constructor(readonly host: string) {}

  update(snapshot: PolicySnapshot, ports: HostPorts, context?: CompileContext): HostUpdate {
    const last = this.last;
    const same = last !== undefined && samePorts(ports, last.ports);
    const generation = snapshot.generation;
    if (last && snapshot === last.snapshot && same) {
      return answer(generation, last.layout, [], []);
    }
    const ctx =
      context && context.source === snapshot ? context : last ? last.ctx.next(snapshot) : new CompileContext(snapshot);
    this.lastWasPatched = false;
    this.lastKeptPieces = 0;
    if (last && same && this.untouched(last, ctx)) {
      this.lastWasPatched = true;
      return this.patch(last, snapshot, ctx);
    }
    const derived = last && same && ctx.derivedFrom(last.ctx) ? last : undefined;
    const key = same ? last.ports : copyPorts(ports);
    let next: Last;
    try {
      next = this.compile(snapshot, ctx, ports, key, derived);
    } catch (e) {
      if (!(e instanceof StaleCache)) throw e;
      next = this.compile(snapshot, ctx, ports, key, undefined);
    }
    const { added, removed } = derived
      ? this.difference(derived, next, ctx)
      : wholeDifference(last?.layout.flows, next.layout.flows);
    this.last = next;
    return answer(generation, next.layout, added, removed);
  }

  /** The host's flows on `ctx`, taking `previous`'s pieces where they hold. */
  private compile(
    snapshot: PolicySnapshot,
    ctx: CompileContext,
    ports: HostPorts,
    key: PortsCopy,
    previous?: Last,
  ): Last {
    const cache = {
      previous: previous?.pieces ?? NOTHING,
      invalidated: previous ? ctx.invalidated : NONE,
      next: new Map<string, Piece>(),
    };
    const { value: fs, reads } = ctx.track(() => compileFlowSet(ctx, this.host, ports, cache));
    const { own, blocks, segments } = fs.parts();
    // The pieces' reads counted from the previous compile's (taken over: it is replaced) by the pieces that differ.
    const pieceReads = previous?.pieceReads ?? new Map<string, number>();
    // forEach, not for-of: no entry array per piece (800 a host).
    previous?.pieces.forEach((p, k) => {
      if (cache.next.get(k) !== p) count(pieceReads, p.reads, -1);
    });
    cache.next.forEach((p, k) => {
      if (previous?.pieces.get(k) === p) this.lastKeptPieces++;
      else count(pieceReads, p.reads, 1);
    });
    const layout = new Layout(own, blocks, segments);
    return { snapshot, ports: key, ctx, reads, pieceReads, own, blocks, segments, pieces: cache.next, layout };
  }

  /**
   * What changed from `was` to `is` (same ports, `is` compiled on a context derived from `was`'s): the pieces
   * taken again are the same lines; only the others, the host's own flows and the PEER blocks are compared.
   */
  private difference(was: Last, is: Last, ctx: CompileContext): { added: string[]; removed: string[] } {
    const sameTables =
      was.blocks.length === is.blocks.length &&
      was.blocks.every((b, k) => b.source!.table === is.blocks[k].source!.table);
    if (!sameTables) return wholeDifference(was.layout.flows, is.layout.flows);
    const previous = new Set(was.segments);
    const kept = new Set(is.segments.filter((s) => previous.has(s)));
    // A position is either the host's own or a segment's: the two are compared apart.
    const own = sortedDifference(was.own, is.own);
    const before = was.segments.filter((s) => !kept.has(s)).flatMap((s) => s.lines);
    const after = is.segments.filter((s) => !kept.has(s)).flatMap((s) => s.lines);
    const pieces = wholeDifference(before, after);
    const peer = peerDifference(was.blocks, is.blocks, ctx);
    return {
      added: [...own.added, ...pieces.added, ...peer.added],
      removed: [...own.removed, ...pieces.removed, ...peer.removed],
    };
  }

  /** `ctx` follows `last.ctx` by entity changes none of which is on this host or in what the host read. */
  private untouched(last: Last, ctx: CompileContext): boolean {
    if (!ctx.derivedFrom(last.ctx)) return false;
    if (ctx.changes.some((c) => c.before.host === this.host || c.after.host === this.host)) return false;
    for (const key of ctx.invalidated) if (last.reads.has(key) || last.pieceReads.has(key)) return false;
    return true;
  }

  /**
   * The host's own flows and rule pieces kept; its PEER blocks taken from `ctx` (patched there for the changed
   * entities): the cost is the changed lines, nothing is merged or copied.
   */
  private patch(last: Last, snapshot: PolicySnapshot, ctx: CompileContext): HostUpdate {
    const blocks = last.blocks.map((b) => ctx.peerLookup(b.source!.table, b.source!.fields));
    const { added, removed } = peerDifference(last.blocks, blocks, ctx);
    const layout =
      added.length + removed.length > 0 || blocks.some((b, k) => b !== last.blocks[k])
        ? last.layout.withBlocks(blocks)
        : last.layout;
    this.last = { ...last, snapshot, ctx, blocks, layout };
    return answer(snapshot.generation, layout, added, removed);
  }
}

function count(counts: Map<string, number>, keys: Iterable<string>, by: 1 | -1): void {
  for (const key of keys) {
    const n = (counts.get(key) ?? 0) + by;
    if (n === 0) counts.delete(key);
    else counts.set(key, n);
  }
}

/** The lines of `after` not in `before` and those of `before` not in `after`. */
function wholeDifference(before: readonly string[] = [], after: readonly string[]) {
  const [was, is] = [new Set(before), new Set(after)];
  return { added: after.filter((f) => !was.has(f)), removed: before.filter((f) => !is.has(f)) };
}

/**
 * The lines that differ between the PEER blocks `was` and `is` (the same tables, `is` from `ctx`): a block
 * patched for the changed entities (same index) only at their addresses, a rebuilt one whole.
 */
function peerDifference(was: readonly FlowBlock[], is: readonly FlowBlock[], ctx: CompileContext) {
  const added: string[] = [];
  const removed: string[] = [];
  is.forEach((b, k) => {
    const old = was[k];
    if (b === old) return;
    if (b.index !== old.index) {
      // Rebuilt, not patched (an address changed): compare the whole tables.
      const d = wholeDifference(old.lines, b.lines);
      added.push(...d.added);
      removed.push(...d.removed);
      return;
    }
    const { fields } = b.source!;
    for (const { after } of ctx.changes) {
      for (const ip of after.ips) {
        // Entity IPs are validated bare addresses: a colon is the family (parsing each one costs).
        const i = b.index.get(ip.includes(':') ? `ipv6,${fields.v6}=${ip}` : `ip,${fields.v4}=${ip}`);
        if (i === undefined) continue;
        const [was, is] = [lineAt(old, i), lineAt(b, i)];
        if (was === is) continue;
        removed.push(was);
        added.push(is);
      }
    }
  });
  return { added, removed };
}
