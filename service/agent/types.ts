/**
 * What the agent needs from others, stated structurally so the agent does not
 * depend on how the compiler and the service are put together.
 */
import type { PolicySnapshot } from '../model/snapshot';
import type { AgentStatusReport } from '../model/host-status';
import type { FlowDiff, FlowEvent } from './flow-diff';

/** OpenFlow port numbers by OVS interface name, read from the bridge (same shape as the compiler's HostPorts). */
export interface HostPorts {
  [ovsInterfaceName: string]: number;
}

/** The same text for the same port map, whatever order its entries were read in (a key for "ports unchanged"). */
export const portsKey = (ports: HostPorts): string => JSON.stringify(Object.entries(ports).sort());

/** The compiler's answer for one host (service/compiler: compileHost). */
export interface CompiledFlows {
  host: string;
  generation: number;
  flows: string[];
}
/** A whole compile of one host (compileHost, or a test's wrapper of it); host-compile.ts turns it into a HostFlowCompiler. */
export type CompileHost = (
  snapshot: PolicySnapshot,
  host: string,
  ports: HostPorts,
) => CompiledFlows | Promise<CompiledFlows>;

/**
 * One answer of a host's incremental compiler: the lines added and removed since its answer `since`
 * (0: since nothing, `added` is the whole set). Answers are numbered `seq`; an unchanged answer keeps
 * the number it follows. `count` is the size of the whole set.
 */
export interface FlowUpdate {
  generation: number;
  since: number;
  seq: number;
  added: string[];
  removed: string[];
  count: number;
}

/**
 * The compiler one agent keeps for its host (host-compile.ts: HostCompiler in the caller's thread;
 * compile-pool.ts: the same in a worker thread). `restart` drops what it remembers, so the answer is the
 * whole set (since 0); after a failed update it restarts by itself. `close` forgets the host.
 */
export interface HostFlowCompiler {
  update(snapshot: PolicySnapshot, ports: HostPorts, restart?: boolean): FlowUpdate | Promise<FlowUpdate>;
  close(): void;
}

/** How an agent talks to the service: in process (service/agent-link.ts) or over HTTP (http-link.ts). */
export interface PolicyLink {
  /**
   * What the agent enforces: its host's view (a PolicySnapshot, compiled like the whole policy), kept by the
   * link and brought up to date by deltas; unchanged objects keep their identity. Throws when the service
   * cannot be reached and the link cannot vouch for the view it holds.
   */
  fetchPolicy(): Promise<PolicySnapshot>;
  reportStatus(host: string, status: AgentStatusReport): Promise<void>;
}

/** The bridge operations the reconcile loop uses (ovs-driver.ts implements them with ovs-ofctl). */
export interface BridgeDriver {
  readPorts(): Promise<HostPorts>;
  /**
   * Optional: makes the bridge's fail mode `secure` (no NORMAL flow when its table is
   * empty or flushed) and returns the mode it had when it had to change it, else null.
   * Changing the mode flushes the bridge's flows: call it before comparing them.
   */
  ensureSecure?(): Promise<string | null>;
  /** Flows now on the bridge, normalized (flows.ts: normalizeDump). */
  dumpFlows(): Promise<string[]>;
  /** Atomically makes the bridge hold exactly `flows` (one bundle). */
  replaceFlows(flows: string[]): Promise<void>;
  /** Optional: applies only the difference, atomically (one bundle of deletes and adds); else replaceFlows. */
  applyDiff?(diff: FlowDiff): Promise<void>;
  /** Optional: how the bridge differs from `flows` (compared by Open vSwitch itself); else a dump is compared. */
  diffFlows?(flows: string[]): Promise<{ missing: number; unexpected: number }>;
  /**
   * Optional: calls `onChange` whenever the bridge's flows change (anyone's change,
   * ours included: the events say which), a port appears, goes or is renumbered,
   * or the watch ends (daemon gone). Lets drift be repaired at once, without polling.
   */
  watch?(onChange: (change: BridgeChange) => void): FlowWatch;
  /** Optional: `ovs-appctl dpctl/dump-conntrack -m` of the bridge's datapath (text). */
  dumpConntrack?(): Promise<string>;
  /**
   * Optional: `ovs-appctl ofproto/trace BRIDGE FLOW --ct-next S…` (the verifier and POST /v1/trace).
   * Reads only: a trace never changes the bridge's flows or its conntrack table.
   */
  trace?(flow: string, ctNext: string[]): Promise<string>;
  /** Optional: deletes the conntrack entries of `zone` matching the original-direction `tuple` (revoke.ts). */
  flushConntrack?(zone: number, tuple: string): Promise<void>;
}

/** `events` null: a flow change the driver could not parse (treated as drift to check). */
export type BridgeChange = { kind: 'flows'; events: FlowEvent[] | null } | { kind: 'ports' } | { kind: 'ended' };

export interface FlowWatch {
  alive(): boolean;
  stop(): void;
  /** Optional: true once the flow monitor reports every later change (it has subscribed), false if it ended first. */
  ready?: Promise<boolean>;
}
