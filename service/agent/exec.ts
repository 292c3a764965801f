/**
 * execFile with an argument array (never a shell) and a timeout; failures
 * become an OvsCommandError naming the program and carrying its stderr.
 */
import { execFile } from 'node:child_process';

export class OvsCommandError extends Error {
  constructor(
    readonly program: string,
    readonly detail: string,
  ) {
    super(`${program}: ${detail}`);
    this.name = 'OvsCommandError';
  }
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
        // Named by its subcommand (the first non-option argument): "ovs-ofctl replace-flows".
        reject(new OvsCommandError(`${program} ${args.find((a) => !a.startsWith('-')) ?? ''}`.trim(), detail));
      },
    );
  });
}

/** The useful part of an OVS error: its first lines, without the program-name prefix. */
function firstLines(stderr: string): string {
  return stderr
    .trim()
    .split('\n')
    .slice(0, 3)
    .map((l) => l.replace(/^ovs-(ofctl|vsctl|appctl): /, ''))
    .join('; ');
}
