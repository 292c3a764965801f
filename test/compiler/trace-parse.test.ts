/**
 * The trace parser and the verdict it reads, on `ofproto/trace` outputs
 * captured from the compiled three-tier policy (apply) on a dummy OVS:
 * fixtures/trace-*.txt (web1, app1 on one host; app2 on the other; shop is rule 3).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  agrees,
  bridgeVerdict,
  nameHops,
  packetMatch,
  parseTrace,
  sideDisagreement,
  traceInvocation,
} from '../../service/compiler/trace';
import { explain } from '../../service/policy/explain';
import { threeTier } from '../policy/fixtures';

const fixture = (name: string) => parseTrace(readFileSync(join(__dirname, 'fixtures', `trace-${name}.txt`), 'utf8'));
const snapshot = threeTier('apply');

test('a local allowed connection: every table by name, both commits, forwarded', () => {
  const t = fixture('local-allow');
  expect(t.forwarded).toBe(true);
  expect(t.hops.map((h) => h.name)).toEqual([
    'CLASSIFY',
    'SPOOF',
    'EGRESS_CT',
    'EGRESS_STATE',
    'EGRESS_SETS',
    'EGRESS_QUARANTINE',
    'EGRESS_SHARED',
    'EGRESS_ISOLATION',
    'EGRESS_APPLICATION',
    'EGRESS_COMMIT',
    'DISPATCH',
    'INGRESS_CT',
    'INGRESS_STATE',
    'INGRESS_SETS',
    'INGRESS_QUARANTINE',
    'INGRESS_SHARED',
    'INGRESS_ISOLATION',
    'INGRESS_APPLICATION',
    'INGRESS_COMMIT',
  ]);
  const app = t.hops.find((h) => h.name === 'EGRESS_APPLICATION')!;
  expect(app).toMatchObject({ table: 33, matched: true, priority: 1001, cookie: '0x4d53030000000003' });
  expect(app.actions).toEqual(['load:0xd->NXM_NX_REG2[]', 'load:0x3->NXM_NX_REG3[]', 'goto_table:39']);
  expect(nameHops(snapshot, t).find((h) => h.table === 53)!.rule).toEqual({
    kind: 'application_rule',
    name: 'shop',
    id: 3,
  });
  expect(t.commits.map((c) => c.zone)).toEqual([4, 2]);
  const seen = bridgeVerdict([t]);
  expect(seen).toEqual({ verdict: 'allow', layer: 'application', ruleId: 3, droppedAt: null });
  const expected = explain(snapshot, { src: 'web1', dst: 'app1', protocol: 'tcp', port: 8080 });
  expect(agrees(snapshot, expected, seen)).toBe(true);
  // The same trace against a deny: they disagree.
  expect(agrees(snapshot, explain(snapshot, { src: 'web1', dst: 'app1', protocol: 'tcp', port: 22 }), seen)).toBe(
    false,
  );
});

test('a local denied connection: dropped in INGRESS_COMMIT with the deny mark and the rule', () => {
  const t = fixture('local-deny');
  expect(t.forwarded).toBe(false);
  const seen = bridgeVerdict([t]);
  expect(seen).toEqual({ verdict: 'deny', layer: 'application', ruleId: 3, droppedAt: 'INGRESS_COMMIT' });
  expect(agrees(snapshot, explain(snapshot, { src: 'web1', dst: 'app1', protocol: 'tcp', port: 22 }), seen)).toBe(true);
});

test('a connection across hosts: egress then ingress make one verdict; each end alone is consistent', () => {
  const egress = fixture('egress-allow');
  const ingress = fixture('ingress-allow');
  expect(egress.hops[egress.hops.length - 1].name).toBe('DISPATCH');
  expect(ingress.hops[0]).toMatchObject({ name: 'CLASSIFY', table: 0 });
  const expected = explain(snapshot, { src: 'web1', dst: 'app2', protocol: 'tcp', port: 8080 });
  expect(agrees(snapshot, expected, bridgeVerdict([egress, ingress]))).toBe(true);
  expect(sideDisagreement(expected, egress)).toBeNull();
  expect(sideDisagreement(expected, ingress)).toBeNull();
});

test('a bridge without flows: a table-miss drop, no verdict mark, disagreeing with an allow', () => {
  const t = fixture('no-flows');
  expect(t.hops).toEqual([
    { table: 0, name: 'CLASSIFY', matched: false, match: '', priority: null, cookie: null, actions: ['drop'] },
  ]);
  const seen = bridgeVerdict([t]);
  expect(seen).toEqual({ verdict: 'deny', layer: null, ruleId: null, droppedAt: 'CLASSIFY' });
  const expected = explain(snapshot, { src: 'web1', dst: 'app2', protocol: 'tcp', port: 8080 });
  expect(agrees(snapshot, expected, seen)).toBe(false);
  expect(sideDisagreement(expected, t)).toBe('this end drops it');
});

test('not a trace output is an error', () => {
  expect(() => parseTrace('ovs-appctl: no such bridge')).toThrow(/Datapath actions/);
});

test('the trace an end runs: in_port, source MAC, packet and conntrack states', () => {
  const hosts = { ...snapshot, hosts: snapshot.hosts.map((h) => ({ ...h, uplinks: ['up0'] })) };
  const e = (n: string) => hosts.entities.find((x) => x.name === n)!;
  const web1 = e('web1');
  const app2 = e('app2');
  const packet = { srcIp: web1.ips[0], dstIp: app2.ips[0], protocol: 'tcp', port: 8080 };
  const portsA = { [web1.port]: 4, up0: 1 };
  expect(traceInvocation(hosts, web1.host, portsA, web1, app2, packet)).toEqual({
    role: 'egress',
    flow: `in_port=4,dl_src=${web1.mac},tcp,nw_src=10.0.0.11,nw_dst=10.0.0.22,tcp_src=40000,tcp_dst=8080`,
    ctNext: ['trk,new'],
  });
  expect(traceInvocation(hosts, app2.host, { [app2.port]: 7, up0: 1 }, web1, app2, packet).flow).toBe(
    'in_port=1,tcp,nw_src=10.0.0.11,nw_dst=10.0.0.22,tcp_src=40000,tcp_dst=8080',
  );
  expect(() => traceInvocation(hosts, app2.host, { up0: 1 }, web1, app2, packet)).toThrow(/not on the bridge/);
  expect(packetMatch({ srcIp: 'fd00::1', dstIp: 'fd00::2', protocol: 'udp', port: 53 })).toBe(
    'udp6,ipv6_src=fd00::1,ipv6_dst=fd00::2,udp_src=40000,udp_dst=53',
  );
});
