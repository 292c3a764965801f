/**
 * The difference between two compiled flow sets, as one `ovs-ofctl --bundle
 * add-flows` file of `delete_strict` and `add` lines, and the flow-monitor
 * events that applying it causes (so the agent can tell its own change from
 * drift). Pure: works on the compiler's lines (`cookie=…,table=…,priority=…,
 * match actions=…`), never on the bridge's rewritten text.
 */

/** A flow's identity on the bridge: table, priority and match (what `delete_strict` names). */
export function flowIdentity(line: string): string {
  const head = line.split(' actions=')[0];
  return head
    .split(',')
    .filter((f) => !f.startsWith('cookie='))
    .join(',');
}

/** Table and cookie of a compiled line (the part of a flow the monitor prints exactly). */
export function tableAndCookie(line: string): { table: number; cookie: bigint } {
  const head = line.split(' actions=')[0];
  let table = 0;
  let cookie = 0n;
  for (const f of head.split(',')) {
    if (f.startsWith('table=')) table = Number(f.slice(6));
    else if (f.startsWith('cookie=')) cookie = BigInt(f.slice(7));
  }
  return { table, cookie };
}

export interface FlowDiff {
  /** Lines to add (an add replaces a flow of the same identity: no delete for it). */
  add: string[];
  /** Lines of `before` whose identity `after` no longer has (deleted by identity). */
  remove: string[];
}

/**
 * The bundle of a change from the compiler's added and removed lines: a removed line whose identity
 * comes back among the added ones is replaced by its add (no delete for it, or the delete would follow
 * the add's effect only by the bundle's order).
 */
export function bundleOf(added: readonly string[], removed: readonly string[]): FlowDiff {
  const ids = new Set(added.map(flowIdentity));
  return { add: [...added], remove: removed.filter((l) => !ids.has(flowIdentity(l))) };
}

/** The bundle file: deletes first, so a flow that moves to a new identity never coexists with its old one. */
export function bundleText(diff: FlowDiff): string {
  return (
    [...diff.remove.map((l) => `delete_strict ${flowIdentity(l)}`), ...diff.add.map((l) => `add ${l}`)].join('\n') +
    '\n'
  );
}

/** One flow-monitor event, as the driver parses `ovs-ofctl monitor` lines. */
export interface FlowEvent {
  event: 'ADDED' | 'DELETED' | 'MODIFIED';
  table: number;
  cookie: bigint;
}

const eventKey = (kind: 'add' | 'delete', table: number, cookie: bigint) => `${kind}|${table}|${cookie}`;

/**
 * The monitor events a bundle causes, counted by (add or delete, table, cookie):
 * the monitor prints neither priority nor the match as the compiler wrote it.
 */
export class ExpectedEvents {
  private readonly pending = new Map<string, number>();

  expect(diff: FlowDiff): void {
    const bump = (k: string) => this.pending.set(k, (this.pending.get(k) ?? 0) + 1);
    for (const l of diff.add) {
      const { table, cookie } = tableAndCookie(l);
      bump(eventKey('add', table, cookie));
    }
    for (const l of diff.remove) {
      const { table, cookie } = tableAndCookie(l);
      bump(eventKey('delete', table, cookie));
    }
  }

  /** True when `e` is one of ours (and counts it off); an add that replaced a flow shows as ADDED or MODIFIED. */
  consume(e: FlowEvent): boolean {
    const k = eventKey(e.event === 'DELETED' ? 'delete' : 'add', e.table, e.cookie);
    const n = this.pending.get(k);
    if (!n) return false;
    if (n === 1) this.pending.delete(k);
    else this.pending.set(k, n - 1);
    return true;
  }

  clear(): void {
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
