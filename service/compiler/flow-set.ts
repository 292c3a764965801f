/**
 * Accumulates flows, keyed by their canonical match, and renders them one way
 * (deterministically, sorted). Two flows with the same (table, priority,
 * match) are one OpenFlow flow, so conjunction clauses that coincide merge
 * into one flow with several conjunction actions, and a plain flow on a
 * clause's exact match replaces the clause (same priority means same rule; it
 * allows all the clause could). Two *different* plain flows for one match
 * throw: OVS would keep one of them silently.
 */
import { hostPrefix, ipVersion } from '../model/net';
import { BASE_COOKIE, formatCookie, REG, type RegisterName } from './pipeline';

export interface Flow {
  table: number;
  priority: number;
  match: string;
  actions: string;
  cookie: bigint;
}

const CONJ = /^conjunction\(/;
const ADDRESS_FIELDS = new Set(['nw_src', 'nw_dst', 'ipv6_src', 'ipv6_dst', 'arp_spa', 'arp_tpa', 'nd_target']);

/**
 * The one spelling of a match, as OVS reads it back: a host CIDR (/32, /128)
 * is the bare address, so "10.0.0.3/32" and "10.0.0.3" are one key.
 */
export function canonicalMatch(match: string): string {
  // Only a host prefix can be spelled two ways.
  if (!match.includes('/32') && !match.includes('/128')) return match;
  return match
    .split(',')
    .map((field) => {
      const eq = field.indexOf('=');
      if (eq < 0 || !ADDRESS_FIELDS.has(field.slice(0, eq))) return field;
      const value = field.slice(eq + 1);
      const slash = value.indexOf('/');
      if (slash < 0 || value.slice(slash + 1) !== String(hostPrefix(ipVersion(value)))) return field;
      return `${field.slice(0, eq)}=${value.slice(0, slash)}`;
    })
    .join(',');
}

/** Ends a deciding flow (its verdict loads and goto). */
export type Decide = (f: FlowBuilder) => Flow;

/** What a conjunction is: its priority, cookie and clauses (each dimension's matches). */
export interface ConjunctionContent {
  priority: number;
  cookie: bigint;
  dims: readonly (readonly string[])[];
}

/** A conjunction a piece of flows took: its table, id and content (the id being its content's own hash). */
export interface Conjunction {
  table: number;
  id: number;
  content: ConjunctionContent;
}

const sameContent = (a: ConjunctionContent, b: ConjunctionContent) =>
  a === b ||
  (a.priority === b.priority &&
    a.cookie === b.cookie &&
    a.dims.length === b.dims.length &&
    a.dims.every((d, k) => {
      const e = b.dims[k];
      return d === e || (d.length === e.length && d.every((m, i) => m === e[i]));
    }));

/** FNV-1a step over a string's UTF-16 code units. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * FNV-1a of `${priority}|${cookie}|${JSON.stringify(dims)}`, without building that text (a conjunction of a
 * few hundred clauses would be kilobytes per rule entry and host).
 */
function contentHash({ priority, cookie, dims }: ConjunctionContent): number {
  let h = fnv(0x811c9dc5, `${priority}|${cookie}|[`);
  dims.forEach((dim, k) => {
    h = fnv(h, k === 0 ? '[' : ',[');
    dim.forEach((m, i) => {
      if (i > 0) h = fnv(h, ',');
      if (jsonSafe(m)) h = Math.imul(fnv(Math.imul(h ^ QUOTE, 0x01000193), m) ^ QUOTE, 0x01000193);
      else h = fnv(h, JSON.stringify(m));
    });
    h = fnv(h, ']');
  });
  return fnv(h, ']') >>> 0 || 1;
}
/** Whether JSON writes `m` as itself between quotes (no quote, backslash, control character or surrogate). */
function jsonSafe(m: string): boolean {
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
const QUOTE = 0x22;

export class FlowSet {
  /** table × 0x10000 + priority → canonical match → flow. */
  private readonly flows = new Map<number, Map<string, Flow>>();
  /** The conjunction actions of the flows several clauses merged into (rendered in parts()). */
  private readonly mergedActions = new Map<Flow, Set<string>>();
  private readonly blocks: FlowBlock[] = [];
  private readonly segments: FlowBlock[] = [];
  /** A piece's flows are built anew when it is (rendered once, not kept with renderOnce). */
  private isPiece = false;
  /** The conjunctions taken while set (null: one took another id than its hash, on a collision). */
  private taken: Conjunction[] | null | undefined;

  /** `conjIds`: table → conjunction id → the conjunction's content (ids are unique per table), shared by pieces. */
  constructor(private readonly conjIds = new Map<number, Map<number, ConjunctionContent>>()) {}

  /**
   * A flow set for a piece of this one (kept apart, added back with addSegment): it shares the conjunction
   * ids; `record`: the conjunctions it takes are listed (`taken()`), so the piece can take them again.
   */
  piece(record: boolean): FlowSet {
    const fs = new FlowSet(this.conjIds);
    fs.isPiece = true;
    if (record) fs.taken = [];
    return fs;
  }

  /** The conjunctions this piece took; null when one could not take its hash as id. */
  conjunctions(): readonly Conjunction[] | null {
    return this.taken ?? null;
  }

  /**
   * Takes the ids a piece took before, as a whole compile would at this point: only when every one is free
   * (then each is its content's hash, as conjunctionId would give). false: none taken.
   */
  claim(conjunctions: readonly Conjunction[]): boolean {
    for (const c of conjunctions) if (this.conjIds.get(c.table)?.has(c.id)) return false;
    for (const c of conjunctions) {
      let ids = this.conjIds.get(c.table);
      if (!ids) this.conjIds.set(c.table, (ids = new Map()));
      ids.set(c.id, c.content);
    }
    return true;
  }

  /** Adds a piece's flows (sorted and rendered, e.g. `piece().parts().own`): they share no position with others. */
  addSegment(segment: FlowBlock): void {
    this.segments.push(segment);
  }

  add(input: Flow): void {
    const match = canonicalMatch(input.match);
    const flow = match === input.match ? input : { ...input, match };
    const position = flow.table * 0x10000 + flow.priority; // priorities are 16 bits
    let at = this.flows.get(position);
    if (!at) this.flows.set(position, (at = new Map()));
    const existing = at.get(match);
    if (!existing) {
      at.set(match, flow);
      return;
    }
    const existingConj = CONJ.test(existing.actions);
    const newConj = CONJ.test(flow.actions);
    if (existingConj && newConj) {
      let actions = this.mergedActions.get(existing);
      if (!actions) {
        // A flow of our own from here on (the input objects stay the caller's); its actions joined in parts().
        const own = { ...existing };
        actions = new Set(existing.actions.split(/,(?=conjunction\()/));
        this.mergedActions.set(own, actions);
        at.set(match, own);
      }
      actions.add(flow.actions);
    } else if (existingConj && !newConj) {
      at.set(match, flow);
    } else if (!existingConj && !newConj && (existing.actions !== flow.actions || existing.cookie !== flow.cookie)) {
      throw new Error(
        `two flows for one match in table ${flow.table}, priority ${flow.priority}, ${flow.match || '(any)'}: ` +
          `"${existing.actions}" (cookie ${formatCookie(existing.cookie)}) and "${flow.actions}" (cookie ${formatCookie(flow.cookie)})`,
      );
    }
    // A clause on a plain flow's match adds nothing: the plain flow already allows it.
  }

  /**
   * Allows the cross product of `dims` (each a non-empty list of match strings,
   * one per dimension) with `actions`: one flow per match when there is one
   * dimension, else a conjunction, so flows grow with the sum of the lists. `decide` ends each deciding flow.
   */
  addProduct(table: number, priority: number, cookie: bigint, dims: string[][], decide: Decide): void {
    if (dims.length === 1) {
      for (const match of dims[0]) this.add(decide(flow(table, priority, cookie).match(match)));
      return;
    }
    const id = this.conjunctionId(table, { priority, cookie, dims });
    dims.forEach((dim, k) => {
      const actions = `conjunction(${id},${k + 1}/${dims.length})`;
      for (const match of dim) this.add({ table, priority, cookie, match, actions });
    });
    this.add(decide(flow(table, priority, cookie).match(`conj_id=${id}`)));
  }

  /**
   * A conjunction's id follows from its content (FNV-1a, the next free one on a collision), not from the order
   * of compilation: a change elsewhere leaves it, and so its flows, as they were.
   */
  private conjunctionId(table: number, content: ConjunctionContent): number {
    let ids = this.conjIds.get(table);
    if (!ids) this.conjIds.set(table, (ids = new Map()));
    const hash = contentHash(content);
    let id = hash;
    for (let seen = ids.get(id); seen !== undefined && !sameContent(seen, content); seen = ids.get(id)) {
      id = (id % 0xffffffff) + 1;
    }
    ids.set(id, content);
    if (this.taken) this.taken.push({ table, id, content });
    if (id !== hash) this.taken = null;
    return id;
  }

  /** `ovs-ofctl add-flow` lines, sorted by table, then priority (high first), then match. */
  lines(): string[] {
    const { own, blocks, segments } = this.parts();
    return mergeLayout([own, ...blocks, ...segments]);
  }

  /** This set's own flows as one sorted block (not indexed), the blocks and the segments added to it. */
  parts(): { own: FlowBlock; blocks: readonly FlowBlock[]; segments: readonly FlowBlock[] } {
    // Sorted by position (table, then priority high first), then by match within each position.
    const positions = [...this.flows.keys()].sort((a, b) => (a >>> 16) - (b >>> 16) || (b & 0xffff) - (a & 0xffff));
    const flows: Flow[] = [];
    for (const p of positions) {
      const at = this.flows.get(p)!;
      const matches = [...at.keys()].sort((a, b) => (a < b ? -1 : 1));
      for (const m of matches) {
        const f = at.get(m)!;
        const actions = this.mergedActions.get(f);
        if (actions) f.actions = [...actions].join(',');
        flows.push(f);
      }
    }
    const lines = flows.map((f) => (this.isPiece || this.mergedActions.has(f) ? render(f) : renderOnce(f)));
    return { own: { flows, lines, index: new Map() }, blocks: this.blocks, segments: this.segments };
  }

  /**
   * Adds a block of flows rendered once and shared (by every host of a snapshot): `block.flows` sorted as
   * lines() sorts, canonical, alone on their (table, priority, match) positions (not checked: the block's
   * builder guarantees it).
   */
  addBlock(block: FlowBlock): void {
    this.blocks.push(block);
  }
}

/**
 * Flows rendered once: `lines[i]` renders `flows[i]`, both sorted by position; `index`: match → i (the
 * block's flows share one table and priority). `source`: what the block is the lookup table of, if any.
 */
export interface FlowBlock {
  flows: readonly Flow[];
  lines: readonly string[];
  index: ReadonlyMap<string, number>;
  source?: { table: number; fields: { v4: string; v6: string } };
}

/**
 * A block with some positions rewritten (a PEER block patched for changed entities): the base block's arrays
 * shared, the rewritten flows apart, so a change costs its own lines, not a copy of the 20,000-line arrays.
 * `flows` and `lines` are laid out on first read (a host's whole list); `lineAt` and `size` read it as is.
 * The rewritten flows keep their position (the same match, table and priority): the base orders them.
 */
export class PatchedBlock implements FlowBlock {
  private laidOut?: { flows: Flow[]; lines: string[] };

  constructor(
    readonly base: FlowBlock,
    readonly patches: ReadonlyMap<number, { flow: Flow; line: string }>,
  ) {}

  get index(): ReadonlyMap<string, number> {
    return this.base.index;
  }

  get source(): FlowBlock['source'] {
    return this.base.source;
  }

  get size(): number {
    return this.base.lines.length;
  }

  lineAt(i: number): string {
    return this.patches.get(i)?.line ?? this.base.lines[i];
  }

  get flows(): readonly Flow[] {
    return this.layOut().flows;
  }

  get lines(): readonly string[] {
    return this.layOut().lines;
  }

  private layOut(): { flows: Flow[]; lines: string[] } {
    if (!this.laidOut) {
      const flows = this.base.flows.slice();
      const lines = this.base.lines.slice();
      this.patches.forEach((p, i) => {
        flows[i] = p.flow;
        lines[i] = p.line;
      });
      this.laidOut = { flows, lines };
    }
    return this.laidOut;
  }
}

/** Line `i` of the block, without laying a patched one out. */
export const lineAt = (b: FlowBlock, i: number): string => (b instanceof PatchedBlock ? b.lineAt(i) : b.lines[i]);
/** The block's number of lines, without laying a patched one out. */
export const blockSize = (b: FlowBlock): number => (b instanceof PatchedBlock ? b.size : b.lines.length);

/**
 * The lines of sorted blocks merged by position, as FlowSet.lines() orders them: each source after the first
 * that falls whole between two flows of the others (a PEER table's block and a rule's segment always do: their
 * table and priority are their own) is copied in one run; when they interleave, merged flow by flow.
 */
export function mergeLayout(sources: readonly FlowBlock[]): string[] {
  const [own, ...blocks] = sources;
  if (blocks.length === 0) return own.lines.slice();
  const first = (k: number) => blocks[k].flows[0];
  const last = (k: number) => blocks[k].flows[blocks[k].flows.length - 1];
  const at = blocks.map((b) => (b.flows.length === 0 ? -1 : insertionPoint(own.flows, b.flows[0])));
  const order = blocks
    .map((_, k) => k)
    .filter((k) => at[k] >= 0)
    .sort((a, b) => at[a] - at[b] || byPosition(first(a), first(b)));
  const apart = order.every((k, i) => {
    if (at[k] < own.flows.length && byPosition(last(k), own.flows[at[k]]) >= 0) return false;
    const prev = order[i - 1];
    return prev === undefined || at[prev] !== at[k] || byPosition(last(prev), first(k)) < 0;
  });
  if (!apart) return mergeSlow(sources);
  const lines: string[] = [];
  let from = 0;
  for (const k of order) {
    for (let i = from; i < at[k]; i++) lines.push(own.lines[i]);
    from = at[k];
    for (const l of blocks[k].lines) lines.push(l);
  }
  for (let i = from; i < own.lines.length; i++) lines.push(own.lines[i]);
  return lines;
}

/** The lines of sorted block `b` not in sorted block `a` and those of `a` not in `b`: one walk, by position. */
export function sortedDifference(a: FlowBlock, b: FlowBlock): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  let [i, j] = [0, 0];
  while (i < a.flows.length || j < b.flows.length) {
    if (i < a.flows.length && a.flows[i] === b.flows[j]) {
      // The same flow object (a local entity's, built once): the same line.
      i++;
      j++;
      continue;
    }
    const order = i >= a.flows.length ? 1 : j >= b.flows.length ? -1 : byPosition(a.flows[i], b.flows[j]);
    if (order < 0) removed.push(a.lines[i++]);
    else if (order > 0) added.push(b.lines[j++]);
    else {
      if (a.lines[i] !== b.lines[j]) {
        removed.push(a.lines[i]);
        added.push(b.lines[j]);
      }
      i++;
      j++;
    }
  }
  return { added, removed };
}

/** The first position in sorted `flows` after `f`. */
function insertionPoint(flows: readonly Flow[], f: Flow): number {
  let [lo, hi] = [0, flows.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byPosition(flows[mid], f) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSlow(sources: readonly FlowBlock[]): string[] {
  const at = sources.map(() => 0);
  const out: string[] = [];
  for (;;) {
    let best = -1;
    for (let k = 0; k < sources.length; k++) {
      if (at[k] >= sources[k].flows.length) continue;
      if (best < 0 || byPosition(sources[k].flows[at[k]], sources[best].flows[at[best]]) < 0) best = k;
    }
    if (best < 0) return out;
    out.push(sources[best].lines[at[best]++]);
  }
}

function byPosition(a: Flow, b: Flow): number {
  return a.table - b.table || b.priority - a.priority || (a.match < b.match ? -1 : a.match > b.match ? 1 : 0);
}

/** Cookies rendered once each: a host has few distinct ones (one per rule), and BigInt formatting is slow. */
const cookies = new Map<bigint, string>();
const cookieText = (c: bigint) => {
  let t = cookies.get(c);
  if (t === undefined) {
    if (cookies.size > 65536) cookies.clear();
    cookies.set(c, (t = formatCookie(c)));
  }
  return t;
};

/**
 * A flow's line, kept with the flow object: flows built once (a local entity's, a rule's default for one port)
 * are rendered once. Flow objects are not changed after they are added (a merged flow is a copy, rendered apart).
 */
const rendered = new WeakMap<Flow, string>();
function renderOnce(f: Flow): string {
  let line = rendered.get(f);
  if (line === undefined) rendered.set(f, (line = render(f)));
  return line;
}

/** A flow's `ovs-ofctl add-flow` line. */
export const render = (f: Flow) =>
  `cookie=${cookieText(f.cookie)},table=${f.table},priority=${f.priority}${f.match ? `,${f.match}` : ''} actions=${f.actions}`;

/**
 * Builds one flow: `flow(TABLE.SPOOF, 100).match('ip', 'nw_src=10.0.0.1').goto(TABLE.EGRESS_CT)`.
 * Matches are joined in the order given (the flow set canonicalizes the address spelling);
 * `load` writes a declared register; `goto` or `then` end the flow.
 */
export class FlowBuilder {
  private readonly fields: string[] = [];
  private readonly loads: string[] = [];

  constructor(
    private readonly table: number,
    private readonly priority: number,
    private readonly cookie: bigint,
  ) {}

  match(...fields: string[]): this {
    this.fields.push(...fields.filter((f) => f !== ''));
    return this;
  }

  load(reg: RegisterName, value: number): this {
    this.loads.push(`load:0x${value.toString(16)}->${REG[reg]}[]`);
    return this;
  }

  /** Zeroes a declared register. */
  clear(reg: RegisterName): this {
    this.loads.push(`load:0->${REG[reg]}[]`);
    return this;
  }

  /** Sets one bit of a declared register. */
  setBit(reg: RegisterName, bit: number): this {
    this.loads.push(`load:1->${REG[reg]}[${bit}]`);
    return this;
  }

  /** Looks the packet up in `table` and comes back (after the loads before it). */
  resubmit(table: number): this {
    this.loads.push(`resubmit(,${table})`);
    return this;
  }

  /** The flow as clause `k` of `n` of conjunction `id`. */
  conjunction(id: number, k: number, n: number): Flow {
    return this.then(`conjunction(${id},${k}/${n})`);
  }

  /** The flow ending the pipeline for the packet: no output. */
  drop(): Flow {
    return this.then('drop');
  }

  /** The flow going on to `table` after its loads. */
  goto(table: number): Flow {
    return this.then(`goto_table:${table}`);
  }

  /** The flow with `actions` after its loads. */
  then(actions: string): Flow {
    return {
      table: this.table,
      priority: this.priority,
      cookie: this.cookie,
      match: this.fields.join(','),
      actions: [...this.loads, actions].filter((a) => a !== '').join(','),
    };
  }

  /** The flow with its loads only: in a resubmitted lookup, back to the caller. */
  done(): Flow {
    return this.then('');
  }
}

export const flow = (table: number, priority: number, cookie: bigint = BASE_COOKIE): FlowBuilder =>
  new FlowBuilder(table, priority, cookie);
