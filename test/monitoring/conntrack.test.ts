/** The conntrack and flow-counter parsers, on output captured from OVS 3.1 (userspace datapath). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConntrackDump, parseConntrackLine, parseFlowCounters } from '../../service/agent/conntrack';
import { groupConnections, type ObservationDecoder } from '../../service/agent/reporter';

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
});

describe('dump-flows counters', () => {
  test('reads cookie, table, packets and bytes of every flow', () => {
    const counters = parseFlowCounters(fixture('dump-flows.txt'));
    expect(counters.length).toBe(7);
    expect(counters.every((c) => c.cookie === '0x0')).toBe(true);
    expect(counters.reduce((s, c) => s + c.packets, 0)).toBe(15);
    expect(
      parseFlowCounters(' cookie=0x00AB, duration=1s, table=3, n_packets=7, n_bytes=700, priority=1 actions=drop'),
    ).toEqual([{ cookie: '0xab', table: 3, packets: 7, bytes: 700 }]);
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
