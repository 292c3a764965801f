/**
 * One bridge of one Open vSwitch instance, reached through its run directory:
 * `unix:<rundir>/<bridge>.mgmt` for OpenFlow (`ovs-ofctl` for flows, run by the
 * driver's CommandRunner, exec.ts: spawned here or by a helper process; the ports
 * read in OpenFlow by the driver itself, openflow.ts), `<rundir>/db.sock` for the
 * fail mode (read as JSON-RPC, ovsdb.ts) and the port monitor, and ovs-vswitchd's control socket (unixctl.ts, kept
 * open) for traces and conntrack, so a realization's verifier traces and revocation
 * dump start no process. Every call has a timeout so a hung daemon cannot stall the loop.
 */
import { FILE_ARG, localCommands, type CommandRunner } from './exec';
import { UnixctlClient, vswitchdControl } from './unixctl';
import { normalizeDump } from './flows';
import { readPortDesc } from './openflow';
import { bridgeFailMode } from './ovsdb';
import { bundleText, type FlowDiff, type FlowEvent } from './flow-diff';
import type { BridgeChange, BridgeDriver, FlowWatch, HostPorts } from './types';

export interface OvsDriverOptions {
  rundir: string;
  bridge: string;
  /** Per command (default 5000 ms). */
  timeoutMs?: number;
  /** Who starts the programs (default: this process). */
  commands?: CommandRunner;
}

export class OvsDriver implements BridgeDriver {
  readonly target: string;
  private readonly timeoutMs: number;
  private readonly commands: CommandRunner;
  /** Processes started so far, by program and subcommand (commands and monitors): what a change or an idle interval costs. */
  readonly spawned = new Map<string, number>();
  /** ovs-vswitchd's control socket; its `calls` count the requests (no process each). */
  readonly unixctl: UnixctlClient;

  get spawns(): number {
    let n = 0;
    for (const v of this.spawned.values()) n += v;
    return n;
  }

  private count(what: string): void {
    this.spawned.set(what, (this.spawned.get(what) ?? 0) + 1);
  }

  constructor(private readonly opts: OvsDriverOptions) {
    this.target = `unix:${opts.rundir}/${opts.bridge}.mgmt`;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.commands = opts.commands ?? localCommands;
    // Found anew at each connection: the pid in the socket's name changes when ovs-vswitchd restarts.
    this.unixctl = new UnixctlClient({ target: () => vswitchdControl(opts.rundir), timeoutMs: this.timeoutMs });
  }

  /**
   * `flows`: how many flows the command moves; a whole-bridge load or compare gets time in proportion.
   * `file`: the text of the FILE_ARG argument's file.
   */
  private ofctl(args: string[], okExit: number[] = [], flows = 0, file?: string): Promise<string> {
    this.count(`ovs-ofctl ${args.find((a) => !a.startsWith('-') && !a.startsWith('OpenFlow'))}`);
    // 50,000 flows took 2 s here idle and 13 s on a loaded machine: allow 1 ms a flow on top.
    const ms = this.timeoutMs + flows;
    const timeout = `--timeout=${Math.max(1, Math.ceil(ms / 1000))}`;
    return this.commands.run('ovs-ofctl', [timeout, ...args], ms + 1000, okExit, file);
  }

  /** OFPMP_PORT_DESC on the management socket: no process (openflow.ts). */
  readPorts(): Promise<HostPorts> {
    return readPortDesc(this.target, this.timeoutMs);
  }

  /** ovs-vsctl against this instance's database; it waits until ovs-vswitchd has applied a change. */
  private vsctl(args: string[]): Promise<string> {
    this.count(`ovs-vsctl ${args[0]}`);
    return this.commands.run(
      'ovs-vsctl',
      [`--db=unix:${this.opts.rundir}/db.sock`, `--timeout=${Math.max(1, Math.ceil(this.timeoutMs / 1000))}`, ...args],
      this.timeoutMs + 1000,
    );
  }

  async ensureSecure(): Promise<string | null> {
    // Read over db.sock (no process); unset is what Open vSwitch treats as standalone (forward by NORMAL when
    // no controller). Only a bridge found not secure costs an ovs-vsctl, which waits until ovs-vswitchd applied it.
    const mode =
      (await bridgeFailMode(`${this.opts.rundir}/db.sock`, this.opts.bridge, this.timeoutMs)) ?? 'standalone';
    if (mode === 'secure') return null;
    await this.vsctl(['set-fail-mode', this.opts.bridge, 'secure']);
    return mode;
  }

  async dumpFlows(): Promise<string[]> {
    // --no-names: port numbers, as the compiler writes them.
    return normalizeDump(await this.ofctl(['--no-names', '--no-stats', 'dump-flows', this.target], [], 50_000));
  }

  async replaceFlows(flows: string[]): Promise<void> {
    // One bundle: the bridge goes from the old set to the new one, or stays as it was.
    await this.ofctl(['--bundle', 'replace-flows', this.target, FILE_ARG], [], flows.length, flows.join('\n') + '\n');
  }

  async applyDiff(diff: FlowDiff): Promise<void> {
    const n = diff.add.length + diff.remove.length;
    if (n === 0) return;
    // `add`/`delete_strict` lines in one bundle (checked with OVS 3.1): all of them or none. A single
    // flow mod is atomic by itself, and a bundle commit costs ~50 ms more on a 50,000-flow bridge.
    const bundle = n > 1 ? ['--bundle'] : [];
    await this.ofctl([...bundle, 'add-flows', this.target, FILE_ARG], [], n, bundleText(diff));
  }

  async diffFlows(flows: string[]): Promise<{ missing: number; unexpected: number }> {
    // Exit 2: the sets differ; `-` lines are on the bridge only, `+` lines in the file only. It compares
    // action text: OpenFlow 1.3 prints both sides alike (1.0 shows goto_table as resubmit, 1.5 load as set_field).
    const out = await this.ofctl(
      ['-O', 'OpenFlow13', '--no-names', 'diff-flows', this.target, FILE_ARG],
      [2],
      flows.length,
      flows.join('\n') + '\n',
    );
    let missing = 0;
    let unexpected = 0;
    for (const l of out.split('\n')) {
      if (l.startsWith('+')) missing++;
      else if (l.startsWith('-')) unexpected++;
    }
    return { missing, unexpected };
  }

  private appctl(args: string[]): Promise<string> {
    return this.unixctl.call(args[0], args.slice(1));
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
   * (ports appearing, going or renumbered). The watch ends when either monitor
   * does (daemon gone): the agent, which reads ports only when told, then checks
   * everything and starts a new watch.
   */
  watch(onChange: (change: BridgeChange) => void): FlowWatch {
    // `ovs-ofctl monitor` opens a control socket in $OVS_RUNDIR (default /var/run/openvswitch,
    // which may not exist here): keep it in the instance's own run dir.
    const env = { OVS_RUNDIR: this.opts.rundir };
    this.count('ovs-ofctl monitor');
    this.count('ovsdb-client monitor');
    let alive = true;
    let listening: (yes: boolean) => void = () => undefined;
    const ready = new Promise<boolean>((r) => (listening = r));
    // The updates arrive on stderr (seen with OVS 3.1), the first reply on stdout: read both, by line.
    const onFlowLines = lineReader((lines) => {
      const events: FlowEvent[] = [];
      let lost = false;
      for (const l of lines) {
        if (/FLOW_MONITOR_PAUSED/.test(l)) lost = true;
        if (!l.includes('event=')) continue;
        const e = parseFlowEvent(l);
        if (e) events.push(e);
        else lost = true;
      }
      if (lost) onChange({ kind: 'flows', events: null });
      else if (events.length) onChange({ kind: 'flows', events });
    });
    const stdoutLines = onFlowLines();
    const flowsMon = this.commands.start('ovs-ofctl', ['monitor', this.target, 'watch:!initial'], env, {
      out: (chunk) => {
        // The reply to the monitor request: from here on every change is reported.
        if (chunk.includes('NXST_FLOW_MONITOR reply')) listening(true);
        stdoutLines(chunk);
      },
      err: onFlowLines(),
      exit: () => ended(),
    });
    // stdbuf: ovsdb-client's stdout is block-buffered on a pipe; line-buffer it so changes arrive at once.
    const portsMon = this.commands.start(
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
      env,
      {
        out: (chunk) => {
          if (/ (insert|new|delete) /.test(chunk)) onChange({ kind: 'ports' });
        },
        err: () => undefined,
        exit: () => ended(),
      },
    );
    const stop = () => {
      alive = false;
      flowsMon.kill();
      portsMon.kill();
    };
    function ended() {
      listening(false);
      if (!alive) return;
      stop();
      onChange({ kind: 'ended' });
    }
    return { alive: () => alive, stop, ready };
  }
}

/** ` event=DELETED reason=delete table=0 cookie=0x2 ip,… actions=…` → its event, table and cookie; null if unreadable. */
export function parseFlowEvent(line: string): FlowEvent | null {
  const m = /event=(ADDED|DELETED|MODIFIED)\b.*?\btable=(\d+) cookie=(0x[0-9a-f]+|\d+)\b/.exec(line);
  return m ? { event: m[1] as FlowEvent['event'], table: Number(m[2]), cookie: BigInt(m[3]) } : null;
}

/** A data handler per stream that hands on whole lines (a chunk may end mid-line). */
function lineReader(onLines: (lines: string[]) => void): () => (chunk: string) => void {
  return () => {
    let rest = '';
    return (chunk) => {
      const text = rest + chunk;
      const cut = text.lastIndexOf('\n');
      rest = text.slice(cut + 1);
      if (cut >= 0) onLines(text.slice(0, cut).split('\n'));
    };
  };
}
