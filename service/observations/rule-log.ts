/**
 * The rule log: for a rule with `log = true`, every new connection it decides
 * becomes one JSON line (time, rule, layer, verdict, source and destination
 * entity/IP, protocol, port, host) on the service's stdout and, when
 * MICROSEG_SYSLOG names a collector (`udp://host:port` or `tcp://host:port`),
 * an RFC 5424 message there. New connections come from the agents'
 * observation reports (service/observations/README.md), so a line follows
 * the connection within one agent interval.
 *
 * Bounded and non-blocking: each sink has a queue of at most `maxQueue`
 * lines drained asynchronously; a line that finds its queue full is dropped
 * and counted (`microseg_rule_log_dropped_total{sink}`). Nothing on the
 * request path waits for a sink.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import type { EntityIndex } from './entity-index';
import type { ObservedConnectionT } from '../model/observation';

export interface RuleLogLine {
  time: string;
  rule: string;
  layer: string;
  verdict: string;
  source: string | null;
  source_ip: string;
  destination: string | null;
  destination_ip: string;
  protocol: string;
  port: number | null;
  host: string;
}

const LISTS = {
  application: 'application_rules',
  isolation: 'isolation_rules',
  quarantine: 'quarantine_rules',
  shared_service: 'shared_service_rules',
} as const;

/** A line and how many new connections it stands for (a report groups alike connections). */
export interface RuleLogEntry {
  line: RuleLogLine;
  count: number;
}

/** The lines for one report: for each group of new connections decided by a rule whose `log` is true. Pure. */
export function ruleLogLines(
  host: string,
  connections: ObservedConnectionT[],
  idx: EntityIndex,
  now: Date,
): RuleLogEntry[] {
  const out: RuleLogEntry[] = [];
  const time = now.toISOString();
  for (const c of connections) {
    if (c.new === 0 || c.rule === null || !c.rule_kind) continue;
    const rule = (idx.snapshot[LISTS[c.rule_kind]] as { name: string; log: boolean }[]).find((r) => r.name === c.rule);
    if (!rule?.log) continue;
    const line: RuleLogLine = {
      time,
      rule: c.rule,
      layer: c.rule_kind,
      verdict: c.verdict,
      source: idx.entityOf(c.src)?.name ?? null,
      source_ip: c.src,
      destination: idx.entityOf(c.dst)?.name ?? null,
      destination_ip: c.dst,
      protocol: c.protocol,
      port: c.port,
      host,
    };
    out.push({ line, count: c.new });
  }
  return out;
}

/** A sink takes a batch of lines and calls back when it may take more. */
type SinkWrite = (lines: string[], done: () => void) => void;

/** A bounded queue in front of one sink. */
class Queue {
  private readonly lines: string[] = [];
  private busy = false;
  dropped = 0;
  written = 0;

  constructor(
    readonly name: string,
    readonly format: (line: RuleLogLine) => string,
    private readonly write: SinkWrite,
    private readonly max: number,
  ) {}

  get full(): boolean {
    return this.lines.length >= this.max;
  }

  push(line: string): void {
    this.lines.push(line);
    if (!this.busy) {
      this.busy = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    const batch = this.lines.splice(0, 500);
    if (batch.length === 0) {
      this.busy = false;
      return;
    }
    this.write(batch, () => {
      this.written += batch.length;
      setImmediate(() => this.drain());
    });
  }

  get pending(): number {
    return this.lines.length;
  }
}

function streamSink(stream: Writable): SinkWrite {
  return (lines, done) => {
    // Respect backpressure: wait for 'drain' rather than buffer without bound.
    if (stream.write(`${lines.join('\n')}\n`)) done();
    else stream.once('drain', done);
  };
}

/** RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG; facility local0 (16), severity informational (6). */
export function syslogMessage(line: RuleLogLine, host = hostname()): string {
  return `<134>1 ${line.time} ${host || '-'} microseg ${process.pid} rule-hit - ${JSON.stringify(line)}`;
}

export interface SyslogTarget {
  transport: 'udp' | 'tcp';
  host: string;
  port: number;
}

/** `udp://host:port` or `tcp://host:port`; throws naming MICROSEG_SYSLOG otherwise. */
export function parseSyslogTarget(text: string): SyslogTarget {
  const m = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535)
    throw new Error(`MICROSEG_SYSLOG must be udp://HOST:PORT or tcp://HOST:PORT, got "${text}"`);
  return { transport: m[1] as 'udp' | 'tcp', host: m[2].replace(/^\[|\]$/g, ''), port };
}

/** A syslog sender: UDP datagrams, or TCP with octet-counting framing (RFC 6587) and reconnects. */
function syslogSink(target: SyslogTarget, onError: (message: string) => void): { write: SinkWrite; close: () => void } {
  if (target.transport === 'udp') {
    const socket = dgram.createSocket(net.isIPv6(target.host) ? 'udp6' : 'udp4');
    socket.on('error', (e) => onError(e.message));
    socket.unref();
    return {
      write(lines, done) {
        let left = lines.length;
        for (const l of lines)
          socket.send(l, target.port, target.host, () => {
            if (--left === 0) done();
          });
      },
      close: () => socket.close(),
    };
  }
  let socket: net.Socket | null = null;
  let closed = false;
  let waiting: (() => void) | null = null;
  const connect = () => {
    if (closed) return;
    const s = net.connect({ host: target.host, port: target.port });
    s.unref();
    s.on('connect', () => {
      socket = s;
      const w = waiting;
      waiting = null;
      w?.();
    });
    s.on('error', (e) => onError(e.message));
    s.on('close', () => {
      socket = null;
      if (!closed) setTimeout(connect, 1000).unref(); // the queue fills (then drops) while the collector is away
    });
  };
  connect();
  const write: SinkWrite = (lines, done) => {
    if (!socket) {
      waiting = () => write(lines, done);
      return;
    }
    const framed = lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join('');
    if (socket.write(framed)) done();
    else socket.once('drain', done);
  };
  return {
    write,
    close: () => {
      closed = true;
      socket?.destroy();
    },
  };
}

export interface RuleLogOptions {
  /** Where JSON lines go; default process.stdout. null: nowhere (only syslog). */
  stream?: Writable | null;
  /** MICROSEG_SYSLOG's value, or undefined. */
  syslog?: string;
  maxQueue?: number;
  /** Told how many lines a sink dropped (once per record() call). */
  onDrop?: (sink: string, lines: number) => void;
  onError?: (message: string) => void;
}

export class RuleLog {
  private readonly queues: Queue[] = [];
  private readonly closers: (() => void)[] = [];
  private readonly onDrop: (sink: string, lines: number) => void;

  constructor(options: RuleLogOptions = {}) {
    const max = options.maxQueue ?? 10_000;
    this.onDrop = options.onDrop ?? (() => {});
    const stream = options.stream === undefined ? process.stdout : options.stream;
    if (stream) this.queues.push(new Queue('stream', (l) => JSON.stringify(l), streamSink(stream), max));
    if (options.syslog) {
      const sink = syslogSink(parseSyslogTarget(options.syslog), options.onError ?? (() => {}));
      this.queues.push(new Queue('syslog', (l) => syslogMessage(l), sink.write, max));
      this.closers.push(sink.close);
    }
  }

  /** Queues `count` copies of each line (one per connection); a sink whose queue is full drops them (counted), never waits. */
  record(entries: RuleLogEntry[]): void {
    for (const q of this.queues) {
      let dropped = 0;
      for (const { line, count } of entries) {
        const text = q.format(line);
        let i = 0;
        for (; i < count && !q.full; i++) q.push(text);
        dropped += count - i;
      }
      if (dropped > 0) {
        q.dropped += dropped;
        this.onDrop(q.name, dropped);
      }
    }
  }

  stats(): Record<string, { written: number; dropped: number; pending: number }> {
    return Object.fromEntries(
      this.queues.map((q) => [q.name, { written: q.written, dropped: q.dropped, pending: q.pending }]),
    );
  }

  close(): void {
    for (const c of this.closers) c();
  }
}
