/**
 * Embedded mode: the service runs one HostAgent per host that has an
 * `ovs_rundir`, started, restarted (rundir or bridge changed) and stopped as
 * hosts come and go, and poked when a change moves its host's view (only then:
 * a change that does not touch a host does not wake its agent) so the change is
 * realized at once instead of at the next interval. Each agent reads its host's
 * view through its own link (`forHost`). Each keeps its last realized
 * policy (`cacheFor`, in the service's data directory) for when the database
 * cannot be read.
 */
import { HostAgent, type AgentLog, type HostAgentOptions } from './host-agent';
import { OvsDriver } from './ovs-driver';
import type { CompileHost, HostFlowCompiler, PolicyLink } from './types';
import type { CommandRunner } from './exec';
import type { PolicySnapshot } from '../model/snapshot';
import type { PolicyCache } from './policy-cache';
import { Verifier } from './verifier';

export interface EmbeddedLink {
  /** Which hosts there are (asked after every change: not the whole policy). */
  fetchHosts(): Promise<PolicySnapshot['hosts']>;
  onGeneration(listener: (generation: number) => void): () => void;
  /** Calls `listener` with the hosts whose view a change moved. */
  onViews(listener: (hosts: string[]) => void): () => void;
  /** The link one host's agent uses: its fetchPolicy answers the host's view. */
  forHost(host: string): PolicyLink;
}

export interface EmbeddedAgentsOptions {
  link: EmbeddedLink;
  /** Each host's compiler (the pool's, compile-pool.ts), or a whole compile (tests make one host's fail). */
  compilerFor: (host: string) => HostFlowCompiler | CompileHost;
  intervalMs?: number;
  fullCheckMs?: number;
  log?: AgentLog;
  /** Extra per-host work after each pass (observations); given the host, its run dir and bridge. */
  afterPass?: (host: string, rundir: string, bridge: string) => Promise<void>;
  /** Where a host's last realized policy is kept. */
  cacheFor?: (host: string) => PolicyCache;
  /** Connections each agent's verifier traces after a realization (verifier.ts; default 8, 0: off). */
  verifySample?: number;
  /** Who runs the agents' OVS programs (the plugin's helper process, ovs-helper-client.ts; default: this process). */
  commands?: CommandRunner;
}

interface Running {
  agent: HostAgent;
  verifier: Verifier;
  rundir: string;
  bridge: string;
}

export class EmbeddedAgents {
  private readonly agents = new Map<string, Running>();
  private unsubscribe: (() => void)[] = [];
  private resync: NodeJS.Timeout | null = null;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = true;
  /** The host list the loops were last matched to (a change that is not a host's leaves the same list). */
  private synced: readonly unknown[] | null = null;

  constructor(private readonly opts: EmbeddedAgentsOptions) {}

  /** Hosts with a running loop (tests, status). */
  hosts(): string[] {
    return [...this.agents.keys()].sort();
  }

  agent(host: string): HostAgent | undefined {
    return this.agents.get(host)?.agent;
  }

  /** The host's verifier (POST /v1/trace runs its on-demand traces), if the host has a running loop. */
  verifier(host: string): Verifier | undefined {
    return this.agents.get(host)?.verifier;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.synced = null;
    this.unsubscribe = [
      this.opts.link.onGeneration(() => void this.sync()),
      this.opts.link.onViews((hosts) => {
        void this.sync().then(() => {
          for (const h of hosts) this.agents.get(h)?.agent.poke();
        });
      }),
    ];
    await this.sync();
    // Hosts can change without a generation bump: look again every interval.
    const every = this.opts.intervalMs ?? 2000;
    const loop = () => {
      this.resync = setTimeout(
        () =>
          void this.sync().finally(() => {
            if (!this.stopped) loop();
          }),
        every,
      );
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    if (this.resync) clearTimeout(this.resync);
    await this.syncing;
    await Promise.all([...this.agents.values()].map((r) => r.agent.stop()));
    this.agents.clear();
  }

  /** Matches the running loops to the hosts with an ovs_rundir (one sync at a time). */
  sync(): Promise<void> {
    this.syncing = this.syncing
      .then(() => this.syncOnce())
      .catch((e: Error) => {
        this.opts.log?.('error', 'embedded agents: cannot read the hosts', { error: e.message });
      });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const hosts = await this.opts.link.fetchHosts();
    if (hosts === this.synced) return;
    const wanted = new Map(
      hosts.filter((h) => h.ovs_rundir).map((h) => [h.name, { rundir: h.ovs_rundir!, bridge: h.bridge }]),
    );
    for (const [name, r] of [...this.agents]) {
      const w = wanted.get(name);
      if (!w || w.rundir !== r.rundir || w.bridge !== r.bridge) {
        await r.agent.stop();
        this.agents.delete(name);
      }
    }
    for (const [name, w] of wanted) {
      if (this.agents.has(name) || this.stopped) continue;
      const afterPass = this.opts.afterPass;
      const driver = new OvsDriver({ rundir: w.rundir, bridge: w.bridge, commands: this.opts.commands });
      const verifier = new Verifier({
        host: name,
        trace: (flow, ctNext) => driver.trace(flow, ctNext),
        sample: this.opts.verifySample,
        log: this.opts.log,
      });
      const options: HostAgentOptions = {
        host: name,
        link: this.opts.link.forHost(name),
        driver,
        verifier,
        compile: this.opts.compilerFor(name),
        intervalMs: this.opts.intervalMs,
        fullCheckMs: this.opts.fullCheckMs,
        log: this.opts.log,
        afterPass: afterPass ? () => afterPass(name, w.rundir, w.bridge) : undefined,
        cache: this.opts.cacheFor?.(name),
      };
      const agent = new HostAgent(options);
      this.agents.set(name, { agent, verifier, ...w });
      agent.start();
    }
    if (!this.stopped) this.synced = hosts;
  }
}
