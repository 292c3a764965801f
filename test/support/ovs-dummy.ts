/**
 * An isolated Open vSwitch on the dummy datapath for trace tests: its own
 * ovsdb-server and ovs-vswitchd (--enable-dummy=override) in a temp run
 * directory, bridges with dummy ports, flows loaded with
 * `ovs-ofctl --bundle replace-flows`, and `ofproto/trace` spoken directly over
 * the daemon's unixctl socket (the agent's client, service/agent/unixctl.ts) so
 * thousands of traces cost no process spawns. No root needed. stop() removes everything it made.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HostPorts } from '../../service/compiler';
import { eventually } from '../../lab/eventually';
import { UnixctlClient, vswitchdControl } from '../../service/agent/unixctl';

const run = promisify(execFile);

export interface TraceRequest {
  bridge: string;
  flow: string;
  ctNext: string[];
}

export class OvsDummy {
  private clients: UnixctlClient[] = [];
  private nextPort = new Map<string, number>();

  private constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Starts ovsdb-server and ovs-vswitchd in a fresh temp dir. */
  static async start(): Promise<OvsDummy> {
    const dir = await mkdtemp(join(tmpdir(), `msdummy-${process.pid}-`));
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
    const ovs = new OvsDummy(dir, env);
    try {
      await ovs.sh('ovsdb-tool', ['create', join(dir, 'conf.db'), '/usr/share/openvswitch/vswitch.ovsschema']);
      await ovs.sh('ovsdb-server', [
        '--detach',
        '--no-chdir',
        `--pidfile=${join(dir, 'ovsdb-server.pid')}`,
        `--log-file=${join(dir, 'ovsdb-server.log')}`,
        `--remote=punix:${join(dir, 'db.sock')}`,
        join(dir, 'conf.db'),
      ]);
      await ovs.vsctl(['--no-wait', 'init']);
      await ovs.sh('ovs-vswitchd', [
        '--enable-dummy=override',
        '--detach',
        '--no-chdir',
        `--pidfile=${join(dir, 'ovs-vswitchd.pid')}`,
        `--log-file=${join(dir, 'ovs-vswitchd.log')}`,
        '--disable-system',
        `unix:${join(dir, 'db.sock')}`,
      ]);
    } catch (err) {
      await ovs.stop();
      throw err;
    }
    return ovs;
  }

  private async sh(cmd: string, args: string[]): Promise<string> {
    try {
      return (await run(cmd, args, { env: this.env, maxBuffer: 64 << 20 })).stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}…: ${e.stderr?.trim() || e.message}`, { cause: err });
    }
  }

  vsctl(args: string[]): Promise<string> {
    return this.sh('ovs-vsctl', [`--db=unix:${join(this.dir, 'db.sock')}`, ...args]);
  }

  /** Adds (or extends) a dummy bridge; returns the OpenFlow numbers of the named ports. */
  async addBridge(bridge: string, ports: string[]): Promise<HostPorts> {
    const args = [
      '--may-exist',
      'add-br',
      bridge,
      '--',
      'set',
      'bridge',
      bridge,
      'datapath_type=dummy',
      'fail-mode=secure',
    ];
    const out: HostPorts = {};
    let next = this.nextPort.get(bridge) ?? 1;
    for (const port of ports) {
      out[port] = next;
      args.push('--', 'add-port', bridge, port, '--', 'set', 'interface', port, 'type=dummy', `ofport_request=${next}`);
      next++;
    }
    this.nextPort.set(bridge, next);
    await this.vsctl(args);
    return out;
  }

  async replaceFlows(bridge: string, flows: string[]): Promise<void> {
    const file = join(this.dir, `${bridge}.flows`);
    await writeFile(file, flows.join('\n') + '\n');
    await this.sh('ovs-ofctl', ['--bundle', 'replace-flows', `unix:${join(this.dir, `${bridge}.mgmt`)}`, file]);
  }

  async dumpFlows(bridge: string): Promise<string> {
    return this.sh('ovs-ofctl', ['dump-flows', `unix:${join(this.dir, `${bridge}.mgmt`)}`]);
  }

  private connections(n: number): UnixctlClient[] {
    if (this.clients.length < n) {
      const path = vswitchdControl(this.dir);
      // A trace of a large pipeline on a loaded machine: well above the agent's 5 s.
      while (this.clients.length < n) this.clients.push(new UnixctlClient({ target: path, timeoutMs: 60_000 }));
    }
    return this.clients.slice(0, n);
  }

  /** One ovs-appctl command (e.g. dpif/show) without spawning ovs-appctl. */
  async appctl(method: string, params: string[]): Promise<string> {
    const [client] = this.connections(1);
    return client.call(method, params);
  }

  /** Runs traces over `concurrency` unixctl connections; results in request order. */
  async traceMany(requests: TraceRequest[], concurrency = 4): Promise<string[]> {
    const clients = this.connections(concurrency);
    const results: string[] = new Array(requests.length);
    let next = 0;
    await Promise.all(
      clients.map(async (client) => {
        while (next < requests.length) {
          const i = next++;
          const r = requests[i];
          results[i] = await client.call('ofproto/trace', [
            r.bridge,
            r.flow,
            ...r.ctNext.flatMap((s) => ['--ct-next', s]),
          ]);
        }
      }),
    );
    return results;
  }

  /** Datapath port number → OpenFlow port number for one bridge (traces print datapath ports). */
  async odpToOfport(bridge: string): Promise<Map<number, number>> {
    const text = await this.appctl('dpif/show', []);
    const out = new Map<number, number>();
    let inBridge = false;
    for (const line of text.split('\n')) {
      const header = line.match(/^ {2}(\S+):$/);
      if (header) {
        inBridge = header[1] === bridge;
        continue;
      }
      const port = line.match(/^ {4}\S+ (\d+)\/(\d+):/);
      if (inBridge && port) out.set(Number(port[2]), Number(port[1]));
    }
    return out;
  }

  async trace(request: TraceRequest): Promise<string> {
    return (await this.traceMany([request], 1))[0];
  }

  /** Stops both daemons by pid and removes the run directory. Safe to call twice. */
  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    this.clients = [];
    for (const name of ['ovs-vswitchd', 'ovsdb-server']) {
      try {
        const pid = Number((await readFile(join(this.dir, `${name}.pid`), 'utf8')).trim());
        if (pid > 0) {
          process.kill(pid, 'SIGTERM');
          await eventually(
            `${name} exits`,
            () => {
              try {
                process.kill(pid, 0);
                return false;
              } catch {
                return true;
              }
            },
            { timeoutMs: 1000, intervalMs: 20 },
          ).catch(() => undefined);
        }
      } catch {
        /* not started or already gone */
      }
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
