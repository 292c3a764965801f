/** entriesToCut (service/agent/revoke.ts): which conntrack entries a new policy revokes. Pure, no OVS. */
import { entriesToCut } from '../../service/agent/revoke';
import { parseConntrackDump } from '../../service/agent/conntrack';
import { iso, inb, outb, threeTier } from '../policy/fixtures';
import type { PolicySnapshot, SnapshotApplicationRule } from '../../service/model/snapshot';

// Host ha of the fixture holds web1 (10.0.0.11), app1 (10.0.0.21), db1 (10.0.0.31).
const PORTS = { 'p-web1': 1, 'p-app1': 2, 'p-db1': 3, up: 9 };

const tcp = (src: string, dst: string, sport: number, dport: number, zone: number) =>
  `tcp,orig=(src=${src},dst=${dst},sport=${sport},dport=${dport}),reply=(src=${dst},dst=${src},sport=${dport},dport=${sport}),zone=${zone},mark=1,protoinfo=(state=ESTABLISHED)`;
const udp = (src: string, dst: string, sport: number, dport: number, zone: number) =>
  `udp,orig=(src=${src},dst=${dst},sport=${sport},dport=${dport}),reply=(src=${dst},dst=${src},sport=${dport},dport=${sport}),zone=${zone},mark=1`;
const icmp = (src: string, dst: string, type: number, zone: number) =>
  `icmp,orig=(src=${src},dst=${dst},id=7,type=${type},code=0),reply=(src=${dst},dst=${src},id=7,type=0,code=0),zone=${zone},mark=1`;

const cut = (lines: string[], snapshot = threeTier('apply')) =>
  entriesToCut(snapshot, 'ha', PORTS, parseConntrackDump(lines.join('\n')).entries);

/** The fixture with its shop rule changed by `edit`. */
function withShop(edit: (rule: SnapshotApplicationRule) => Partial<SnapshotApplicationRule>): PolicySnapshot {
  const s = threeTier('apply');
  return { ...s, application_rules: s.application_rules.map((r) => ({ ...r, ...edit(r) })) };
}
const tier = (...t: string[]) => ({ categories: { AppTier: t } });
// app1 (zone 2) → db1 (zone 3) udp 5000 → 53, both on ha: its entry in both zones.
const appToDb = [udp('10.0.0.21', '10.0.0.31', 5000, 53, 2), udp('10.0.0.21', '10.0.0.31', 5000, 53, 3)];
const inZone = (zone: number) => ({
  zone,
  tuple: 'ct_nw_src=10.0.0.21,ct_nw_dst=10.0.0.31,ct_nw_proto=17,ct_tp_src=5000,ct_tp_dst=53',
});
/** db's egress lists nothing (db1 → app1:5000 denied there), app's ingress takes any UDP from db. */
const dbEgressOnly = (r: SnapshotApplicationRule, appEgress: object[]) => ({
  inbound: [...r.inbound, inb({ from: tier('db'), to: tier('app'), services: [{ protocol: 'udp' }] })],
  outbound: [outb({ from: tier('web'), to: { categories: { AppType: ['shop'] } } }), ...(appEgress as never[])],
});

describe('entriesToCut', () => {
  test("cuts a denied UDP entry where this zone's side denies the reverse, with its exact original tuple", () => {
    // web1 → db1 udp/53: db takes only tcp/5432 from app; db1 → web1:5000 is denied by web1's ingress (its zone
    // is cut), allowed by db1's egress (kept: db1's next datagram would make the entry again backwards).
    expect(
      cut([
        udp('10.0.0.11', '10.0.0.31', 5000, 53, 3), // db1's zone: the responder keeps the connection's direction
        udp('10.0.0.11', '10.0.0.31', 5000, 53, 1), // web1's zone: the initiator's
        udp('fd00::11', 'fd00::31', 5000, 53, 3),
        udp('fd00::11', 'fd00::31', 5000, 53, 1),
      ]),
    ).toEqual([
      { zone: 1, tuple: 'ct_nw_src=10.0.0.11,ct_nw_dst=10.0.0.31,ct_nw_proto=17,ct_tp_src=5000,ct_tp_dst=53' },
      { zone: 1, tuple: 'ct_ipv6_src=fd00::11,ct_ipv6_dst=fd00::31,ct_nw_proto=17,ct_tp_src=5000,ct_tp_dst=53' },
    ]);
  });

  test("UDP denied at the responder's ingress, the reverse denied by the responder's egress only: cut in the responder's zone, kept in the initiator's", () => {
    // app1's ingress takes db1 → app1:5000: a cut in app1's zone would let db1's next datagram make it again backwards.
    expect(
      cut(
        appToDb,
        withShop((r) => dbEgressOnly(r, [outb({ from: tier('app'), to: tier('db') })])),
      ),
    ).toEqual([inZone(3)]);
  });

  test("UDP denied at the initiator's egress, its ingress taking the reverse: cut in the responder's zone only", () => {
    // app1's egress lists web only; db takes udp/53 from app. A cut in app1's zone would make app1's own datagrams
    // replies there (never re-checked) once db1's next one made the entry again.
    const snapshot = withShop((r) => ({
      ...dbEgressOnly(r, [outb({ from: tier('app'), to: tier('web') })]),
      inbound: [
        ...dbEgressOnly(r, []).inbound,
        inb({ from: tier('app'), to: tier('db'), services: [{ protocol: 'udp', ports: ['53'] }] }),
      ],
    }));
    expect(cut(appToDb, snapshot)).toEqual([inZone(3)]);
  });

  test('UDP both sides deny both ways (isolation): cut in both zones', () => {
    const s = threeTier('apply');
    const snapshot = {
      ...s,
      isolation_rules: [...s.isolation_rules, iso('app-db', 'apply', { AppTier: ['app'] }, { AppTier: ['db'] })],
    };
    expect(cut(appToDb, snapshot)).toEqual([inZone(2), inZone(3)]);
  });

  test('UDP whose reverse is allowed on both sides is kept: the responder may send it as a connection of its own', () => {
    // db's egress takes any shop peer (the fixture), app's ingress takes UDP from db; app → db udp/53 is denied.
    const snapshot = withShop((r) => ({
      inbound: [...r.inbound, inb({ from: tier('db'), to: tier('app'), services: [{ protocol: 'udp' }] })],
    }));
    expect(cut(appToDb, snapshot)).toEqual([]);
  });

  test('an external initiator: cut in the responder zone when the reverse is denied, kept when it is allowed', () => {
    expect(
      cut([
        udp('192.168.60.1', '10.0.0.11', 5000, 53, 1), // web1 → 192.168.60.1:5000 is not listed either
        udp('192.168.60.1', '10.0.0.11', 53, 5000, 1), // web1 may send to any udp/53: cutting would reopen it from web1
      ]),
    ).toEqual([
      { zone: 1, tuple: 'ct_nw_src=192.168.60.1,ct_nw_dst=10.0.0.11,ct_nw_proto=17,ct_tp_src=5000,ct_tp_dst=53' },
    ]);
  });

  test('TCP is never cut: the re-check of its initiator’s next segment drops it, and a cut would let Open vSwitch pick it up mid-stream in reverse', () => {
    expect(
      cut([
        tcp('10.0.0.11', '10.0.0.31', 40001, 5432, 3), // web → db 5432: denied
        tcp('10.0.0.11', '10.0.0.31', 40001, 5432, 1),
        tcp('192.168.60.1', '10.0.0.11', 40000, 443, 1), // not the office
      ]),
    ).toEqual([]);
  });

  test('leaves DENY_ZONE, uplink and unknown zones alone, and merges duplicates', () => {
    const denied = udp('10.0.0.11', '10.0.0.31', 5000, 53, 0);
    expect(cut([65535, 9, 4].map((z) => denied.replace('zone=0', `zone=${z}`)))).toEqual([]);
    expect(cut([udp('10.0.0.11', '10.0.0.31', 5000, 53, 1), udp('10.0.0.11', '10.0.0.31', 5000, 53, 1)])).toHaveLength(
      1,
    );
  });

  test('already blocked (ct_mark verdict 3) needs no cut', () => {
    const denied = udp('10.0.0.11', '10.0.0.31', 5000, 53, 1);
    expect(cut([denied.replace('mark=1', 'mark=19')])).toEqual([]);
    expect(cut([denied.replace('mark=1', 'mark=2')])).toHaveLength(1); // would-deny before: cut now
  });

  test('would-deny (monitor) and allow keep the connection', () => {
    expect(cut([udp('10.0.0.11', '10.0.0.31', 5000, 53, 1)], threeTier('monitor'))).toEqual([]);
    expect(cut([udp('10.0.0.11', '8.8.8.8', 5000, 53, 1)])).toEqual([]); // web → anywhere udp/53 is listed
  });

  test('ICMP in every zone (a reply cannot open a connection)', () => {
    expect(
      cut([
        icmp('10.0.0.21', '10.0.0.31', 8, 3), // echo between shop VMs: allowed
        icmp('10.0.0.21', '10.0.0.31', 13, 3), // timestamp: not listed
        icmp('10.0.0.21', '10.0.0.31', 13, 2),
      ]),
    ).toEqual([
      { zone: 3, tuple: 'ct_nw_src=10.0.0.21,ct_nw_dst=10.0.0.31,ct_nw_proto=1,icmp_type=13,icmp_code=0,icmp_id=7' },
      { zone: 2, tuple: 'ct_nw_src=10.0.0.21,ct_nw_dst=10.0.0.31,ct_nw_proto=1,icmp_type=13,icmp_code=0,icmp_id=7' },
    ]);
  });

  test('ICMPv6 (its flush crashes ovs-vswitchd 3.1.0) and protocols explain() cannot judge are left alone', () => {
    expect(
      cut([
        'icmpv6,orig=(src=fd00::21,dst=fd00::31,id=7,type=129,code=0),reply=(src=fd00::31,dst=fd00::21,id=7,type=130,code=0),zone=3',
      ]),
    ).toEqual([]);
    expect(
      cut([
        'sctp,orig=(src=10.0.0.11,dst=10.0.0.31,sport=1,dport=2),reply=(src=10.0.0.31,dst=10.0.0.11,sport=2,dport=1),zone=3',
      ]),
    ).toEqual([]);
  });
});
