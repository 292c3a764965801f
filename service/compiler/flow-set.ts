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
  if (match === '') return match;
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

export class FlowSet {
  private readonly flows = new Map<string, Flow>();
  private conjIds = 0;

  add(input: Flow): void {
    const flow = { ...input, match: canonicalMatch(input.match) };
    const key = `${flow.table}/${flow.priority}/${flow.match}`;
    const existing = this.flows.get(key);
    if (!existing) {
      this.flows.set(key, flow);
      return;
    }
    const existingConj = CONJ.test(existing.actions);
    const newConj = CONJ.test(flow.actions);
    if (existingConj && newConj) {
      const merged = new Set([...existing.actions.split(/,(?=conjunction\()/), flow.actions]);
      existing.actions = [...merged].join(',');
    } else if (existingConj && !newConj) {
      this.flows.set(key, flow);
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
   * dimension, else a conjunction, so flows grow with the sum of the lists.
   */
  addProduct(table: number, priority: number, cookie: bigint, dims: string[][], actions: string): void {
    if (dims.length === 1) {
      for (const match of dims[0]) this.add({ table, priority, match, actions, cookie });
      return;
    }
    const id = ++this.conjIds;
    dims.forEach((dim, k) => {
      for (const match of dim) {
        this.add({ table, priority, match, actions: `conjunction(${id},${k + 1}/${dims.length})`, cookie });
      }
    });
    this.add({ table, priority, match: `conj_id=${id}`, actions, cookie });
  }

  /** `ovs-ofctl add-flow` lines, sorted by table, then priority (high first), then match. */
  lines(): string[] {
    return [...this.flows.values()]
      .sort(
        (a, b) => a.table - b.table || b.priority - a.priority || (a.match < b.match ? -1 : a.match > b.match ? 1 : 0),
      )
      .map(
        (f) =>
          `cookie=${formatCookie(f.cookie)},table=${f.table},priority=${f.priority}${f.match ? `,${f.match}` : ''} actions=${f.actions}`,
      );
  }
}

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
      actions: [...this.loads, actions].join(','),
    };
  }
}

export const flow = (table: number, priority: number, cookie: bigint = BASE_COOKIE): FlowBuilder =>
  new FlowBuilder(table, priority, cookie);
