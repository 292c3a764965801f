/**
 * A handle on the daemon running inside one lab VM namespace (vm-daemon.ts):
 * it serves TCP/UDP echo ports and runs probes from inside the VM on request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as readline from 'node:readline';

let daemonSource: string | null = null;

/** The daemon as plain JS: the built .js next to this file, else the .ts transpiled by esbuild. */
function daemonCode(): string {
  if (daemonSource) return daemonSource;
  const js = join(__dirname, 'vm-daemon.js');
  if (existsSync(js)) daemonSource = readFileSync(js, 'utf8');
  else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the .js is absent
    const esbuild = require('esbuild') as typeof import('esbuild');
    daemonSource = esbuild.transformSync(readFileSync(join(__dirname, 'vm-daemon.ts'), 'utf8'), {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
    }).code;
  }
  return daemonSource;
}

export interface ProbeResult {
  open: boolean;
}
type Reply = { id?: number; [k: string]: unknown };

export class VmDaemon {
  private next = 1;
  private waiting = new Map<number, (r: Reply) => void>();
  private constructor(private readonly child: ChildProcess) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts the daemon in `ns`, serving the given ports (on IPv6 too with `ipv6`); resolves once every port is bound. */
  static start(ns: string, tcp: number[], udp: number[], persist = false, ipv6 = false): Promise<VmDaemon> {
    const args = [
      'netns',
      'exec',
      ns,
      process.execPath,
      '-e',
      daemonCode(),
      '--',
      '--tcp',
      tcp.join(','),
      '--udp',
      udp.join(','),
      ...(ipv6 ? ['--ipv6'] : []),
    ];
    const child = spawn('ip', persist ? [...args, '--persist'] : args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: persist,
    });
    const d = new VmDaemon(child);
    let stderr = '';
    child.stderr!.on('data', (b) => {
      stderr += String(b);
    });
    return new Promise((resolve, reject) => {
      const fail = setTimeout(() => reject(new Error(`vm daemon in ${ns} did not start: ${stderr.trim()}`)), 10000);
      child.once('exit', (code) => {
        clearTimeout(fail);
        reject(new Error(`vm daemon in ${ns} exited (${code}): ${stderr.trim()}`));
      });
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        let msg: Reply;
        try {
          msg = JSON.parse(line);
        } catch {
          return;
        }
        if (msg.ready) {
          clearTimeout(fail);
          child.removeAllListeners('exit');
          resolve(d);
        } else if (msg.fatal) {
          clearTimeout(fail);
          reject(new Error(`vm daemon in ${ns}: ${String(msg.fatal)}`));
        } else if (typeof msg.id === 'number') {
          d.deliver(msg);
        }
      });
    });
  }

  /** Sends one request and waits for its answer. */
  request(req: Record<string, unknown>): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (!this.child.stdin || this.child.exitCode !== null) return reject(new Error('vm daemon is not running'));
      this.waiting.set(id, resolve);
      this.child.stdin.write(JSON.stringify({ ...req, id }) + '\n');
    });
  }

  /** @internal */
  deliver(msg: Reply): void {
    const w = this.waiting.get(msg.id!);
    if (w) {
      this.waiting.delete(msg.id!);
      w(msg);
    }
  }

  /** Lets this process exit while the daemon keeps serving (`lab up`). */
  detach(): void {
    this.child.stdin?.destroy();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.unref();
  }

  stop(): void {
    if (this.child.exitCode === null) {
      this.child.stdin?.end();
      this.child.kill('SIGTERM');
    }
  }
}
