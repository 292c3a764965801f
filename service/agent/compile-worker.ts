/**
 * The worker-thread side of compile-pool.ts: keeps, for each host routed to
 * it, the host's view and its incremental compiler (host-compile.ts:
 * localCompiler), and answers each update with what changed. The view crosses
 * as a patch of the one it holds (unchanged objects named by their place in
 * it), so an unchanged object keeps its identity here too, which is what lets
 * the compiler keep what a change does not touch.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { PolicySnapshot } from '../model/snapshot';
import { SNAPSHOT_LISTS, type SnapshotList } from '../model/load-snapshot';
import { localCompiler } from './host-compile';
import type { FlowUpdate, HostFlowCompiler, HostPorts } from './types';

// This thread runs 5 nice levels below the service's main thread, as the OVS helper does (ovs-helper.ts): a
// compile takes the CPU for tens of milliseconds to seconds, and on a busy machine it must not starve the event
// loop that answers the API. On Linux a thread's nice is its own: setpriority on its thread id
// (/proc/thread-self names it) changes this thread only.
if (parentPort) {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, Math.min(19, getPriority(tid) + 5));
  } catch {
    /* no /proc or not permitted: it runs at the service's priority */
  }
}

type Item = PolicySnapshot[SnapshotList][number];
/** A list as a patch of the held one: new objects, and runs [from, count] of the held list's objects. */
type ListPatch = (Item | [number, number])[];

/** A view: the whole one, or the held one patched (a list not named is the held list as is). */
export type ViewPatch =
  { whole: PolicySnapshot } | { generation: number; lists: Partial<Record<SnapshotList, ListPatch>> };

export type WorkerRequest =
  | { kind: 'update'; id: number; host: string; view: ViewPatch; ports: HostPorts; restart: boolean }
  | { kind: 'close'; host: string };

/** The lines joined by newlines: one string crosses far faster than thousands of them (the pool splits them). */
export type WorkerReply =
  | ({ id: number; added: string; removed: string } & Omit<FlowUpdate, 'added' | 'removed'>)
  | { id: number; error: string; lostView?: boolean };

/** `next` as a patch of `held` (both lists of one snapshot kind): pure, used by the pool. */
export function patchOf(held: PolicySnapshot, next: PolicySnapshot): ViewPatch {
  const lists: Partial<Record<SnapshotList, ListPatch>> = {};
  for (const list of SNAPSHOT_LISTS) {
    const a = held[list] as Item[];
    const b = next[list] as Item[];
    if (a === b) continue;
    // Not a list (a malformed snapshot, which the compiler will refuse): send the whole view.
    if (!Array.isArray(a) || !Array.isArray(b)) return { whole: next };
    const at = new Map(a.map((o, i) => [o, i]));
    const out: ListPatch = [];
    let run: [number, number] | null = null;
    for (const o of b) {
      const i = at.get(o);
      if (i === undefined) {
        run = null;
        out.push(o);
      } else if (run && run[0] + run[1] === i) run[1]++;
      else out.push((run = [i, 1]));
    }
    lists[list] = out;
  }
  return { generation: next.generation, lists };
}

export function applyPatch(held: PolicySnapshot | undefined, patch: ViewPatch): PolicySnapshot | null {
  if ('whole' in patch) return patch.whole;
  if (!held) return null;
  const next = { ...held, generation: patch.generation };
  for (const [list, items] of Object.entries(patch.lists) as [SnapshotList, ListPatch][]) {
    const from = held[list] as Item[];
    const out: Item[] = [];
    for (const x of items)
      if (Array.isArray(x)) for (let i = x[0]; i < x[0] + x[1]; i++) out.push(from[i]);
      else out.push(x);
    (next as Record<SnapshotList, Item[]>)[list] = out;
  }
  return next;
}

const hosts = new Map<string, { view: PolicySnapshot; compiler: HostFlowCompiler }>();

function handle(req: Extract<WorkerRequest, { kind: 'update' }>): WorkerReply {
  const held = hosts.get(req.host);
  const view = applyPatch(held?.view, req.view);
  if (!view) return { id: req.id, error: `the view of host "${req.host}" is not held`, lostView: true };
  const compiler = held?.compiler ?? localCompiler(req.host);
  hosts.set(req.host, { view, compiler });
  try {
    const u = compiler.update(view, req.ports, req.restart) as FlowUpdate;
    return { ...u, id: req.id, added: u.added.join('\n'), removed: u.removed.join('\n') };
  } catch (e) {
    return { id: req.id, error: (e as Error).message };
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  if (req.kind === 'close') hosts.delete(req.host);
  else parentPort!.postMessage(handle(req));
});
