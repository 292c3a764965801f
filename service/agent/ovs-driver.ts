/**
 * One bridge of one Open vSwitch instance, reached through its run directory:
 * `unix:<rundir>/<bridge>.mgmt` for OpenFlow, the vswitchd control socket for
 * conntrack. Every call has a timeout so a hung daemon cannot stall the loop.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runCommand, OvsCommandError } from './exec';
import { normalizeDump, parsePorts } from './flows';
import type { BridgeDriver, FlowWatch, HostPorts } from './types';

export interface OvsDriverOptions {
  rundir: string;
  bridge: string;
  /** Per command (default 5000 ms). */
  timeoutMs?: number;
}

export class OvsDriver implements BridgeDriver {
  readonly target: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: OvsDriverOptions) {
    this.target = `unix:${opts.rundir}/${opts.bridge}.mgmt`;
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  private ofctl(args: string[]): Promise<string> {
    return runCommand('ovs-ofctl', [`--timeout=${Math.max(1, Math.ceil(this.timeoutMs / 1000))}`, ...args], this.timeoutMs + 1000);
  }

  async readPorts(): Promise<HostPorts> {
    return parsePorts(await this.ofctl(['show', this.target]));
  }

  async dumpFlows(): Promise<string[]> {
    // --no-names: port numbers, as the compiler writes them.
    return normalizeDump(await this.ofctl(['--no-names', '--no-stats', 'dump-flows', this.target]));
  }

  async replaceFlows(flows: string[]): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'microseg-flows-'));
    try {
      const file = join(dir, 'flows');
      await writeFile(file, flows.join('\n') + '\n');
      // One bundle: the bridge goes from the old set to the new one, or stays as it was.
      await this.ofctl(['--bundle', 'replace-flows', this.target, file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** `ovs-ofctl monitor <bridge> watch:!initial`: one line per flow added, modified or deleted. */
  watch(onChange: () => void): FlowWatch {
    const child = spawn('ovs-ofctl', ['monitor', this.target, 'watch:!initial'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let alive = true;
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.includes('event=')) onChange();
    });
    const ended = () => {
      if (!alive) return;
      alive = false;
      onChange();
    };
    child.on('exit', ended);
    child.on('error', ended);
    return {
      alive: () => alive,
      stop: () => {
        alive = false;
        child.kill('SIGTERM');
      },
    };
  }

  async flushConntrack(zone?: number): Promise<void> {
    const args = ['-t', await this.controlSocket(), 'dpctl/flush-conntrack'];
    if (zone !== undefined) args.push(`zone=${zone}`);
    await runCommand('ovs-appctl', ['--timeout', String(Math.max(1, Math.ceil(this.timeoutMs / 1000))), ...args], this.timeoutMs + 1000);
  }

  /** `<rundir>/ovs-vswitchd.<pid>.ctl`, the pid read from the daemon's pid file. */
  async controlSocket(): Promise<string> {
    let pid: string;
    try {
      pid = (await readFile(join(this.opts.rundir, 'ovs-vswitchd.pid'), 'utf8')).trim();
    } catch {
      throw new OvsCommandError('ovs-appctl', `no ovs-vswitchd.pid in ${this.opts.rundir} (is ovs-vswitchd running?)`);
    }
    return join(this.opts.rundir, `ovs-vswitchd.${pid}.ctl`);
  }
}
