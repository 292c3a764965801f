/**
 * The reconcile loop for one host: fetch the policy → compile for the bridge's
 * ports → realize the difference → report. Runs every `intervalMs` on its own
 * timer, so a slow or unreachable host holds no other host back; `poke()` runs
 * a pass now (policy changed).
 *
 * Realizing: the agent keeps the compiled flows it programmed. A change is one
 * atomic bundle of only the differing flows (`delete_strict` + `add`, one
 * ovs-ofctl); a pass in which nothing changed starts no process at all. The
 * whole bridge is compared with the desired set (`ovs-ofctl diff-flows`, and
 * replaced in one bundle when it differs) only on a *full check*: the first
 * pass, after ovs-vswitchd or the monitors restart, when the flow monitor
 * reports a change that is not ours (drift), and on every pass when there is no
 * monitor (`pass()` called alone, a driver without `watch`). A full check
 * starts the monitors first when they do not run and waits (bounded) until they
 * listen, so it is the last check needed: what changes after it is reported (an
 * empty bridge's load is expected as the agent's own). Ports are read then
 * and when the ovsdb monitor says one appeared, went or was renumbered. Every
 * `fullCheckMs` (default 60 s) a *backstop* reads the fail mode, the ports and the
 * bridge's difference beside the loop, never in a pass: a change never waits
 * behind it. What it finds (a fail mode not secure, other ports, a difference
 * while no change was applied meanwhile) makes the next pass a full check; a
 * result overtaken by a change is dropped and the backstop runs again. A difference found
 * while the desired set is unchanged is drift, repaired and counted. An
 * unreachable host is retried every 500 ms, so a restarted ovs-vswitchd is
 * reprogrammed as soon as it is back. Once a new generation is on the bridge,
 * the conntrack entries it denies are deleted where that cannot reopen them backwards (revoke.ts, one conntrack dump per
 * generation): the pipeline re-checks only original-direction packets, so a
 * responder-only stream would flow on.
 *
 * Fail secure: every pass first makes the bridge's fail mode `secure` (an empty or
 * flushed table then drops everything instead of forwarding by NORMAL). When the
 * policy cannot be fetched, the agent keeps enforcing the last policy it realized:
 * the one in memory, or after a restart the copy `cache` keeps on disk
 * (policy-cache.ts), so a restarted ovs-vswitchd is programmed at once anyway.
 */
import { bundleOf, ExpectedEvents } from './flow-diff';
import { setDelta, wholeCompiler } from './host-compile';
import { entriesToCut } from './revoke';
import { parseConntrackDump } from './conntrack';
import type { AgentStatusReport } from '../model/host-status';
import type { PolicySnapshot } from '../model/snapshot';
import type { PolicyCache } from './policy-cache';
import type { Verifier } from './verifier';
import { portsKey } from './types';
import type {
  BridgeChange,
  BridgeDriver,
  CompileHost,
  FlowUpdate,
  FlowWatch,
  HostFlowCompiler,
  HostPorts,
  PolicyLink,
} from './types';

export type AgentLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** The reconcile intervals an agent accepts (--interval, MICROSEG_AGENT_INTERVAL). */
export const INTERVAL_RANGE = { minMs: 50, maxMs: 3_600_000 };

export interface HostAgentOptions {
  host: string;
  link: PolicyLink;
  driver: BridgeDriver;
  /** The host's incremental compiler (host-compile.ts, compile-pool.ts), or a whole compile (compared set by set). */
  compile: HostFlowCompiler | CompileHost;
  /** Between the end of one pass and the start of the next (default 2000 ms). */
  intervalMs?: number;
  /** Between full checks of the whole bridge while its monitors run (default 60 s; FULL_CHECK_DEFAULT_MS). */
  fullCheckMs?: number;
  log?: AgentLog;
  /** Extra work after each pass that reached the bridge (observations); its errors are logged, not reported. */
  afterPass?: () => Promise<void>;
  /** Where the last realized policy is kept for when the service cannot be reached. */
  cache?: PolicyCache;
  /** Traces a sample of connections after each realization and compares them with explain() (verifier.ts). */
  verifier?: Verifier;
}

/** What the last pass found (tests and the CLI read it). */
export interface PassResult extends AgentStatusReport {
  action: 'none' | 'programmed' | 'repaired' | 'error';
}

/** What one pass's compile changed in the desired set (`exact` false: unknown, the whole bridge is compared). */
interface Change {
  added: string[];
  removed: string[];
  exact: boolean;
}

/** The compiler's whole set as the agent keeps it: its answers applied one after the other. */
interface Desired {
  flows: Set<string>;
  /** The compiler's answer it is at (FlowUpdate.seq). */
  seq: number;
  generation: number;
}

export const FULL_CHECK_DEFAULT_MS = 60_000;
/** How long a full check waits for new monitors to listen (they did in ≈ 50 ms here); then it checks anyway. */
const FLOW_MONITOR_WAIT_MS = 2000;

export class HostAgent {
  /** Set while the bridge holds `desired` (as of the last pass that programmed or checked it). */
  private programmed: { generation: number } | null = null;
  private desired: Desired | null = null;
  /** Set when programming failed: the bridge is behind `desired` (not drift), until a pass programs it. */
  private behind = false;
  private readonly compiler: HostFlowCompiler;
  private driftRepairs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly intervalMs: number;
  private readonly fullCheckMs: number;
  private readonly log: AgentLog;
  private flowWatch: FlowWatch | null = null;
  private watchStarted = 0;
  private compiledFor: string | null = null;
  private watchDebounce: NodeJS.Timeout | null = null;
  /** Set by the monitors: the next pass compares the whole bridge (drift, restart) or reads the ports. */
  private needFull = true;
  private portsDirty = true;
  private lastFull = 0;
  /** The backstop in progress (beside the loop), and how many times a pass has written the bridge. */
  private backstop: Promise<void> | null = null;
  private writes = 0;
  private ports: HostPorts | null = null;
  /** The monitor events our own last bundle causes (anything else is drift). */
  private readonly expected = new ExpectedEvents();
  /** The generation whose denied connections were last revoked (retried each pass until it works). */
  private revokedFor: number | null = null;
  private toRevoke: { snapshot: PolicySnapshot; ports: HostPorts; generation: number } | null = null;
  /** What this pass left on the bridge, for the verifier (which skips what it has verified). */
  private toVerify: { snapshot: PolicySnapshot; ports: HostPorts; generation: number } | null = null;
  /** The last policy fetched and realized (what to enforce while the service is unreachable; saveKept writes it). */
  private realized: PolicySnapshot | null = null;
  private savedGeneration: number | null = null;
  private notice: string | null = null;
  last: PassResult | null = null;

  constructor(private readonly opts: HostAgentOptions) {
    this.intervalMs = opts.intervalMs ?? 2000;
    this.fullCheckMs = opts.fullCheckMs ?? FULL_CHECK_DEFAULT_MS;
    this.log = opts.log ?? (() => undefined);
    this.compiler = typeof opts.compile === 'function' ? wholeCompiler(opts.compile, opts.host) : opts.compile;
  }

  get host(): string {
    return this.opts.host;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.backstop;
    this.flowWatch?.stop();
    this.flowWatch = null;
    if (this.watchDebounce) clearTimeout(this.watchDebounce);
    this.compiler.close();
    this.desired = null;
    this.compiledFor = null;
  }

  /** No pass running or due for a reason (a change seen by the monitors, a poke): tests wait for it. */
  settled(): boolean {
    return !this.running && !this.again && !this.watchDebounce && !this.needFull && !this.portsDirty && !this.backstop;
  }

  /** Runs a pass as soon as possible (right after the current one, if one is running). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pass().then(() => undefined);
      void this.running.finally(() => {
        this.running = null;
        if (this.stopped) return;
        const now = this.again;
        this.again = false;
        const unreachable = this.last?.reachable === false;
        this.schedule(now ? 0 : unreachable ? Math.min(this.intervalMs, 500) : this.intervalMs);
        if (!unreachable) this.ensureWatch();
      });
    }, ms);
  }

  /** Keeps the monitors on the bridge while the loop runs (restarted after the daemon comes back). */
  private ensureWatch(): void {
    if (!this.startWatch()) return;
    // What changed before the monitors started is not reported: check once now.
    this.needFull = true;
    this.poke();
  }

  /** Starts the monitors unless they run; false when they run or must wait (at most one start per second). */
  private startWatch(): boolean {
    if (this.stopped || !this.opts.driver.watch || this.flowWatch?.alive()) return false;
    // A monitor that keeps dying must not turn into a busy loop.
    if (Date.now() - this.watchStarted < 1000) return false;
    this.watchStarted = Date.now();
    this.flowWatch = this.opts.driver.watch((change) => this.onBridgeChange(change));
    return true;
  }

  /**
   * Before a full check: the monitors started if they do not run, and waited for (bounded) until they
   * report every later change. `listening` when they do: then this check is the last one needed (what
   * changes after it is reported), instead of a second whole-bridge comparison once the monitors are up.
   * `recheck` when monitors started here cannot say so in time: a full check must follow, as after any start.
   */
  private async listenFirst(): Promise<{ listening: boolean; recheck: boolean }> {
    if (this.last?.reachable === false) return { listening: false, recheck: false };
    const started = this.startWatch();
    const ready = this.flowWatch?.alive() ? this.flowWatch.ready : undefined;
    let listening = false;
    if (ready) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), FLOW_MONITOR_WAIT_MS)));
      listening = (await Promise.race([ready, late]).finally(() => clearTimeout(timer))) && this.flowWatch!.alive();
    }
    return { listening, recheck: started && !listening };
  }

  private onBridgeChange(change: BridgeChange): void {
    if (change.kind === 'ports') this.portsDirty = true;
    else if (change.kind === 'ended') this.needFull = true;
    else if (change.events === null) this.needFull = true;
    else {
      // Our own bundle shows up too: only an event we did not cause is drift.
      let foreign = false;
      for (const e of change.events) if (!this.expected.consume(e)) foreign = true;
      if (!foreign) return;
      this.needFull = true;
    }
    // Coalesce a burst into one pass.
    if (this.watchDebounce) return;
    this.watchDebounce = setTimeout(() => {
      this.watchDebounce = null;
      this.poke();
    }, 20);
  }

  /** One reconcile pass; never throws (errors go into the status). */
  async pass(): Promise<PassResult> {
    const result = await this.reconcile();
    this.last = result;
    await this.report(result);
    // After the report, so that neither delays "realized": the disk copy (the whole view, fsynced), then
    // the cuts (one flush per connection may take a while).
    await this.saveKept();
    const job = this.toRevoke;
    this.toRevoke = null;
    if (job && result.reachable) await this.revoke(job.snapshot, job.ports, job.generation);
    // The one hook of the verifier: after a realization (it skips an input it verified), then its verdict reported.
    const { verifier } = this.opts;
    const realized = this.toVerify;
    this.toVerify = null;
    if (
      realized &&
      result.reachable &&
      verifier &&
      (await verifier.afterRealization(realized.snapshot, realized.ports, realized.generation))
    )
      await this.report(result);
    if (result.reachable && this.opts.afterPass) {
      try {
        await this.opts.afterPass();
      } catch (e) {
        this.log('warn', 'after-pass work failed', { host: this.opts.host, error: (e as Error).message });
      }
    }
    return result;
  }

  private async report(result: PassResult): Promise<void> {
    const { action: _action, ...status } = result;
    try {
      await this.opts.link.reportStatus(this.opts.host, { ...status, ...this.opts.verifier?.status() });
    } catch (e) {
      this.log('warn', 'cannot report status to the service', { host: this.opts.host, error: (e as Error).message });
    }
  }

  private async reconcile(): Promise<PassResult> {
    const host = this.opts.host;
    let snapshot: PolicySnapshot;
    /** Set when the policy is the kept one: why it could not be fetched. */
    let offline: string | null = null;
    try {
      snapshot = await this.opts.link.fetchPolicy();
    } catch (e) {
      const reason = `cannot fetch the policy: ${(e as Error).message}`;
      const kept = await this.keptPolicy();
      if (!kept) return this.failed(reason, this.last?.reachable ?? false);
      snapshot = kept;
      offline = `${reason}; enforcing the last realized generation ${kept.generation}`;
    }
    if (!snapshot.hosts.some((h) => h.name === host))
      return this.failed(`host "${host}" is not in the policy`, this.last?.reachable ?? false);

    const { driver } = this.opts;
    // Without a live monitor nothing tells us about drift or ports: every pass checks everything.
    let full = this.needFull || this.programmed === null || !this.flowWatch?.alive();
    if (!full && !this.backstop && this.desired && Date.now() - this.lastFull >= this.fullCheckMs) this.startBackstop();
    let warning = offline;
    const { listening, recheck } = full ? await this.listenFirst() : { listening: false, recheck: false };
    try {
      if (full || this.portsDirty || !this.ports) {
        this.portsDirty = false;
        this.ports = await driver.readPorts();
      }
      if (full) {
        this.needFull = recheck;
        if (recheck) this.poke();
        // Before comparing: setting the fail mode flushes the bridge's flows.
        try {
          const was = await driver.ensureSecure?.();
          if (was) {
            this.noteSecured(was);
          }
        } catch (e) {
          warning = `cannot make the bridge's fail mode secure: ${(e as Error).message}`;
          if (warning !== this.last?.last_error) this.log('error', warning, { host });
        }
      }
    } catch (e) {
      this.portsDirty = true;
      return this.failed(`cannot reach Open vSwitch: ${(e as Error).message}`, false);
    }
    const ports = this.ports;

    // Same generation and same ports → same flows (the compiler is pure): skip asking it.
    const input = `${snapshot.generation}|${portsKey(ports)}`;
    let change: Change = { added: [], removed: [], exact: true };
    if (this.compiledFor !== input || !this.desired) {
      try {
        change = await this.compile(snapshot, ports);
      } catch (e) {
        return this.failed(`cannot compile the policy for this host: ${(e as Error).message}`, true);
      }
      this.compiledFor = input;
    }
    const desired = this.desired!;
    // Not knowing what changed counts as a change (and then nothing found differing is no drift).
    const changed = this.behind || !change.exact || change.added.length + change.removed.length > 0;
    if (!change.exact) full = true;
    const p = this.programmed;
    const realizedNow = (action: PassResult['action']) => {
      this.programmed = { generation: desired.generation };
      this.behind = false;
      // Only a change of this bridge's flows can deny a connection (and the first realization: what
      // an earlier run left is unknown). A generation that leaves the flows as they were costs nothing.
      if (action !== 'none' || this.revokedFor === null)
        this.toRevoke = { snapshot, ports, generation: desired.generation };
      this.toVerify = { snapshot, ports, generation: desired.generation };
      return this.ok(action, desired.generation, desired.flows.size, warning);
    };
    try {
      if (!full) {
        // p is set (no full check means an earlier pass programmed the bridge, and it holds what desired was).
        if (!changed) {
          if (!offline) this.realized = snapshot;
          return realizedNow('none');
        }
        const diff = bundleOf(change.added, change.removed);
        this.expected.expect(diff);
        this.writes++;
        try {
          if (driver.applyDiff) await driver.applyDiff(diff);
          else await driver.replaceFlows([...desired.flows]);
        } catch (e) {
          // The bundle is atomic: the bridge still holds the flows before this change, no longer what the
          // agent keeps as desired; the next pass compares the whole bridge.
          this.expected.clear();
          throw e;
        }
        this.logProgrammed(offline, desired.generation, desired.flows.size, diff.add.length, diff.remove.length);
        if (!offline) this.realized = snapshot;
        return realizedNow('programmed');
      }

      this.lastFull = Date.now();
      this.expected.clear();
      const flows = [...desired.flows];
      // A first programming compares only when the monitors listen (else a full check follows their start).
      const differs = p === null && !listening ? null : await this.bridgeDiffers(flows);
      if (differs && !differs.missing && !differs.unexpected) {
        if (!offline) this.realized = snapshot;
        return realizedNow(changed ? 'programmed' : 'none');
      }
      // An empty bridge: the replace adds exactly the desired flows, which the monitors then report as ours.
      if (differs && !differs.unexpected && differs.missing === flows.length)
        this.expected.expect({ add: flows, remove: [] });
      const drift = p !== null && !changed;
      if (drift)
        this.log('warn', 'bridge drifted from the desired flows: repairing', {
          host,
          diff: `${differs!.missing} missing, ${differs!.unexpected} unexpected`,
        });
      this.writes++;
      await driver.replaceFlows(flows);
      const after = await this.bridgeDiffers(flows);
      if (after.missing || after.unexpected) {
        this.programmed = null;
        return this.failed(
          `verify: loaded ${flows.length} flows but the bridge differs (${after.missing} missing, ${after.unexpected} unexpected)`,
          true,
        );
      }
      if (drift) this.driftRepairs++;
      else this.logProgrammed(offline, desired.generation, flows.length, null, null);
      if (!offline) this.realized = snapshot;
      return realizedNow(drift ? 'repaired' : 'programmed');
    } catch (e) {
      // What the bridge holds is unknown now: the next pass compares all of it.
      this.expected.clear();
      this.needFull = true;
      this.behind = true;
      return this.failed(`cannot program the bridge: ${(e as Error).message}`, true);
    }
  }

  /** The bridge was found in fail mode `was` and made secure: said in the next report and logged. */
  private noteSecured(was: string): void {
    this.notice = `the bridge was in fail-mode ${was} (a bridge that loses its flows then forwards everything by NORMAL): set it to secure at ${new Date().toISOString()}`;
    this.log('warn', `bridge was in fail-mode ${was}: set it to secure`, { host: this.opts.host, was });
  }

  /**
   * The periodic full check, beside the loop: reads only, and what it finds is handled by a full pass
   * (a poke). The fail mode is made secure here at once (a bridge left standalone must not wait), which
   * flushes the flows: the full pass then loads them again.
   */
  private startBackstop(): void {
    this.lastFull = Date.now();
    const host = this.opts.host;
    const { driver } = this.opts;
    const writes = this.writes;
    const flows = [...this.desired!.flows];
    const ports = this.ports;
    const check = async (): Promise<string | null> => {
      const was = await driver.ensureSecure?.();
      if (was) {
        this.noteSecured(was);
        return 'fail mode';
      }
      const now = await driver.readPorts();
      if (portsKey(now) !== portsKey(ports ?? {})) return 'ports';
      const d = await this.bridgeDiffers(flows);
      // A pass wrote the bridge meanwhile: the comparison is stale; check again at the next pass.
      if (this.writes !== writes) {
        this.lastFull = 0;
        return null;
      }
      return d.missing || d.unexpected ? `${d.missing} missing, ${d.unexpected} unexpected` : null;
    };
    this.backstop = check()
      .then(
        (found) => {
          if (found === null) return;
          this.log('warn', 'full check: the bridge differs from what the agent holds: checking it in full', {
            host,
            found,
          });
          this.needFull = true;
        },
        (e: Error) => {
          this.log('warn', 'full check failed: checking the bridge in full', { host, error: e.message });
          this.needFull = true;
        },
      )
      .finally(() => {
        this.backstop = null;
        if (this.needFull) this.poke();
      });
  }

  /**
   * Asks the compiler and brings `desired` up to its answer; returns what changed, `exact` false when
   * that is unknown (the agent held nothing, or fell out of step with the compiler) and the whole bridge
   * must be compared. An answer that does not follow the one the agent holds (the compiler restarted: its
   * worker died) is the whole set, compared with what the agent holds; one that skips an answer is asked
   * again from nothing.
   */
  private async compile(snapshot: PolicySnapshot, ports: HostPorts): Promise<Change> {
    const held = this.desired;
    let u: FlowUpdate = await this.compiler.update(snapshot, ports, held === null);
    if (u.since !== 0 && u.since !== held?.seq) u = await this.compiler.update(snapshot, ports, true);
    if (u.since === 0) {
      const flows = new Set(u.added);
      this.desired = { flows, seq: u.seq, generation: u.generation };
      return held ? { ...setDelta(held.flows, flows), exact: true } : { added: u.added, removed: [], exact: false };
    }
    for (const l of u.removed) held!.flows.delete(l);
    for (const l of u.added) held!.flows.add(l);
    held!.seq = u.seq;
    held!.generation = u.generation;
    if (held!.flows.size === u.count) return { added: u.added, removed: u.removed, exact: true };
    // Out of step with the compiler (it should never be): start again from its whole set.
    this.log('warn', 'the kept flows disagree with the compiler: compiling the host again', { host: this.opts.host });
    this.desired = null;
    const whole = await this.compiler.update(snapshot, ports, true);
    this.desired = { flows: new Set(whole.added), seq: whole.seq, generation: whole.generation };
    return { added: whole.added, removed: [], exact: false };
  }

  /** How the bridge differs from `flows`: by Open vSwitch's own comparison, or a dump of a driver without one. */
  private async bridgeDiffers(flows: string[]): Promise<{ missing: number; unexpected: number }> {
    const { driver } = this.opts;
    if (driver.diffFlows) return driver.diffFlows(flows);
    const have = new Set(await driver.dumpFlows());
    const want = new Set(flows);
    return {
      missing: flows.filter((l) => !have.has(l)).length,
      unexpected: [...have].filter((l) => !want.has(l)).length,
    };
  }

  private logProgrammed(
    offline: string | null,
    generation: number,
    flows: number,
    added: number | null,
    removed: number | null,
  ): void {
    const fields = { host: this.opts.host, generation, flows, ...(added !== null ? { added, removed } : {}) };
    if (offline)
      this.log('warn', 'the service cannot be reached: programmed the bridge with the last realized policy', fields);
    else this.log('info', 'programmed the bridge', fields);
  }

  /**
   * Once per generation, after its flows are on the bridge (never before: the old
   * flows would re-admit the connection): delete the conntrack entries it denies (revoke.ts says which).
   * A failure is logged and retried on the next pass; it does not fail this one.
   * Runs right after the status report, so "realized" means the flows are in
   * place; the cuts follow within the same pass.
   */
  private async revoke(snapshot: PolicySnapshot, ports: HostPorts, generation: number): Promise<void> {
    const { driver } = this.opts;
    if (this.revokedFor === generation || !driver.dumpConntrack || !driver.flushConntrack) return;
    try {
      const { entries } = parseConntrackDump(await driver.dumpConntrack());
      const cuts = entriesToCut(snapshot, this.opts.host, ports, entries);
      // A few at a time: each is a control-socket request, and a change may revoke dozens.
      for (let i = 0; i < cuts.length; i += 4)
        await Promise.all(cuts.slice(i, i + 4).map((c) => driver.flushConntrack!(c.zone, c.tuple)));
      this.revokedFor = generation;
      if (cuts.length)
        this.log('info', 'cut connections the new policy denies', {
          host: this.opts.host,
          generation,
          connections: cuts.length,
        });
    } catch (e) {
      this.log('warn', 'cannot cut connections the new policy denies', {
        host: this.opts.host,
        generation,
        error: (e as Error).message,
      });
    }
  }

  /** The policy to enforce while the service cannot be reached: the last realized one, from memory or disk. */
  private async keptPolicy(): Promise<PolicySnapshot | null> {
    if (this.realized) return this.realized;
    const { cache } = this.opts;
    if (!cache) return null;
    try {
      const kept = await cache.load();
      if (kept) {
        this.log('warn', 'the service cannot be reached: enforcing the policy kept on local disk', {
          host: this.opts.host,
          generation: kept.generation,
          path: cache.path,
        });
        this.realized = kept;
        this.savedGeneration = kept.generation;
      }
      return kept;
    } catch (e) {
      this.log('error', 'cannot read the policy kept on local disk', {
        host: this.opts.host,
        path: cache.path,
        error: (e as Error).message,
      });
      return null;
    }
  }

  /** Writes the realized policy to disk once per generation. A failed write is logged and retried next pass. */
  private async saveKept(): Promise<void> {
    const { cache } = this.opts;
    const snapshot = this.realized;
    if (!cache || !snapshot || this.savedGeneration === snapshot.generation) return;
    try {
      await cache.save(snapshot);
      this.savedGeneration = snapshot.generation;
    } catch (e) {
      this.log('error', 'cannot keep the realized policy on local disk', {
        host: this.opts.host,
        path: cache.path,
        error: (e as Error).message,
      });
    }
  }

  private ok(
    action: PassResult['action'],
    generation: number,
    flowCount: number,
    lastError: string | null,
  ): PassResult {
    return {
      action,
      realized_generation: generation,
      flow_count: flowCount,
      reachable: true,
      last_error: lastError,
      drift_repairs: this.driftRepairs,
      notice: this.notice,
    };
  }

  private failed(error: string, reachable: boolean): PassResult {
    if (error !== this.last?.last_error) this.log('error', error, { host: this.opts.host });
    // What is on the bridge is unknown once it cannot be read: claim no generation then.
    const realized = reachable ? (this.programmed?.generation ?? null) : null;
    if (!reachable) this.programmed = null;
    return {
      action: 'error',
      realized_generation: realized,
      flow_count: null,
      reachable,
      last_error: error,
      drift_repairs: this.driftRepairs,
      notice: this.notice,
    };
  }
}
