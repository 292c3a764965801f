/**
 * The rule log on its own: which connections make lines, RFC 5424 over UDP
 * and TCP to collectors on 127.0.0.1 started here, and a flood against a
 * sink that never drains: recording stays fast, the queue stays bounded and
 * the drops are counted in /metrics.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { Writable } from 'node:stream';
import { ServiceMetrics } from '../../service/metrics/metrics';
import { EntityIndex } from '../../service/observations/entity-index';
import { parseSyslogTarget, RuleLog, ruleLogLines, type RuleLogLine } from '../../service/observations/rule-log';
import type { ObservedConnectionT as ObservedConnection } from '../../service/model/observation';
import { eventually, margin } from '../../lab/eventually';
import { app, ent, iso, shared, snap } from '../policy/fixtures';

const snapshot = snap({
  entities: [ent('web1', 'ha', ['10.0.0.1']), ent('db1', 'hb', ['10.0.0.2'])],
  application_rules: [app({ name: 'quiet', target: { categories: {} } })],
  isolation_rules: [{ ...iso('loud-iso', 'apply', {}, {}), log: true }],
  shared_service_rules: [shared({ name: 'dns', providers: { categories: {} }, consumers: { any: true }, log: true })],
});
const conn = (over: Partial<ObservedConnection>): ObservedConnection => ({
  src: '10.0.0.1',
  dst: '10.0.0.2',
  protocol: 'udp',
  port: 53,
  verdict: 'allow',
  rule: 'dns',
  rule_kind: 'shared_service',
  new: 1,
  active: 1,
  ...over,
});

test('a line for each new connection of a logged rule (with its count), with entity names; none for other rules or old connections', () => {
  const lines = ruleLogLines(
    'ha',
    [
      conn({ new: 2 }),
      conn({ rule: 'quiet', rule_kind: 'application' }),
      conn({ new: 0 }),
      conn({
        src: '192.0.2.9',
        dst: '10.0.0.2',
        protocol: 'tcp',
        port: 22,
        verdict: 'deny',
        rule: 'loud-iso',
        rule_kind: 'isolation',
      }),
      conn({ rule: null, rule_kind: null }),
    ],
    new EntityIndex(snapshot),
    new Date('2026-12-01T10:00:00.000Z'),
  );
  const line = {
    time: '2026-12-01T10:00:00.000Z',
    rule: 'dns',
    layer: 'shared_service',
    verdict: 'allow',
    source: 'web1',
    source_ip: '10.0.0.1',
    destination: 'db1',
    destination_ip: '10.0.0.2',
    protocol: 'udp',
    port: 53,
    host: 'ha',
  };
  expect(lines).toEqual([
    { line, count: 2 },
    {
      line: {
        ...line,
        rule: 'loud-iso',
        layer: 'isolation',
        verdict: 'deny',
        source: null,
        source_ip: '192.0.2.9',
        protocol: 'tcp',
        port: 22,
      },
      count: 1,
    },
  ]);
});

test('MICROSEG_SYSLOG must be udp:// or tcp:// with a port', () => {
  expect(parseSyslogTarget('udp://127.0.0.1:514')).toEqual({ transport: 'udp', host: '127.0.0.1', port: 514 });
  expect(parseSyslogTarget('tcp://[::1]:6514')).toEqual({ transport: 'tcp', host: '::1', port: 6514 });
  for (const bad of ['127.0.0.1:514', 'http://x:1', 'udp://x', 'udp://x:0', 'udp://x:70000'])
    expect(() => parseSyslogTarget(bad)).toThrow(/MICROSEG_SYSLOG must be udp:\/\/HOST:PORT or tcp:\/\/HOST:PORT/);
});

const sample: RuleLogLine = {
  time: '2026-12-01T10:00:00.000Z',
  rule: 'dns',
  layer: 'shared_service',
  verdict: 'allow',
  source: 'web1',
  source_ip: '10.0.0.1',
  destination: 'db1',
  destination_ip: '10.0.0.2',
  protocol: 'udp',
  port: 53,
  host: 'ha',
};
const RFC5424 = /^<134>1 2026-12-01T10:00:00\.000Z \S+ microseg \d+ rule-hit - (\{.*\})$/;

test('UDP: each line is one RFC 5424 datagram', async () => {
  const socket = dgram.createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const log = new RuleLog({ stream: null, syslog: `udp://127.0.0.1:${socket.address().port}` });
  try {
    log.record([
      { line: sample, count: 1 },
      { line: { ...sample, port: 54 }, count: 1 },
    ]);
    await eventually('two datagrams', () => got.length === 2, { timeoutMs: margin(1000), intervalMs: 20 });
    expect(got.map((g) => JSON.parse(RFC5424.exec(g)![1]).port)).toEqual([53, 54]);
  } finally {
    log.close();
    socket.close();
  }
});

test('TCP: octet-counted frames (RFC 6587), and lines wait in the queue until the collector is there', async () => {
  const server = net.createServer();
  let buffer = '';
  server.on('connection', (s) =>
    s.on('data', (d) => {
      buffer += d.toString('utf8');
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const log = new RuleLog({ stream: null, syslog: `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}` });
  try {
    log.record([
      { line: sample, count: 1 },
      { line: { ...sample, rule: 'other' }, count: 1 },
    ]);
    const frames = await eventually(
      'two frames',
      () => {
        const out: string[] = [];
        let rest = buffer;
        for (let m = /^(\d+) /.exec(rest); m; m = /^(\d+) /.exec(rest)) {
          const len = Number(m[1]);
          const body = Buffer.from(rest.slice(m[0].length), 'utf8');
          if (body.length < len) break;
          out.push(body.subarray(0, len).toString('utf8'));
          rest = body.subarray(len).toString('utf8');
        }
        return out.length === 2 ? out : null;
      },
      { timeoutMs: margin(2000), intervalMs: 20 },
    );
    expect(frames.value.map((f) => JSON.parse(RFC5424.exec(f)![1]).rule)).toEqual(['dns', 'other']);
  } finally {
    log.close();
    server.close();
  }
});

test('a flood against a sink that never drains: recording does not wait, the queue is bounded, drops show in /metrics', async () => {
  // A stream that accepts one chunk and never calls back: every later write waits for 'drain' forever.
  const stuck = new Writable({
    highWaterMark: 1,
    write() {
      /* never done */
    },
  });
  const metrics = new ServiceMetrics(
    {
      generation: () => 1,
      hosts: async () => [],
      flowStore: async () => ({ entries: 0, max: 1, dropped: 0, expired: 0 }),
    },
    { processMetrics: false },
  );
  const log = new RuleLog({ stream: stuck, maxQueue: 1000, onDrop: (sink, n) => metrics.ruleLogDropped(sink, n) });
  // 1,000 distinct connections and one group of a million alike ones (a report may say "new: 1000000").
  const lines = [
    ...Array.from({ length: 1000 }, (_, i) => ({ line: { ...sample, port: i + 1 }, count: 49 })),
    { line: sample, count: 1_000_000 },
  ];
  const t0 = performance.now();
  log.record(lines);
  const ms = performance.now() - t0;
  await new Promise((r) => setImmediate(r)); // one drain attempt: it takes a batch and then waits for good
  const stats = log.stats().stream;
  console.log(
    `rule log flood: 1,049,000 lines recorded in ${ms.toFixed(1)} ms against a stuck sink; pending ${stats.pending}, dropped ${stats.dropped}`,
  );
  expect(ms).toBeLessThan(5 * 200); // a synchronous write per line would hang here; 200 ms is generous for 1000 pushes
  expect(stats.pending).toBeLessThanOrEqual(1000);
  expect(stats.dropped).toBeGreaterThanOrEqual(1_049_000 - 1000);
  const text = await metrics.registry.metrics();
  expect(text).toMatch(new RegExp(`microseg_rule_log_dropped_total\\{sink="stream"\\} ${stats.dropped}\\b`));
  log.close();
});
