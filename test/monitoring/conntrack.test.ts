/** The conntrack and flow-counter parsers, on output captured from OVS 3.1 (userspace datapath). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConntrackDump, parseConntrackLine, type ConntrackEntry } from '../../service/agent/conntrack';
import { OpenFlowFramer, parseFlowStats } from '../../service/agent/openflow';
import { groupConnections, ObservationReporter, type ObservationDecoder } from '../../service/agent/reporter';
import type { ObservationReportT } from '../../service/model/observation';

const fixture = (f: string) => readFileSync(join(__dirname, 'fixtures', f), 'utf8');

describe('dpctl/dump-conntrack parser', () => {
  test('parses every entry of a -m -s dump: addresses, ports, zone, mark, labels', () => {
    const { entries, errors } = parseConntrackDump(fixture('dump-conntrack-m-s.txt'));
    expect(errors).toEqual([]);
    expect(entries).toHaveLength(6);
    const tcp = entries.find((e) => e.protocol === 'tcp' && e.dport === 5432)!;
    expect(tcp).toEqual({
      protocol: 'tcp',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 40000,
      dport: 5432,
      icmp_type: null,
      icmp_code: null,
      zone: 5,
      mark: 42,
      labels: 0x1000000020000000300000004n,
      state: 'ESTABLISHED',
    });
    const v6 = entries.find((e) => e.protocol === 'tcp' && e.dport === 443)!;
    expect([v6.src, v6.dst, v6.mark, v6.labels, v6.state]).toEqual(['fd00::1', 'fd00::2', 3, 0xffn, 'SYN_SENT']);
    const icmp = entries.find((e) => e.protocol === 'icmp')!;
    expect([icmp.icmp_type, icmp.icmp_code, icmp.sport, icmp.dport]).toEqual([8, 0, null, null]);
    const icmp6 = entries.find((e) => e.protocol === 'icmpv6')!;
    expect(icmp6.icmp_type).toBe(128);
    const unlabelled = entries.find((e) => e.zone === 7)!;
    expect([unlabelled.mark, unlabelled.labels]).toEqual([1, 0n]);
  });

  test('the plain format (no -m) gives the same tuples', () => {
    const plain = parseConntrackDump(fixture('dump-conntrack.txt')).entries.map((e) => [
      e.protocol,
      e.src,
      e.dst,
      e.sport,
      e.dport,
      e.zone,
      e.mark,
      e.labels,
    ]);
    const more = parseConntrackDump(fixture('dump-conntrack-m-s.txt')).entries.map((e) => [
      e.protocol,
      e.src,
      e.dst,
      e.sport,
      e.dport,
      e.zone,
      e.mark,
      e.labels,
    ]);
    expect(plain).toHaveLength(6);
    expect(new Set(plain.map(String))).toEqual(new Set(more.map(String)));
  });

  test('malformed lines are reported, not thrown; non-entry lines are skipped', () => {
    const text =
      'Connections Stats:\n\ntcp,orig=(src=10.0.0.1,dst=10.0.0.2,sport=1,dport=2,zone=3\ntcp,orig=(sport=1),zone=1\n';
    const { entries, errors } = parseConntrackDump(text);
    expect(entries).toEqual([]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/unbalanced/);
    expect(errors[1]).toMatch(/src\/dst/);
    expect(() => parseConntrackLine('garbage')).toThrow(/not a conntrack entry/);
  });

  test('a line seen in the last dump is reused, not parsed again; the result is the same as parsing afresh', () => {
    const text = fixture('dump-conntrack-m-s.txt');
    const first = new Map<string, ConntrackEntry>();
    const fresh = parseConntrackDump(text, undefined, first);
    expect(first.size).toBe(6);
    // One connection gone, one new: only the new line is parsed.
    const lines = text.split('\n').filter((l) => l.includes('orig=('));
    const changed = [...lines.slice(1), lines[0].replace('sport=', 'sport=1')].join('\n');
    const next = new Map<string, ConntrackEntry>();
    const again = parseConntrackDump(changed, first, next);
    expect(again.entries).toEqual(parseConntrackDump(changed).entries);
    expect(again.entries.filter((e) => fresh.entries.includes(e))).toHaveLength(5);
    expect([...next.keys()].sort()).toEqual(changed.split('\n').sort());
  });
});

describe('OpenFlow 1.3 flow-stats counters', () => {
  // The reply bodies of one OFPMP_FLOW request to a real bridge after injected packets (flow-stats-of13.hex),
  // and `ovs-ofctl -O OpenFlow13 dump-flows` of the same bridge right after (flow-stats-of13.txt).
  const body = Buffer.from(fixture('flow-stats-of13.hex').replace(/\s+/g, ''), 'hex');
  const fromText = fixture('flow-stats-of13.txt')
    .split('\n')
    .filter((l) => l.includes('cookie='))
    .map((l) => ({
      cookie: `0x${BigInt(/cookie=(0x[0-9a-f]+)/.exec(l)![1]).toString(16)}`,
      table: Number(/table=(\d+)/.exec(l)![1]),
      packets: Number(/n_packets=(\d+)/.exec(l)![1]),
      bytes: Number(/n_bytes=(\d+)/.exec(l)![1]),
    }));

  test('reads cookie, table, packets and bytes of every flow, as ovs-ofctl prints them', () => {
    const counters = parseFlowStats(body);
    expect(fromText).toHaveLength(6);
    expect(counters).toEqual(fromText);
    // A 64-bit cookie (the high bit set) is kept exactly.
    expect(counters.map((c) => c.cookie)).toContain('0x8000000100000005');
    expect(counters.reduce((s, c) => s + c.packets, 0)).toBeGreaterThan(0);
  });

  test('a truncated or inconsistent entry is an error naming the byte', () => {
    expect(() => parseFlowStats(body.subarray(0, body.length - 3))).toThrow(/at byte \d+/);
    const bad = Buffer.from(body);
    bad.writeUInt16BE(20, 0);
    expect(() => parseFlowStats(bad)).toThrow(/bad flow stats entry length 20 at byte 0/);
  });

  test('messages are framed by their header length however the stream is cut', () => {
    const msg = (type: number, payload: Buffer) => {
      const h = Buffer.alloc(8);
      h.writeUInt8(4, 0);
      h.writeUInt8(type, 1);
      h.writeUInt16BE(8 + payload.length, 2);
      return Buffer.concat([h, payload]);
    };
    const stream = Buffer.concat([msg(0, Buffer.alloc(0)), msg(19, body.subarray(0, 200)), msg(2, Buffer.from('hi'))]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const f = new OpenFlowFramer();
      const got = [...f.push(stream.subarray(0, cut)), ...f.push(stream.subarray(cut))];
      expect(got.map((m) => [m.readUInt8(1), m.length])).toEqual([
        [0, 8],
        [19, 208],
        [2, 10],
      ]);
    }
  });
});

describe('grouping a dump for a report', () => {
  const decoder: ObservationDecoder = {
    connection: (e) =>
      e.mark === 0
        ? null
        : {
            verdict: e.mark === 42 ? 'would-deny' : 'allow',
            rule: e.mark === 42 ? 'shop' : null,
            rule_kind: e.mark === 42 ? 'application' : null,
          },
    cookie: () => null,
  };

  test('groups by (src, dst, protocol, port, verdict, rule); a connection seen before is active, not new', () => {
    const { entries } = parseConntrackDump(fixture('dump-conntrack-m-s.txt'));
    const first = groupConnections(entries, decoder, new Set());
    expect(first.connections).toHaveLength(6);
    const pg = first.connections.find((c) => c.port === 5432)!;
    expect(pg).toMatchObject({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      protocol: 'tcp',
      verdict: 'would-deny',
      rule: 'shop',
      new: 1,
      active: 1,
    });
    expect(first.connections.find((c) => c.protocol === 'icmp')!.port).toBeNull();
    const second = groupConnections(entries, decoder, first.keys);
    expect(second.connections.every((c) => c.new === 0 && c.active === 1)).toBe(true);
  });

  test('entries the decoder does not claim are skipped; the group count is capped', () => {
    const { entries } = parseConntrackDump(fixture('dump-conntrack-m-s.txt'));
    const some = groupConnections(
      entries,
      { ...decoder, connection: (e) => (e.zone === 7 ? null : decoder.connection(e)) },
      new Set(),
      3,
    );
    expect(some.connections).toHaveLength(3);
    expect(some.skipped).toBe(3);
  });
});

describe('a quiet round sends nothing', () => {
  // The captured dumps stand for the bridge; what is tested is when the reporter sends.
  const decoder: ObservationDecoder = {
    connection: (e) => (e.mark === 0 ? null : { verdict: 'allow', rule: null, rule_kind: null }),
    cookie: (c) => (c === 0x100n ? { rule: 'shop', rule_kind: 'application' } : null),
  };
  test('no connection and the same counters: nothing sent until they change, connections appear, or the last report is old', async () => {
    let conntrack = '';
    let counters = [{ cookie: '0x100', table: 1, packets: 5, bytes: 500 }];
    const sent: ObservationReportT[] = [];
    const make = (quietMs?: number) =>
      new ObservationReporter({
        host: 'hv1',
        dumpConntrack: async () => conntrack,
        dumpCounters: async () => counters,
        decoder: () => decoder,
        send: async (_h, r) => void sent.push(r),
        quietMs,
      });
    const reporter = make();
    expect(await reporter.tick()).toBe(0); // the first report always goes
    expect(await reporter.tick()).toBeNull();
    expect(sent).toHaveLength(1);
    counters = [{ cookie: '0x100', table: 1, packets: 6, bytes: 600 }];
    expect(await reporter.tick()).toBe(0);
    expect(sent[1].counters).toEqual([
      { cookie: '0x100', rule: 'shop', rule_kind: 'application', packets: 6, bytes: 600 },
    ]);
    conntrack = fixture('dump-conntrack-m-s.txt');
    expect(await reporter.tick()).toBeGreaterThan(0);
    expect(await reporter.tick()).toBeGreaterThan(0); // still active connections: reported
    expect(sent).toHaveLength(4);
    conntrack = '';
    const resending = make(0);
    await resending.tick();
    expect(await resending.tick()).toBe(0); // the last report is "old" at once: sent again
  });
});
