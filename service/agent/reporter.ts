/**
 * Agent side of observations: each tick, read the host's conntrack table and
 * the bridge's flow counters, decode each connection's verdict and rule from
 * its ct_mark/ct_label, group by (src, dst, protocol, port, verdict, rule) and
 * send one ObservationReport. Connections already seen in the previous dump
 * count as active, not new, so a long connection is counted once.
 *
 * The I/O (dumping, sending) is injected: the embedded agent hands the report
 * to the service in process, a standalone agent POSTs it.
 */
import { parseConntrackDump, type ConntrackEntry } from './conntrack';
import { UnixctlClient, vswitchdControl } from './unixctl';
import { dumpFlowCounters, type FlowCounter } from './openflow';
import type { ObservationReportT, ObservedConnectionT, RuleCounterT } from '../model/observation';
import type { RuleKind, Verdict } from '../model/verdicts';

export interface DecodedConnection {
  verdict: Verdict;
  rule: string | null;
  rule_kind: RuleKind | null;
}
export interface DecodedCookie {
  rule: string | null;
  rule_kind: RuleKind | null;
}

/** How the compiler's encoding maps back to rules (service/compiler/pipeline.ts provides it). */
export interface ObservationDecoder {
  /** null: not a connection microseg decided (skip it). */
  connection(entry: ConntrackEntry): DecodedConnection | null;
  /** null: not a microseg cookie (skip it). */
  cookie(cookie: bigint): DecodedCookie | null;
}

export interface ReporterOptions {
  host: string;
  dumpConntrack: () => Promise<string>;
  /** Every flow's counters (openflow.ts: dumpFlowCounters). */
  dumpCounters?: () => Promise<FlowCounter[]>;
  /** Called per tick: the decoder for the policy the bridge runs now. */
  decoder: () => ObservationDecoder | Promise<ObservationDecoder>;
  send: (host: string, report: ObservationReportT) => Promise<void>;
  /** At most this many groups per report (the rest is summarized away; default 20000, the API's limit). */
  maxGroups?: number;
  /**
   * A round that finds no connection and the same counters as the last report sends nothing, unless the
   * last report is this old (default QUIET_RESEND_MS): an idle host costs the service no write.
   */
  quietMs?: number;
}

export const QUIET_RESEND_MS = 60_000;

const entryKey = (e: ConntrackEntry) =>
  `${e.zone}|${e.protocol}|${e.src}|${e.dst}|${e.sport}|${e.dport}|${e.icmp_type}|${e.mark}|${e.labels}`;
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Pure part of a tick: groups decoded entries; `previous` holds the keys of the last dump. */
export function groupConnections(
  entries: ConntrackEntry[],
  decoder: ObservationDecoder,
  previous: ReadonlySet<string>,
  maxGroups = 20000,
): { connections: ObservedConnectionT[]; keys: Set<string>; skipped: number } {
  const groups = new Map<string, ObservedConnectionT>();
  const keys = new Set<string>();
  let skipped = 0;
  for (const e of entries) {
    const d = decoder.connection(e);
    if (!d) {
      skipped++;
      continue;
    }
    const key = entryKey(e);
    keys.add(key);
    const port = PORT_PROTOCOLS.has(e.protocol) ? e.dport : null;
    const gkey = `${e.src}|${e.dst}|${e.protocol}|${port}|${d.verdict}|${d.rule_kind}|${d.rule}`;
    let g = groups.get(gkey);
    if (!g) {
      if (groups.size >= maxGroups) {
        skipped++;
        continue;
      }
      g = {
        src: e.src,
        dst: e.dst,
        protocol: e.protocol,
        port,
        verdict: d.verdict,
        rule: d.rule,
        rule_kind: d.rule_kind,
        new: 0,
        active: 0,
      };
      groups.set(gkey, g);
    }
    g.active++;
    if (!previous.has(key)) g.new++;
  }
  return { connections: [...groups.values()], keys, skipped };
}

/** Sums the flows' counters by microseg cookie (one rule may own many flows). Pure. */
export function counterReport(counters: FlowCounter[], decoder: ObservationDecoder): RuleCounterT[] {
  // Summed first, decoded once per cookie: a bridge has many flows per rule.
  const sums = new Map<string, { packets: number; bytes: number }>();
  for (const f of counters) {
    const s = sums.get(f.cookie);
    if (s) {
      s.packets += f.packets;
      s.bytes += f.bytes;
    } else sums.set(f.cookie, { packets: f.packets, bytes: f.bytes });
  }
  const out: RuleCounterT[] = [];
  for (const [cookie, s] of sums) {
    const d = decoder.cookie(BigInt(cookie));
    if (d) out.push({ cookie, rule: d.rule, rule_kind: d.rule_kind, packets: s.packets, bytes: s.bytes });
  }
  return out;
}

export class ObservationReporter {
  private previous = new Set<string>();
  /** The last dump's entries by line, reused for the lines that did not change. */
  private lines = new Map<string, ConntrackEntry>();
  private lastSent: { counters: string; at: number } | null = null;

  constructor(private readonly opts: ReporterOptions) {}

  /** One observation round; returns how many groups were sent (null: nothing new, nothing sent). */
  async tick(): Promise<number | null> {
    const decoder = await this.opts.decoder();
    const lines = new Map<string, ConntrackEntry>();
    const { entries } = parseConntrackDump(await this.opts.dumpConntrack(), this.lines, lines);
    this.lines = lines;
    const grouped = groupConnections(entries, decoder, this.previous, this.opts.maxGroups);
    const report: ObservationReportT = { connections: grouped.connections };
    if (this.opts.dumpCounters) report.counters = counterReport(await this.opts.dumpCounters(), decoder);
    const counters = JSON.stringify(report.counters ?? null);
    const now = Date.now();
    const quiet =
      grouped.connections.length === 0 &&
      this.lastSent?.counters === counters &&
      now - this.lastSent.at < (this.opts.quietMs ?? QUIET_RESEND_MS);
    if (quiet) return null;
    await this.opts.send(this.opts.host, report);
    // Only after a successful send: otherwise the next tick reports these as new again.
    this.previous = grouped.keys;
    this.lastSent = { counters, at: now };
    return grouped.connections.length;
  }
}

/**
 * Dump functions for one host's OVS, through its run directory or the system default when unset:
 * conntrack over ovs-vswitchd's control socket (kept open), counters in one OpenFlow request on
 * the bridge's management socket. No process is started.
 */
export function ovsDumpers(
  bridge: string,
  rundir?: string,
): { dumpConntrack: () => Promise<string>; dumpCounters: () => Promise<FlowCounter[]> } {
  const unixctl = new UnixctlClient({ target: () => vswitchdControl(rundir) });
  const mgmt = `${rundir ?? process.env.OVS_RUNDIR ?? '/var/run/openvswitch'}/${bridge}.mgmt`;
  return {
    dumpConntrack: () => unixctl.call('dpctl/dump-conntrack', ['-m']),
    dumpCounters: () => dumpFlowCounters(mgmt),
  };
}
