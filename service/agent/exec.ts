/**
 * Running Open vSwitch's programs: execFile with an argument array (never a
 * shell) and a timeout; failures become an OvsCommandError naming the program
 * and carrying its stderr. `CommandRunner` is how the driver runs them: here
 * (`localCommands`, spawned by this process: the standalone agent, tests) or
 * through the embedded agents' helper process (ovs-helper-client.ts), so the
 * service's large process never forks.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class OvsCommandError extends Error {
  constructor(
    readonly program: string,
    readonly detail: string,
  ) {
    super(`${program}: ${detail}`);
    this.name = 'OvsCommandError';
  }
}

/** The argument a command's `file` text replaces with the path of the temporary file holding it. */
export const FILE_ARG = '@file';

/** A long-running program's output, by stream, and its end (exit, or failure to start). */
export interface ProgramEvents {
  out(chunk: string): void;
  err(chunk: string): void;
  exit(): void;
}

export interface CommandRunner {
  /**
   * Runs `program` to its end; its stdout. `okExit`: exit codes that are answers, not failures (`ovs-ofctl
   * diff-flows` exits 2 when the sets differ). `file`: text put in a temporary file for the run, its path in
   * place of the FILE_ARG argument.
   */
  run(program: string, args: string[], timeoutMs: number, okExit?: number[], file?: string): Promise<string>;
  /** Starts a long-running program (a monitor) with `env` on top of this process's environment. */
  start(program: string, args: string[], env: Record<string, string>, on: ProgramEvents): { kill(): void };
}

/** `okExit`: exit codes that are answers, not failures (`ovs-ofctl diff-flows` exits 2 when the sets differ). */
export function runCommand(program: string, args: string[], timeoutMs: number, okExit: number[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (!err) return resolve(String(stdout));
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (!e.killed && typeof e.code === 'number' && okExit.includes(e.code)) return resolve(String(stdout));
        const detail = e.killed
          ? `timed out after ${timeoutMs} ms`
          : e.code === 'ENOENT'
            ? 'not installed (is Open vSwitch installed?)'
            : firstLines(String(stderr)) || e.message;
        reject(new OvsCommandError(commandName(program, args), detail));
      },
    );
  });
}

/** A command named by its subcommand (the first non-option argument): "ovs-ofctl replace-flows". */
export const commandName = (program: string, args: string[]): string =>
  `${program} ${args.find((a) => !a.startsWith('-')) ?? ''}`.trim();

/** Runs `run` with `text` in a temporary file (removed afterwards). */
async function withFile<T>(text: string, run: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'microseg-flows-'));
  try {
    const file = join(dir, 'flows');
    await writeFile(file, text);
    return await run(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Spawned by this process. */
export const localCommands: CommandRunner = {
  run(program, args, timeoutMs, okExit = [], file) {
    if (file === undefined) return runCommand(program, args, timeoutMs, okExit);
    return withFile(file, (path) =>
      runCommand(
        program,
        args.map((a) => (a === FILE_ARG ? path : a)),
        timeoutMs,
        okExit,
      ),
    );
  },
  start(program, args, env, on) {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    child.stdout.on('data', (d: Buffer) => on.out(String(d)));
    child.stderr.on('data', (d: Buffer) => on.err(String(d)));
    child.on('exit', () => on.exit());
    child.on('error', () => on.exit());
    return { kill: () => child.kill('SIGTERM') };
  },
};

/** The useful part of an OVS error: its first lines, without the program-name prefix. */
function firstLines(stderr: string): string {
  return stderr
    .trim()
    .split('\n')
    .slice(0, 3)
    .map((l) => l.replace(/^ovs-(ofctl|vsctl|appctl): /, ''))
    .join('; ');
}
