/**
 * Running lab commands: execFile with argument arrays (never a shell), a
 * timeout on every call, and an error that names the command and its stderr.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class LabCommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly code: number | string | null,
  ) {
    super(`${command}: ${stderr.trim() || `exit ${code}`}`);
    this.name = 'LabCommandError';
  }
}

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec <ns> …`). */
  ns?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `cmd args…` and returns its stdout; rejects with LabCommandError on failure or timeout. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const [file, argv] = opts.ns ? ['ip', ['netns', 'exec', opts.ns, cmd, ...args]] : [cmd, args];
  const command = [file, ...argv].join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      { timeout: opts.timeoutMs ?? 15000, env: opts.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
          reject(new LabCommandError(command, String(stderr || err.message), code));
        } else resolve(String(stdout));
      },
    );
  });
}

/** Like run, but failure is ignored (cleanup paths: the thing may already be gone). */
export async function tryRun(cmd: string, args: string[], opts: RunOptions = {}): Promise<boolean> {
  try {
    await run(cmd, args, opts);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when the process exists (signal 0 probes without killing). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie has exited: PID 1 here may never reap detached daemons (ovs-*), so waiting on one only times out.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
