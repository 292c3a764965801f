/**
 * The embedded agents run Open vSwitch's programs (`ovs-ofctl`, `ovs-vsctl`,
 * the monitors) through one small helper process (ovs-helper.ts), not from
 * the service: a spawn forks the calling process, which for the service's
 * large one held its event loop (and so the API) for tens of milliseconds per
 * command. Started at the first command, and again after it died; a helper
 * that dies fails the commands it had (the agents keep their last policy and
 * report the error) and ends the monitors it ran (the agents check their
 * bridges in full and start new ones).
 *
 * The helper's script: `ovs-helper.js` beside this module's bundle (`npm run
 * build` writes dist/ovs-helper.js next to dist/service.js); from the
 * TypeScript sources (tests, the bench) it is bundled once per process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { bundledScript } from './bundled-script';
import { commandName, OvsCommandError, type CommandRunner, type ProgramEvents } from './exec';

export type HelperRequest =
  | {
      kind: 'run';
      id: number;
      program: string;
      args: string[];
      timeoutMs: number;
      okExit: number[];
      file?: string;
    }
  | { kind: 'start'; id: number; program: string; args: string[]; env: Record<string, string> }
  | { kind: 'kill'; id: number };

export type HelperReply =
  | { id: number; stdout: string }
  | { id: number; error: { program?: string; detail: string } }
  | { id: number; out: string }
  | { id: number; err: string }
  | { id: number; exit: true };

interface Pending {
  name: string;
  resolve(stdout: string): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class OvsHelper implements CommandRunner {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<number, ProgramEvents>();
  private closed = false;

  /** The helper's pid while it runs (tests). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  run(program: string, args: string[], timeoutMs: number, okExit: number[] = [], file?: string): Promise<string> {
    const name = commandName(program, args);
    return new Promise((resolve, reject) => {
      const child = this.helper();
      if (!child) return reject(new OvsCommandError(name, 'the OVS command helper is closed'));
      const id = this.nextId++;
      // The helper kills the program at timeoutMs; this one is for a helper that stopped answering.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new OvsCommandError(name, `no answer from the OVS command helper after ${timeoutMs + 2000} ms`));
        child.kill('SIGKILL');
      }, timeoutMs + 2000);
      this.pending.set(id, { name, resolve, reject, timer });
      child.send({ kind: 'run', id, program, args, timeoutMs, okExit, file } satisfies HelperRequest);
    });
  }

  start(program: string, args: string[], env: Record<string, string>, on: ProgramEvents): { kill(): void } {
    const child = this.helper();
    const id = this.nextId++;
    if (!child) {
      // As a program that could not start: it ends at once (after the caller holds its handle).
      setImmediate(() => on.exit());
      return { kill: () => undefined };
    }
    this.running.set(id, on);
    child.send({ kind: 'start', id, program, args, env } satisfies HelperRequest);
    return {
      kill: () => {
        if (this.running.delete(id) && this.child === child)
          child.send({ kind: 'kill', id } satisfies HelperRequest, () => undefined);
      },
    };
  }

  /** Ends the helper (and so its monitors); later commands fail. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.disconnect();
    await gone;
  }

  private helper(): ChildProcess | null {
    if (this.closed) return null;
    if (this.child) return this.child;
    // No inherited node flags (an inspector, a profiler, jest's): the helper is a plain small node.
    const child = fork(bundledScript(__dirname, 'ovs-helper'), [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    // It must never keep the service alive on its own.
    child.unref();
    child.channel?.unref();
    child.on('message', (m: HelperReply) => this.onReply(m));
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => this.onExit(child, signal ?? `exit ${code}`));
    this.child = child;
    return child;
  }

  private onReply(m: HelperReply): void {
    if ('stdout' in m || 'error' in m) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if ('stdout' in m) p.resolve(m.stdout);
      else p.reject(new OvsCommandError(m.error.program ?? p.name, m.error.detail));
      return;
    }
    const on = this.running.get(m.id);
    if (!on) return;
    if ('out' in m) on.out(m.out);
    else if ('err' in m) on.err(m.err);
    else {
      this.running.delete(m.id);
      on.exit();
    }
  }

  private onExit(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    this.child = null;
    const pending = [...this.pending.values()];
    const running = [...this.running.values()];
    this.pending.clear();
    this.running.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new OvsCommandError(p.name, `the OVS command helper exited (${how})`));
    }
    for (const on of running) on.exit();
  }
}
