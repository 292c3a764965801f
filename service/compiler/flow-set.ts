/**
 * Accumulates flows and renders them deterministically. Two flows with the
 * same (table, priority, match) are one OpenFlow flow, so conjunction clauses
 * that coincide are merged into one flow with several conjunction actions, a
 * plain flow replaces a clause with its exact match, and any other duplicate
 * keeps the first flow added (callers add in sorted order).
 */
import { formatCookie } from './pipeline';

export interface Flow { table: number; priority: number; match: string; actions: string; cookie: bigint }

const CONJ = /^conjunction\(/;

export class FlowSet {
  private readonly flows = new Map<string, Flow>();
  private conjIds = 0;

  add(flow: Flow): void {
    const key = `${flow.table}/${flow.priority}/${flow.match}`;
    const existing = this.flows.get(key);
    if (!existing) {
      this.flows.set(key, { ...flow });
      return;
    }
    const existingConj = CONJ.test(existing.actions);
    const newConj = CONJ.test(flow.actions);
    if (existingConj && newConj) {
      const merged = new Set([...existing.actions.split(/,(?=conjunction\()/), flow.actions]);
      existing.actions = [...merged].join(',');
    } else if (existingConj && !newConj) {
      // Same priority means same rule: a plain flow on a clause's exact match
      // already allows everything that clause could, so it replaces the clause.
      this.flows.set(key, { ...flow });
    }
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
      .sort((a, b) => a.table - b.table || b.priority - a.priority || (a.match < b.match ? -1 : a.match > b.match ? 1 : 0))
      .map((f) => `cookie=${formatCookie(f.cookie)},table=${f.table},priority=${f.priority}${f.match ? `,${f.match}` : ''} actions=${f.actions}`);
  }
}
