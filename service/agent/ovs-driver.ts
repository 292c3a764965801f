/**
 * One bridge of one Open vSwitch instance, reached through its run directory:
 * `unix:<rundir>/<bridge>.mgmt` for OpenFlow, `<rundir>/db.sock` for the fail
 * mode and the port monitor. Every call has a timeout so a hung daemon cannot stall the loop.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runCommand } from './exec';
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
    return runCommand(
      'ovs-ofctl',
      [`--timeout=${Math.max(1, Math.ceil(this.timeoutMs / 1000))}`, ...args],
      this.timeoutMs + 1000,
    );
  }

  async readPorts(): Promise<HostPorts> {
    return parsePorts(await this.ofctl(['show', this.target]));
  }

  /** ovs-vsctl against this instance's database; it waits until ovs-vswitchd has applied a change. */
  private vsctl(args: string[]): Promise<string> {
    return runCommand(
      'ovs-vsctl',
      [`--db=unix:${this.opts.rundir}/db.sock`, `--timeout=${Math.max(1, Math.ceil(this.timeoutMs / 1000))}`, ...args],
      this.timeoutMs + 1000,
    );
  }

  async ensureSecure(): Promise<string | null> {
    // Empty output: unset, which Open vSwitch treats as standalone (forward by NORMAL when no controller).
    const mode = (await this.vsctl(['get-fail-mode', this.opts.bridge])).trim() || 'standalone';
    if (mode === 'secure') return null;
    await this.vsctl(['set-fail-mode', this.opts.bridge, 'secure']);
    return mode;
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

  /** The daemon's control socket; read each time, the pid changes when ovs-vswitchd restarts. */
  private appctl(args: string[]): Promise<string> {
    const pid = readFileSync(join(this.opts.rundir, 'ovs-vswitchd.pid'), 'utf8').trim();
    return runCommand(
      'ovs-appctl',
      [
        `--timeout=${Math.max(1, Math.ceil(this.timeoutMs / 1000))}`,
        `--target=${join(this.opts.rundir, `ovs-vswitchd.${pid}.ctl`)}`,
        ...args,
      ],
      this.timeoutMs + 1000,
    );
  }

  dumpConntrack(): Promise<string> {
    return this.appctl(['dpctl/dump-conntrack', '-m']);
  }

  trace(flow: string, ctNext: string[]): Promise<string> {
    return this.appctl(['ofproto/trace', this.opts.bridge, flow, ...ctNext.flatMap((s) => ['--ct-next', s])]);
  }

  async flushConntrack(zone: number, tuple: string): Promise<void> {
    try {
      await this.appctl(['dpctl/flush-conntrack', `zone=${zone}`, tuple]);
    } catch (e) {
      // ENOENT: the entry expired (or closed) since the dump; it is gone either way.
      if (!/No such file or directory/.test((e as Error).message)) throw e;
    }
  }

  /**
   * Two monitors: `ovs-ofctl monitor <bridge> watch:!initial` (a line per flow
   * added, modified or deleted) and `ovsdb-client monitor … Interface name,ofport`
   * (ports appearing, going or renumbered). The watch ends when the flow monitor
   * does (daemon gone); a failing port monitor only loses its early warning.
   */
  watch(onChange: () => void): FlowWatch {
    // `ovs-ofctl monitor` opens a control socket in $OVS_RUNDIR (default /var/run/openvswitch,
    // which may not exist here): keep it in the instance's own run dir.
    const env = { ...process.env, OVS_RUNDIR: this.opts.rundir };
    const flowsMon = spawn('ovs-ofctl', ['monitor', this.target, 'watch:!initial'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    // stdbuf: ovsdb-client's stdout is block-buffered on a pipe; line-buffer it so changes arrive at once.
    const portsMon = spawn(
      'stdbuf',
      [
        '-oL',
        'ovsdb-client',
        'monitor',
        `unix:${this.opts.rundir}/db.sock`,
        'Open_vSwitch',
        'Interface',
        'name,ofport',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env },
    );
    let alive = true;
    // The updates arrive on stderr (seen with OVS 3.1), the first reply on stdout: read both.
    const onFlowText = (chunk: Buffer) => {
      if (chunk.includes('event=')) onChange();
    };
    flowsMon.stdout.on('data', onFlowText);
    flowsMon.stderr.on('data', onFlowText);
    portsMon.stdout.on('data', (chunk: Buffer) => {
      if (/ (insert|new|delete) /.test(String(chunk))) onChange();
    });
    portsMon.on('error', () => undefined);
    const stop = () => {
      alive = false;
      flowsMon.kill('SIGTERM');
      portsMon.kill('SIGTERM');
    };
    const ended = () => {
      if (!alive) return;
      stop();
      onChange();
    };
    flowsMon.on('exit', ended);
    flowsMon.on('error', ended);
    return { alive: () => alive, stop };
  }
}
