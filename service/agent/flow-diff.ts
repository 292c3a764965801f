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

/** How far ahead a walk looks to find where two lists agree again after a difference. */
const RESYNC = 64;

/**
 * Walks both lists in step (the compiler lists flows in a stable order, and an
 * incremental compile hands back unchanged lines as the same strings, so most
 * steps are one pointer comparison); after a difference it looks up to RESYNC
 * lines ahead on either side for where they agree again. A line the walk
 * cannot place is removed and added: still a correct bundle, just larger.
 */
export function diffFlowSets(before: readonly string[], after: readonly string[]): FlowDiff {
  const add: string[] = [];
  const gone: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (before[i] === after[j]) {
      i++;
      j++;
      continue;
    }
    let k = 1;
    for (; k <= RESYNC; k++) {
      if (before[i + k] === after[j]) {
        gone.push(...before.slice(i, i + k));
        i += k;
        break;
      }
      if (after[j + k] === before[i]) {
        add.push(...after.slice(j, j + k));
        j += k;
        break;
      }
    }
    if (k > RESYNC) {
      gone.push(before[i++]);
      add.push(after[j++]);
    }
  }
  gone.push(...before.slice(i));
  add.push(...after.slice(j));
  // Identities only of the changed lines: an add replaces the flow of its identity, no delete for it.
  const added = new Set(add.map(flowIdentity));
  const remove = gone.filter((l) => !added.has(flowIdentity(l)));
  return { add, remove };
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
