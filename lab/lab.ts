/**
 * The lab: simulated hypervisor hosts and VMs on one machine (docs/architecture.md, "The lab").
 *
 * - host = a network namespace `<prefix>-<host>` running its own ovsdb-server and
 *   userspace ovs-vswitchd, run dir `<dir>/<host>` (so `unix:<rundir>/<bridge>.mgmt`
 *   works from the root namespace), bridge `br.microseg` (netdev, fail-mode secure)
 *   and a port `uplink` (veth into a Linux bridge in the underlay namespace `<prefix>-ul`);
 * - VM = a namespace `<prefix>-<vm>` whose `eth0` is a veth peered with port `<vm.port>`
 *   in its host's namespace, on the bridge; MAC, IP/16, tx checksum offload off, IPv6 off
 *   unless the VM has an `ip6` (then dual-stack: that address/64, no DAD), and a daemon
 *   (vm-daemon.ts) serving echo ports and running probes.
 * Everything is recorded in a state file before it is made; `down` removes it all.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { run, tryRun, isRoot, pidAlive } from './exec';
import { startOvsdb, startVswitchd, stopVswitchd, stopOvsdb, addBridge, addPort, killPid, readPid } from './ovs';
import { LabState, labDir, listLabDirs, readState, writeState, DEFAULT_BASE } from './state';
import { VmDaemon } from './vm';

export interface LabHostSpec {
  name: string;
  bridge?: string;
}
export interface LabVmSpec {
  name: string;
  host: string;
  ip: string;
  /** Optional IPv6 address (lab ULA, fd00::/8, prefix /64): the VM is dual-stack. */
  ip6?: string;
  mac: string;
  /** OVS interface name on the host's bridge (the entity's `port`); default the VM name. */
  port?: string;
  /** Echo ports the VM serves. */
  tcp?: number[];
  udp?: number[];
}
export interface LabSpec {
  prefix: string;
  hosts: LabHostSpec[];
  vms: LabVmSpec[];
  baseDir?: string;
  /** VM daemons keep serving after this process ends (CLI `up`); `down` stops them. */
  persistentDaemons?: boolean;
}

export interface LabHost {
  name: string;
  ns: string;
  rundir: string;
  bridge: string;
  uplink: string;
}
export interface LabVm {
  name: string;
  host: string;
  ns: string;
  ip: string;
  ip6?: string;
  mac: string;
  port: string;
  dev: string;
}

export type ProbeProtocol = 'tcp' | 'udp' | 'icmp';
/** `ipv6`: to `dst`'s IPv6 address (`icmp` is then ping -6). */
export interface Probe {
  src: string;
  dst: string;
  protocol: ProbeProtocol;
  port?: number;
  ipv6?: boolean;
}

export const UPLINK = 'uplink';
const VM_DEV = 'eth0';
const PREFIX_RE = /^[a-z][a-z0-9]{0,7}$/;
const NAME_RE = /^[a-z0-9][a-z0-9-]{0,14}$/;

/** Checks names up front: interface names are limited to 15 characters. */
export function validateSpec(spec: LabSpec): void {
  if (!PREFIX_RE.test(spec.prefix))
    throw new Error(`prefix: "${spec.prefix}" must be 1-8 lower-case letters/digits, starting with a letter`);
  const seen = new Set<string>();
  const unique = (field: string, n: string) => {
    if (!NAME_RE.test(n)) throw new Error(`${field}: "${n}" must be 1-15 of [a-z0-9-]`);
    if (seen.has(n) || n === 'ul')
      throw new Error(`${field}: "${n}" is used twice (hosts and VMs share one name space; "ul" is reserved)`);
    seen.add(n);
  };
  spec.hosts.forEach((h, i) => unique(`hosts[${i}].name`, h.name));
  spec.vms.forEach((v, i) => {
    unique(`vms[${i}].name`, v.name);
    if (!spec.hosts.some((h) => h.name === v.host)) throw new Error(`vms[${i}].host: no host "${v.host}"`);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(v.ip)) throw new Error(`vms[${i}].ip: "${v.ip}" is not an IPv4 address`);
    // Lab-only addresses: unique local (fd00::/8), so nothing can leak anywhere real.
    if (v.ip6 !== undefined && !(isIPv6(v.ip6) && /^fd[0-9a-f]{2}:/i.test(v.ip6)))
      throw new Error(`vms[${i}].ip6: "${v.ip6}" is not a unique local IPv6 address (fdXX:…)`);
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(v.mac))
      throw new Error(`vms[${i}].mac: "${v.mac}" is not a lower-case MAC`);
    const port = v.port ?? v.name;
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(port) || port === UPLINK)
      throw new Error(`vms[${i}].port: "${port}" is not a usable interface name`);
  });
}

export class Lab {
  readonly hosts = new Map<string, LabHost>();
  readonly vms = new Map<string, LabVm>();
  private readonly daemons = new Map<string, VmDaemon>();

  private constructor(private readonly state: LabState) {}

  private get spec(): LabSpec {
    return this.state.spec as LabSpec;
  }
  get prefix(): string {
    return this.state.prefix;
  }
  get dir(): string {
    return this.state.dir;
  }

  /** Builds the lab; if any step fails, removes what was made and rethrows. */
  static async up(spec: LabSpec): Promise<Lab> {
    if (!isRoot()) throw new Error('the lab needs root (network namespaces, veth pairs, Open vSwitch)');
    validateSpec(spec);
    await Lab.sweepStale(spec.baseDir ?? DEFAULT_BASE);
    const dir = labDir(spec.prefix, spec.baseDir ?? DEFAULT_BASE);
    if (readState(dir)) throw new Error(`a lab with prefix "${spec.prefix}" already exists (${dir}); run "down" first`);
    const persistent = spec.persistentDaemons === true;
    const lab = new Lab({
      prefix: spec.prefix,
      dir,
      namespaces: [],
      ovs: [],
      daemons: [],
      spec,
      owner: process.pid,
      persistent,
    });
    try {
      writeState(lab.state);
      const ul = await lab.addNamespace(`${spec.prefix}-ul`);
      await run('ip', ['-n', ul, 'link', 'add', 'ul0', 'type', 'bridge']);
      await run('ip', ['-n', ul, 'link', 'set', 'ul0', 'up']);
      await Promise.all(spec.hosts.map((h, i) => lab.addHost(h, i, ul)));
      await Promise.all(spec.vms.map((v) => lab.addVm(v)));
      lab.orderAsIn(spec);
      return lab;
    } catch (e) {
      await lab.down();
      throw e;
    }
  }

  /**
   * Removes labs left by test processes that died without cleaning up (their
   * owner pid is gone). Labs built to persist (CLI `up`) are left alone.
   */
  static async sweepStale(baseDir = DEFAULT_BASE): Promise<string[]> {
    const swept: string[] = [];
    for (const dir of listLabDirs(baseDir)) {
      let state: LabState | null;
      try {
        state = readState(dir);
      } catch {
        continue;
      }
      if (!state || state.persistent || !state.owner || pidAlive(state.owner)) continue;
      await teardown(state);
      swept.push(state.prefix);
    }
    return swept;
  }

  /** Removes a lab from its state file alone (after a crash, or from the CLI). */
  static async downPrefix(prefix: string, baseDir = DEFAULT_BASE): Promise<boolean> {
    const state = readState(labDir(prefix, baseDir));
    if (!state) return false;
    await teardown(state);
    return true;
  }

  /** Hosts and VMs are made in parallel; list them in the spec's order (stable output). */
  private orderAsIn(spec: LabSpec): void {
    const hosts = spec.hosts.map((h) => this.hosts.get(h.name)!);
    const vms = spec.vms.map((v) => this.vms.get(v.name)!);
    this.hosts.clear();
    this.vms.clear();
    for (const h of hosts) this.hosts.set(h.name, h);
    for (const v of vms) this.vms.set(v.name, v);
  }

  private async addNamespace(ns: string): Promise<string> {
    this.state.namespaces.push(ns);
    writeState(this.state);
    await run('ip', ['netns', 'add', ns]);
    // IPv6 off: no router solicitations or DAD noise crossing the bridge.
    await run('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], {
      ns,
    });
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  private async addHost(spec: LabHostSpec, index: number, ul: string): Promise<void> {
    const host: LabHost = {
      name: spec.name,
      ns: `${this.prefix}-${spec.name}`,
      rundir: join(this.dir, spec.name),
      bridge: spec.bridge ?? 'br.microseg',
      uplink: UPLINK,
    };
    mkdirSync(host.rundir, { recursive: true });
    await this.addNamespace(host.ns);
    const rec = {
      host: host.name,
      ns: host.ns,
      rundir: host.rundir,
      ovsdbPid: null as number | null,
      vswitchdPid: null as number | null,
    };
    this.state.ovs.push(rec);
    writeState(this.state);
    try {
      rec.ovsdbPid = await startOvsdb(host.ns, host.rundir);
      rec.vswitchdPid = await startVswitchd(host.ns, host.rundir);
    } finally {
      // A daemon may have started even if a later step failed: record what the pid files say.
      rec.ovsdbPid = rec.ovsdbPid ?? readPid(host.rundir, 'ovsdb-server');
      rec.vswitchdPid = rec.vswitchdPid ?? readPid(host.rundir, 'ovs-vswitchd');
      writeState(this.state);
    }
    await addBridge(host.rundir, host.bridge);
    const peer = `u${index}`;
    await run('ip', ['-n', host.ns, 'link', 'add', UPLINK, 'type', 'veth', 'peer', 'name', peer, 'netns', ul]);
    await run('ip', ['-n', ul, 'link', 'set', peer, 'master', 'ul0', 'up']);
    await run('ip', ['-n', host.ns, 'link', 'set', UPLINK, 'up']);
    await addPort(host.rundir, host.bridge, UPLINK);
    this.hosts.set(host.name, host);
  }

  /** Adds a VM to a running lab (a port appearing on a bridge after the policy named it). */
  async plugVm(vm: LabVmSpec): Promise<LabVm> {
    const spec = this.spec;
    validateSpec({ ...spec, vms: [...spec.vms, vm] });
    spec.vms.push(vm);
    writeState(this.state);
    await this.addVm(vm);
    return this.vm(vm.name);
  }

  private async addVm(spec: LabVmSpec): Promise<void> {
    const host = this.hosts.get(spec.host)!;
    const vm: LabVm = {
      name: spec.name,
      host: spec.host,
      ns: `${this.prefix}-${spec.name}`,
      ip: spec.ip,
      ...(spec.ip6 ? { ip6: spec.ip6 } : {}),
      mac: spec.mac,
      port: spec.port ?? spec.name,
      dev: VM_DEV,
    };
    await this.addNamespace(vm.ns);
    await run('ip', ['-n', host.ns, 'link', 'add', vm.port, 'type', 'veth', 'peer', 'name', VM_DEV, 'netns', vm.ns]);
    await run('ip', ['-n', vm.ns, 'link', 'set', VM_DEV, 'address', vm.mac]);
    await run('ip', ['-n', vm.ns, 'addr', 'add', `${vm.ip}/16`, 'dev', VM_DEV]);
    if (vm.ip6) await enableIpv6(vm.ns, vm.ip6);
    await run('ip', ['-n', vm.ns, 'link', 'set', VM_DEV, 'up']);
    // The userspace datapath does not fill in checksums: without this TCP fails.
    await run('ethtool', ['-K', VM_DEV, 'tx', 'off'], { ns: vm.ns });
    await run('ip', ['-n', host.ns, 'link', 'set', vm.port, 'up']);
    await addPort(host.rundir, host.bridge, vm.port);
    const daemon = await VmDaemon.start(
      vm.ns,
      spec.tcp ?? [],
      spec.udp ?? [],
      this.spec.persistentDaemons === true,
      vm.ip6 !== undefined,
    );
    this.state.daemons.push(daemon.pid);
    writeState(this.state);
    this.daemons.set(vm.name, daemon);
    this.vms.set(vm.name, vm);
  }

  /**
   * Attaches to a running lab (built by another process, e.g. `lab up`) to probe
   * it: starts probe-only daemons in its VMs. `close()` stops just those.
   */
  static async attach(prefix: string, baseDir = DEFAULT_BASE): Promise<Lab> {
    const state = readState(labDir(prefix, baseDir));
    if (!state) throw new Error(`no lab "${prefix}"`);
    const spec = state.spec as LabSpec;
    const lab = new Lab({ ...state, daemons: [] });
    for (const h of spec.hosts) {
      lab.hosts.set(h.name, {
        name: h.name,
        ns: `${prefix}-${h.name}`,
        rundir: join(state.dir, h.name),
        bridge: h.bridge ?? 'br.microseg',
        uplink: UPLINK,
      });
    }
    try {
      for (const v of spec.vms) {
        const vm: LabVm = {
          name: v.name,
          host: v.host,
          ns: `${prefix}-${v.name}`,
          ip: v.ip,
          ...(v.ip6 ? { ip6: v.ip6 } : {}),
          mac: v.mac,
          port: v.port ?? v.name,
          dev: VM_DEV,
        };
        lab.vms.set(v.name, vm);
        lab.daemons.set(v.name, await VmDaemon.start(vm.ns, [], []));
      }
    } catch (e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  /** Stops this process's VM daemons only (an attached lab). */
  close(): void {
    for (const d of this.daemons.values()) d.stop();
    this.daemons.clear();
  }

  /** Lets this process exit with the lab left running (CLI `up` with persistent daemons). */
  detach(): void {
    for (const d of this.daemons.values()) d.detach();
    this.daemons.clear();
  }

  async down(): Promise<void> {
    for (const d of this.daemons.values()) d.stop();
    this.daemons.clear();
    await teardown(this.state);
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no lab host "${name}"`);
    return h;
  }

  /** The OpenFlow address of a host's bridge, for ovs-ofctl from the root namespace. */
  mgmt(host: string): string {
    const h = this.host(host);
    return `unix:${h.rundir}/${h.bridge}.mgmt`;
  }

  /** `ovs-ofctl <command> <bridge of host> <args…>`. */
  ofctl(host: string, command: string, ...args: string[]): Promise<string> {
    return run('ovs-ofctl', [command, this.mgmt(host), ...args]);
  }

  vm(name: string): LabVm {
    const v = this.vms.get(name);
    if (!v) throw new Error(`no lab VM "${name}"`);
    return v;
  }

  private daemon(vm: string): VmDaemon {
    const d = this.daemons.get(vm);
    if (!d) throw new Error(`no lab VM "${vm}"`);
    return d;
  }

  /** `vm`'s IPv4 address, or its IPv6 one (an error if it has none). */
  address(vm: string, ipv6 = false): string {
    const v = this.vm(vm);
    if (!ipv6) return v.ip;
    if (!v.ip6) throw new Error(`lab VM "${vm}" has no IPv6 address (ip6)`);
    return v.ip6;
  }

  /** One probe with real packets from inside `src` to `dst`'s IP: true when a reply came back. */
  async probe(p: Probe, timeoutMs = 1000, srcIp?: string): Promise<boolean> {
    const ip = this.address(p.dst, p.ipv6 === true);
    const op = p.protocol === 'icmp' ? 'ping' : p.protocol;
    if (op !== 'ping' && p.port === undefined)
      throw new Error(`probe ${p.src}→${p.dst} ${p.protocol}: port is required`);
    const r = await this.daemon(p.src).request({ op, ip, port: p.port, timeoutMs, src: srcIp });
    if (r.error) throw new Error(`probe ${p.src}→${p.dst}: ${String(r.error)}`);
    return r.open === true;
  }

  /** Runs every probe at once (each closed probe costs a timeout, so in parallel). */
  probeAll(probes: Probe[], timeoutMs = 1000): Promise<boolean[]> {
    return Promise.all(probes.map((p) => this.probe(p, timeoutMs)));
  }

  /** Opens a long-lived TCP connection src→dst:port (to its IPv6 address with `ipv6`) that echoes a byte every 100 ms. */
  async hold(src: string, dst: string, port: number, opts: { ipv6?: boolean } = {}): Promise<HeldConnection> {
    const d = this.daemon(src);
    const r = await d.request({ op: 'hold', ip: this.address(dst, opts.ipv6 === true), port });
    if (r.ok !== true) throw new Error(`hold ${src}→${dst}:${port}: connection did not establish`);
    return new HeldConnection(d, r.id as number);
  }

  /**
   * A responder-only UDP stream: `src` sends one datagram to dst:port (its IPv6 address with `ipv6`), whose echo port then
   * sends a datagram back every 50 ms for `durationMs` while `src` stays silent.
   */
  async udpStream(
    src: string,
    dst: string,
    port: number,
    opts: { durationMs?: number; ipv6?: boolean } = {},
  ): Promise<UdpStream> {
    const d = this.daemon(src);
    const r = await d.request({
      op: 'udpStream',
      ip: this.address(dst, opts.ipv6 === true),
      port,
      durationMs: opts.durationMs ?? 10_000,
    });
    if (r.ok !== true) throw new Error(`udpStream ${src}→${dst}:${port}: no datagram came back`);
    return new UdpStream(d, r.id as number);
  }

  /** UDP datagrams the VM's echo ports received, by source IP, since the last call. */
  /** Stream datagrams `vm`'s echo ports have sent as a responder (udpStream), by initiator IP, since it started. */
  async udpStreamSent(vm: string): Promise<Record<string, number>> {
    const r = await this.daemon(vm).request({ op: 'udpStreamSent' });
    return r.sent as Record<string, number>;
  }

  async udpSeen(vm: string): Promise<Record<string, number>> {
    const r = await this.daemon(vm).request({ op: 'udpSeen' });
    return r.seen as Record<string, number>;
  }

  /**
   * Stops (SIGSTOP) or resumes (SIGCONT) a VM's daemon: its held connections and streams send nothing meanwhile (the
   * VM's kernel still answers). Its requests wait until it resumes.
   */
  pauseDaemon(vm: string, paused: boolean): void {
    process.kill(this.daemon(vm).pid, paused ? 'SIGSTOP' : 'SIGCONT');
  }

  /**
   * Follows `vm`'s TCP connection from port `lport` to `peer`:`pport` (a packet socket in the VM's namespace, python3's
   * standard library) and, at `send()`, sends one bare ACK segment that continues it from `vm`'s side (its next
   * sequence number, acknowledging all the peer sent) outside any socket: a packet of an existing connection in the
   * direction a test chooses, whenever it chooses. Resolves once it has seen the connection both ways.
   */
  async followTcp(
    vm: string,
    lport: number,
    peer: string,
    pport: number,
  ): Promise<{ send(): Promise<void>; stop(): void }> {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.vm(vm).ns,
        'python3',
        '-c',
        FOLLOW_TCP,
        this.vm(vm).ip,
        String(lport),
        this.address(peer),
        String(pport),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    const line = (want: string) =>
      new Promise<void>((resolve, reject) => {
        let out = '';
        const onData = (c: Buffer) => {
          out += String(c);
          if (out.includes(want)) {
            child.stdout.off('data', onData);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.once('exit', (code) => reject(new Error(`followTcp in ${vm} exited (${code}) before "${want}": ${err}`)));
      });
    try {
      await line('seen');
    } catch (e) {
      child.kill();
      throw e;
    }
    return {
      send: async () => {
        const sent = line('sent');
        child.stdin.end('send\n');
        await sent;
      },
      stop: () => {
        if (child.exitCode === null) child.kill();
      },
    };
  }

  /** Runs a command inside a VM's namespace (e.g. to spoof an address in a test). */
  vmExec(vm: string, cmd: string, args: string[]): Promise<string> {
    return run(cmd, args, { ns: this.vm(vm).ns });
  }

  /** Stops and restarts one host's ovs-vswitchd (its database, bridge and ports persist; flows do not). */
  async restartVswitchd(hostName: string): Promise<void> {
    const host = this.host(hostName);
    const rec = this.state.ovs.find((o) => o.host === hostName)!;
    await stopVswitchd(host.rundir, rec.vswitchdPid);
    rec.vswitchdPid = null;
    writeState(this.state);
    rec.vswitchdPid = await startVswitchd(host.ns, host.rundir);
    writeState(this.state);
  }

  /** A JSON-friendly description (CLI `up`/`status`, the demo). */
  describe(): { prefix: string; dir: string; hosts: LabHost[]; vms: LabVm[] } {
    return { prefix: this.prefix, dir: this.dir, hosts: [...this.hosts.values()], vms: [...this.vms.values()] };
  }
}

export class HeldConnection {
  constructor(
    private readonly d: VmDaemon,
    readonly id: number,
  ) {}

  async status(): Promise<{ connected: boolean; closed: boolean; lastEchoMs: number | null }> {
    const r = await this.d.request({ op: 'holdStatus', hold: this.id });
    return {
      connected: r.connected === true,
      closed: r.closed === true,
      lastEchoMs: (r.lastEchoMs as number | null) ?? null,
    };
  }

  async close(): Promise<void> {
    await this.d.request({ op: 'holdClose', hold: this.id });
  }
}

export class UdpStream {
  constructor(
    private readonly d: VmDaemon,
    readonly id: number,
  ) {}

  /** Datagrams received so far, and ms since the last one (null: none yet). */
  async status(): Promise<{ received: number; lastMs: number | null }> {
    const r = await this.d.request({ op: 'udpStreamStatus', stream: this.id });
    if (r.error) throw new Error(`udpStream: ${String(r.error)}`);
    return { received: r.received as number, lastMs: (r.lastMs as number | null) ?? null };
  }

  /** The initiator sends again from the stream's socket (the same connection): true when its echo came back. */
  async poke(timeoutMs = 1000): Promise<boolean> {
    const r = await this.d.request({ op: 'udpStreamPoke', stream: this.id, timeoutMs });
    if (r.error) throw new Error(`udpStream: ${String(r.error)}`);
    return r.open === true;
  }

  async close(): Promise<void> {
    await this.d.request({ op: 'udpStreamClose', stream: this.id });
  }
}

/**
 * Turns IPv6 on for one VM's eth0 (addNamespace turned it off) with `ip6`/64. No DAD (the lab
 * knows its addresses are unique), no router solicitations or RAs: the address is usable at
 * once and the only IPv6 control traffic is neighbour discovery.
 */
async function enableIpv6(ns: string, ip6: string): Promise<void> {
  await run(
    'sysctl',
    [
      '-q',
      '-w',
      'net.ipv6.conf.all.accept_dad=0',
      `net.ipv6.conf.${VM_DEV}.accept_dad=0`,
      'net.ipv6.conf.all.accept_ra=0',
      `net.ipv6.conf.${VM_DEV}.accept_ra=0`,
      `net.ipv6.conf.${VM_DEV}.router_solicitations=0`,
      'net.ipv6.conf.all.disable_ipv6=0',
      'net.ipv6.conf.lo.disable_ipv6=0',
      `net.ipv6.conf.${VM_DEV}.disable_ipv6=0`,
    ],
    { ns },
  );
  await run('ip', ['-n', ns, '-6', 'addr', 'add', `${ip6}/64`, 'dev', VM_DEV, 'nodad']);
}

/** Removes everything a state file lists: daemons, OVS instances (by pid), namespaces, the run dirs. */
async function teardown(state: LabState): Promise<void> {
  for (const pid of state.daemons) await killPid(pid, 'node');
  for (const o of state.ovs) {
    await stopVswitchd(o.rundir, o.vswitchdPid ?? readPid(o.rundir, 'ovs-vswitchd'));
    await stopOvsdb(o.rundir, o.ovsdbPid ?? readPid(o.rundir, 'ovsdb-server'));
  }
  for (const ns of [...state.namespaces].reverse()) {
    // Anything still running inside one of our namespaces is ours: stop it so the namespace can go.
    const pids = await run('ip', ['netns', 'pids', ns]).catch(() => '');
    for (const pid of pids.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await tryRun('ip', ['netns', 'del', ns]);
  }
  rmSync(state.dir, { recursive: true, force: true });
}

/** argv: own IP, own port, peer IP, peer port. Prints "seen", then on a stdin line sends the ACK and prints "sent". */
const FOLLOW_TCP = `
import select, socket, struct, sys
me, mport, peer, pport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
# ETH_P_ALL: a socket bound to one protocol sees no outgoing packets.
cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(3))
nxt = {}
while True:
    ready = select.select([cap, sys.stdin], [], [])[0]
    if sys.stdin in ready and 'mine' in nxt and 'theirs' in nxt:
        break
    if cap not in ready:
        continue
    p, addr = cap.recvfrom(65535)
    ihl = (p[0] & 15) * 4
    if addr[1] != 0x0800 or p[9] != 6:
        continue
    src, dst = socket.inet_ntoa(p[12:16]), socket.inet_ntoa(p[16:20])
    sp, dp, seq = struct.unpack('!HHI', p[ihl:ihl + 8])
    flags = p[ihl + 13]
    end = (seq + struct.unpack('!H', p[2:4])[0] - ihl - (p[ihl + 12] >> 4) * 4 + (1 if flags & 3 else 0)) % 2**32
    side = 'mine' if (src, sp, dst, dp) == (me, mport, peer, pport) else 'theirs' if (src, sp, dst, dp) == (peer, pport, me, mport) else None
    if side:
        first = len(nxt) < 2
        nxt[side] = end
        if first and len(nxt) == 2:
            print('seen', flush=True)
hdr = struct.pack('!HHIIBBHHH', mport, pport, nxt['mine'], nxt['theirs'], 5 << 4, 0x10, 502, 0, 0)
data = socket.inet_aton(me) + socket.inet_aton(peer) + struct.pack('!BBH', 0, 6, len(hdr)) + hdr
s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
s = (s >> 16) + (s & 0xffff)
s += s >> 16
hdr = hdr[:16] + struct.pack('!H', ~s & 0xffff) + hdr[18:]
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP).sendto(hdr, (peer, 0))
print('sent', flush=True)
`;
