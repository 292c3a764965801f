/**
 * Peer labels: the categories of the peer's entity, looked up once per packet.
 * A rule naming its peers by category would otherwise list every member's
 * address as a clause at its own priority (OpenFlow conjunctions sharing a
 * flow must share its priority), so each address would be written once per
 * rule and the flows would grow with rules × entities. Instead the PEER
 * table of each side holds one flow per entity address, shared by every rule:
 * it loads the entity's value of each category the rules name (an id per
 * value, packed into the label registers), and a rule's clause matches those
 * registers: one flow per selector, whatever its size.
 *
 * The encoding follows from the categories alone, so every host's view (each
 * carries every category: service/model/span.ts) gives the same one, and the
 * PEER lines of one entity are the same on every host: a value's id is its
 * position in its category's `values` (1-based), fields in category-name
 * order, each as wide as its category's values need. Adding a value at the end
 * renumbers nothing (a field that must grow moves the ones after it). A value
 * a selector lists that its category object lacks (only hand-made snapshots:
 * the store refuses them) follows the object's values, sorted. Bit 0 of the
 * first label register says "the peer is an entity" (a selector with no
 * category). A category that does not fit the registers, or a selector whose
 * value combinations are too many, keeps the address lists.
 */
import type { SelectorT } from '../model/schemas';
import type { SnapshotCategory, SnapshotEntity } from '../model/snapshot';
import type { AddressFields } from './exclusion-sets';
import { flow, render, type Flow, type FlowBlock } from './flow-set';
import { BASE_COOKIE, PRIORITY, REGISTERS, type RegisterName } from './pipeline';

export const LABEL_REGISTERS: readonly RegisterName[] = [
  'LABELS_0',
  'LABELS_1',
  'LABELS_2',
  'LABELS_3',
  'LABELS_4',
  'LABELS_5',
  'LABELS_6',
  'LABELS_7',
  'LABELS_8',
];
/** A selector listing more value combinations than this keeps its address list. */
const MAX_COMBINATIONS = 16;
const FULL = 0xffffffff;

/** One entity's PEER flows on one side, and their lines. */
interface EntityLines {
  flows: Flow[];
  lines: string[];
}

interface Field {
  reg: number; // index into LABEL_REGISTERS
  shift: number;
  width: number;
  ids: Map<string, number>;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * One string per address match in the process: every host's PEER tables list the same addresses (each host
 * its own loads), and a host's tables hold ≈ 40,000 of them at 20k entities. Cleared when it grows past any
 * inventory's size (as the cookie texts are), so it cannot grow without bound.
 */
const matches = new Map<string, string>();
function addressMatch(match: string): string {
  const known = matches.get(match);
  if (known !== undefined) return known;
  if (matches.size >= 1 << 20) matches.clear();
  matches.set(match, match);
  return match;
}

export class PeerLabels {
  private readonly fields = new Map<string, Field>();
  private readonly loads = new WeakMap<SnapshotEntity, string>();
  /** selectorMatches' answers by the selector's categories object (selectors share them; never changed). */
  private readonly answers = new WeakMap<object, string[] | null>();
  /**
   * Per side, each entity object's PEER flows and lines: one encoding is shared by every context in the process
   * that has it (context.ts), and the simulated hosts of a process share entity objects, so every host's table
   * holds the same line objects rather than each its own copy.
   */
  private readonly sides = new Map<string, WeakMap<SnapshotEntity, EntityLines>>();
  /** The loads by register values: entities with the same labels share one string. */
  private readonly rendered = new Map<string, string>();
  /** How many label registers are in use (0: none). */
  readonly registers: number;

  /**
   * `categories`: the snapshot's category objects (their values get ids in order); `selectors`: every selector a
   * peer may be named by (none: no label lookup at all).
   */
  constructor(categories: readonly SnapshotCategory[], selectors: readonly SelectorT[]) {
    const values = new Map<string, string[]>(categories.map((c) => [c.name, c.values]));
    const extra = new Map<string, Set<string>>();
    for (const s of selectors) {
      for (const [key, vs] of Object.entries(s.categories)) {
        const known = values.get(key);
        for (const v of vs) {
          if (known?.includes(v)) continue;
          const set = extra.get(key) ?? new Set<string>();
          extra.set(key, set.add(v));
        }
      }
    }
    for (const [key, set] of extra) values.set(key, [...(values.get(key) ?? []), ...[...set].sort()]);
    let reg = 0;
    let used = 1; // bit 0 of the first register: the peer is an entity
    for (const key of [...values.keys()].sort()) {
      const listed = values.get(key)!;
      if (listed.length === 0) continue;
      const width = Math.ceil(Math.log2(listed.length + 1));
      if (used + width > 32) [reg, used] = [reg + 1, 0];
      if (reg >= LABEL_REGISTERS.length) break; // the remaining categories keep address lists
      this.fields.set(key, { reg, shift: used, width, ids: new Map(listed.map((v, i) => [v, i + 1])) });
      used += width;
    }
    this.registers = selectors.length === 0 ? 0 : Math.min(reg + 1, LABEL_REGISTERS.length);
  }

  /** Equal for two encodings that give every entity the same loads and every selector the same matches. */
  get signature(): string {
    const fields = [...this.fields].map(([k, f]) => [k, f.reg, f.shift, f.width, [...f.ids]]);
    return JSON.stringify([this.registers, fields]);
  }

  /** The label registers' values for one entity (index → value; the first always has the entity bit). */
  private valuesOf(entity: SnapshotEntity): number[] {
    const regs = new Array<number>(this.registers).fill(0);
    regs[0] = 1;
    for (const [key, f] of this.fields) {
      const id = f.ids.get(entity.categories[key]);
      if (id !== undefined) regs[f.reg] += id * 2 ** f.shift;
    }
    return regs;
  }

  /** The selector's members as register matches (alternatives); null: not expressible, use addresses. */
  selectorMatches(selector: SelectorT): string[] | null {
    let answer = this.answers.get(selector.categories);
    if (answer === undefined) this.answers.set(selector.categories, (answer = this.matchesOf(selector)));
    return answer;
  }

  private matchesOf(selector: SelectorT): string[] | null {
    if (this.registers === 0) return null;
    let combos: Map<number, { value: number; mask: number }>[] = [new Map([[0, { value: 1, mask: 1 }]])];
    for (const [key, values] of Object.entries(selector.categories)) {
      const f = this.fields.get(key);
      if (!f || values.some((v) => !f.ids.has(v))) return null; // not encoded: addresses
      if (combos.length * values.length > MAX_COMBINATIONS) return null;
      const mask = (2 ** f.width - 1) * 2 ** f.shift;
      combos = combos.flatMap((c) =>
        values.map((v) => {
          const next = new Map(c);
          const at = next.get(f.reg) ?? { value: 0, mask: 0 };
          next.set(f.reg, { value: at.value + f.ids.get(v)! * 2 ** f.shift, mask: at.mask + mask });
          return next;
        }),
      );
    }
    return combos
      .map((c) =>
        [...c.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([reg, { value, mask }]) => {
            const name = `reg${REGISTERS[LABEL_REGISTERS[reg]].n}`;
            return mask === FULL ? `${name}=${hex(value)}` : `${name}=${hex(value)}/${hex(mask)}`;
          })
          .join(','),
      )
      .sort();
  }

  /** The label registers in use: cleared before each lookup (on one host both sides run in one pass). */
  get used(): readonly RegisterName[] {
    return LABEL_REGISTERS.slice(0, this.registers);
  }

  /** The PEER table of one side: each entity address on `fields` loads the entity's labels; sorted, indexed. */
  lookupBlock(table: number, fields: AddressFields, entities: readonly SnapshotEntity[]): FlowBlock {
    const rows: { flow: Flow; line: string }[] = [];
    for (const e of entities) {
      const { flows, lines } = this.entityLines(table, fields, e);
      flows.forEach((flow, i) => rows.push({ flow, line: lines[i] }));
    }
    // One table and priority: the block's position order is its matches' order.
    rows.sort((a, b) => (a.flow.match < b.flow.match ? -1 : a.flow.match > b.flow.match ? 1 : 0));
    const flows = rows.map((r) => r.flow);
    return {
      flows,
      lines: rows.map((r) => r.line),
      index: new Map(flows.map((f, i) => [f.match, i])),
      source: { table, fields },
    };
  }

  /** One entity's PEER flows on one side (an address match is canonical: bare addresses), made once per object. */
  entityLines(table: number, fields: AddressFields, e: SnapshotEntity): EntityLines {
    const side = `${table}|${fields.v4}|${fields.v6}`;
    let known = this.sides.get(side);
    if (!known) this.sides.set(side, (known = new WeakMap()));
    let out = known.get(e);
    if (out === undefined) {
      const actions = this.loadsOf(e);
      const flows = e.ips.map((ip): Flow => {
        // Entity IPs are validated bare addresses: a colon is the family.
        const match = addressMatch(ip.includes(':') ? `ipv6,${fields.v6}=${ip}` : `ip,${fields.v4}=${ip}`);
        return { table, priority: PRIORITY.LABEL, cookie: BASE_COOKIE, match, actions };
      });
      known.set(e, (out = { flows, lines: flows.map(render) }));
    }
    return out;
  }

  /** The entity's label loads as actions, rendered once per entity object (both sides, every host). */
  private loadsOf(e: SnapshotEntity): string {
    let actions = this.loads.get(e);
    if (actions === undefined) {
      const values = this.valuesOf(e);
      const key = values.join(',');
      actions = this.rendered.get(key);
      if (actions === undefined) {
        const f = flow(0, 0);
        values.forEach((value, i) => {
          if (value !== 0) f.load(LABEL_REGISTERS[i], value);
        });
        this.rendered.set(key, (actions = f.done().actions));
      }
      this.loads.set(e, actions);
    }
    return actions;
  }
}
