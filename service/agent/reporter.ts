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
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { parseConntrackDump, parseFlowCounters, type ConntrackEntry } from './conntrack';
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
  dumpFlows?: () => Promise<string>;
  /** Called per tick: the decoder for the policy the bridge runs now. */
  decoder: () => ObservationDecoder | Promise<ObservationDecoder>;
  send: (host: string, report: ObservationReportT) => Promise<void>;
  /** At most this many groups per report (the rest is summarized away; default 20000, the API's limit). */
  maxGroups?: number;
}

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

export function counterReport(flowsText: string, decoder: ObservationDecoder): RuleCounterT[] {
  const sums = new Map<string, RuleCounterT>();
  for (const f of parseFlowCounters(flowsText)) {
    const d = decoder.cookie(BigInt(f.cookie));
    if (!d) continue;
    const s = sums.get(f.cookie) ?? { cookie: f.cookie, rule: d.rule, rule_kind: d.rule_kind, packets: 0, bytes: 0 };
    s.packets += f.packets;
    s.bytes += f.bytes;
    sums.set(f.cookie, s);
  }
  return [...sums.values()];
}

export class ObservationReporter {
  private previous = new Set<string>();

  constructor(private readonly opts: ReporterOptions) {}

  /** One observation round; returns how many groups were sent. */
  async tick(): Promise<number> {
    const decoder = await this.opts.decoder();
    const { entries } = parseConntrackDump(await this.opts.dumpConntrack());
    const grouped = groupConnections(entries, decoder, this.previous, this.opts.maxGroups);
    const report: ObservationReportT = { connections: grouped.connections };
    if (this.opts.dumpFlows) report.counters = counterReport(await this.opts.dumpFlows(), decoder);
    await this.opts.send(this.opts.host, report);
    // Only after a successful send: otherwise the next tick reports these as new again.
    this.previous = grouped.keys;
    return grouped.connections.length;
  }
}

function execText(file: string, args: string[], timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${String(stderr || err.message).trim()}`));
      else resolve(String(stdout));
    });
  });
}

/** The ovs-vswitchd control socket of an OVS run directory (the pid is in its pid file). */
export function vswitchdControl(rundir: string): string {
  const pid = readFileSync(`${rundir}/ovs-vswitchd.pid`, 'utf8').trim();
  return `${rundir}/ovs-vswitchd.${pid}.ctl`;
}

/** Dump functions for one host's OVS: through its run directory, or the system default when unset. */
export function ovsDumpers(
  bridge: string,
  rundir?: string,
): { dumpConntrack: () => Promise<string>; dumpFlows: () => Promise<string> } {
  return {
    dumpConntrack: () =>
      execText('ovs-appctl', [...(rundir ? ['-t', vswitchdControl(rundir)] : []), 'dpctl/dump-conntrack', '-m']),
    dumpFlows: () =>
      execText('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', rundir ? `unix:${rundir}/${bridge}.mgmt` : bridge]),
  };
}
