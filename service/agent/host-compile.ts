/**
 * The compiler an agent keeps for its host (HostFlowCompiler): each answer is
 * what changed since the previous one, so a change costs what it touches, not
 * a whole compile plus a whole comparison. `localCompiler` runs the compiler's
 * HostCompiler in this thread (the standalone agent, the bench's simulated
 * hosts, and each worker of compile-pool.ts for the hosts it serves);
 * `wholeCompiler` turns a whole compile (a CompileHost: a test's wrapper of
 * compileHost) into the same answers by comparing whole sets.
 */
import { HostCompiler } from '../compiler';
import type { PolicySnapshot } from '../model/snapshot';
import type { CompileHost, FlowUpdate, HostFlowCompiler, HostPorts } from './types';

/** The lines of `after` not in `before`, and of `before` not in `after`. */
export function setDelta(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const l of after) if (!before.has(l)) added.push(l);
  for (const l of before) if (!after.has(l)) removed.push(l);
  return { added, removed };
}

/** Numbers the answers: a new number for a changed set or a restart, the same for an unchanged one. */
class Numbering {
  private seq = 0;

  reset(): void {
    this.seq = 0;
  }

  answer(generation: number, added: string[], removed: string[], count: number): FlowUpdate {
    const since = this.seq;
    if (since === 0 || added.length + removed.length > 0) this.seq = since + 1;
    return { generation, since, seq: this.seq, added, removed, count };
  }
}

export function localCompiler(host: string): HostFlowCompiler {
  let compiler: HostCompiler | null = null;
  const numbering = new Numbering();
  return {
    update(snapshot: PolicySnapshot, ports: HostPorts, restart = false): FlowUpdate {
      if (restart || !compiler) {
        compiler = new HostCompiler(host);
        numbering.reset();
      }
      try {
        const u = compiler.update(snapshot, ports);
        return numbering.answer(u.generation, u.added, u.removed, u.count);
      } catch (e) {
        // What it remembers may be half updated: the next answer starts from nothing.
        compiler = null;
        throw e;
      }
    },
    close() {
      compiler = null;
    },
  };
}

export function wholeCompiler(compile: CompileHost, host: string): HostFlowCompiler {
  let last: Set<string> | null = null;
  const numbering = new Numbering();
  return {
    async update(snapshot, ports, restart = false) {
      if (restart) {
        last = null;
        numbering.reset();
      }
      let compiled;
      try {
        compiled = await compile(snapshot, host, ports);
      } catch (e) {
        last = null;
        numbering.reset();
        throw e;
      }
      const flows = new Set(compiled.flows);
      const { added, removed } = setDelta(last ?? new Set(), flows);
      last = flows;
      return numbering.answer(compiled.generation, added, removed, flows.size);
    },
    close() {
      last = null;
    },
  };
}
