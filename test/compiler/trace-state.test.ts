/**
 * Trace tests of the stateful and L2 parts of the pipeline: established
 * connections re-checked against the current policy (a revoked allow is cut,
 * monitor → apply closes would-deny connections), replies and related
 * traffic, invalid packets, anti-spoofing, ARP/ND/DHCP, foreign ports.
 */
import type { ExplainQuery } from '../../service/policy/explain';
import { decodeMark } from '../../service/compiler/pipeline';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { parseTrace } from '../../service/compiler/trace';
import { threeTier } from '../policy/fixtures';
import {
  dummyPool,
  checkSamples,
  describeMismatches,
  loadHosts,
  planHosts,
  planSample,
  UPLINK_OFPORT,
  type HostPlan,
} from './trace-harness';

const lab = dummyPool('s', 2);

async function load(s: PolicySnapshot): Promise<Map<string, HostPlan>> {
  const plans = planHosts(s, lab.pool.bridges);
  await loadHosts(lab.ovs, plans);
  return plans;
}

/** threeTier without the web → app entry: connections web → app:8080 become denied. */
function revoked(): PolicySnapshot {
  const s = threeTier();
  s.application_rules[0].inbound = s.application_rules[0].inbound.slice(1);
  return s;
}

const webToApp: ExplainQuery = { src: 'web1', dst: 'app1', protocol: 'tcp', port: 8080 };
const webToAppRemote: ExplainQuery = { src: 'web1', dst: 'app2', protocol: 'tcp', port: 8080 };

async function traceOne(plans: Map<string, HostPlan>, s: PolicySnapshot, q: ExplainQuery, state: string) {
  const sample = planSample(s, plans, q, state)!;
  const texts = await lab.ovs.traceMany(sample.steps.map((st) => st.request));
  return { sample, outcomes: texts.map(parseTrace), texts };
}

describe('established connections are re-checked against the current policy', () => {
  test('allowed before, revoked now: the next packet in the original direction is dropped and the connection marked blocked', async () => {
    for (const q of [webToApp, webToAppRemote]) {
      const before = threeTier();
      let plans = await load(before);
      const allowed = await traceOne(plans, before, q, 'trk,est');
      expect(allowed.outcomes.every((o) => o.forwarded)).toBe(true);
      expect(allowed.outcomes.flatMap((o) => o.commits).map((c) => decodeMark(c.mark!).verdict)).toEqual([
        'allow',
        'allow',
      ]);

      const after = revoked();
      plans = await load(after);
      const cut = await traceOne(plans, after, q, 'trk,est');
      const last = cut.outcomes[cut.outcomes.length - 1];
      expect(last.forwarded).toBe(false);
      // The ingress side re-commits the connection as blocked, so its replies are dropped too.
      expect(last.commits.map((c) => decodeMark(c.mark!))).toContainEqual({
        verdict: 'deny',
        layer: 'application',
        side: 'ingress',
      });
      // And the whole sweep of established traces matches explain() for the new policy.
      const samples = ['tcp', 'udp'].flatMap((protocol) =>
        [8080, 5432, 443].map((port) =>
          planSample(after, plans, { ...q, protocol: protocol as 'tcp', port }, 'trk,est')!,
        ),
      );
      const mismatches = await checkSamples(lab.ovs, lab.pool, samples);
      if (mismatches.length) throw new Error(describeMismatches(after, mismatches));
    }
  });

  test('monitor → apply turns forwarded would-deny connections into dropped ones', async () => {
    const q: ExplainQuery = { src: 'web1', dst: 'db1', protocol: 'tcp', port: 5432 };
    const monitor = threeTier('monitor');
    let plans = await load(monitor);
    const before = await traceOne(plans, monitor, q, 'trk,est');
    expect(before.outcomes.every((o) => o.forwarded)).toBe(true);
    expect(before.outcomes.flatMap((o) => o.commits).some((c) => decodeMark(c.mark!).verdict === 'would-deny')).toBe(
      true,
    );
    const apply = threeTier('apply');
    plans = await load(apply);
    const after = await traceOne(plans, apply, q, 'trk,est');
    expect(after.outcomes.some((o) => !o.forwarded)).toBe(true);
  });

  test('replies pass without a rule of their own unless blocked; invalid is dropped; related passes', async () => {
    const s = revoked();
    const plans = await load(s);
    const a = plans.get('ha')!;
    const app1 = a.ports['p-app1'];
    const web1 = a.ports['p-web1'];
    // app1 answering web1's (earlier allowed) connection: no rule allows app1 → web1:40000 as a new connection.
    const reply = `in_port=${app1},dl_src=02:00:00:00:00:21,tcp,nw_src=10.0.0.21,nw_dst=10.0.0.11,tcp_src=8080,tcp_dst=40000`;
    const asNew = parseTrace(await lab.ovs.trace({ bridge: a.bridge, flow: reply, ctNext: ['trk,new', 'trk,new'] }));
    expect(asNew.forwarded).toBe(false);
    const asReply = parseTrace(
      await lab.ovs.trace({ bridge: a.bridge, flow: reply, ctNext: ['trk,est,rpl', 'trk,est,rpl'] }),
    );
    expect(asReply.outputs.map((p) => lab.pool.ofportOf.get(a.bridge)!.get(p))).toEqual([web1]);
    expect(asReply.commits).toEqual([]); // replies are not re-committed
    // A connection a re-check marked blocked (ct_mark verdict 3) passes no more replies.
    const blocked = parseTrace(
      await lab.ovs.trace({
        bridge: a.bridge,
        flow: reply.replace('tcp,', 'ct_mark=0x3,tcp,'),
        ctNext: ['trk,est,rpl', 'trk,est,rpl'],
      }),
    );
    expect(blocked.forwarded).toBe(false);
    const wouldDeny = parseTrace(
      await lab.ovs.trace({
        bridge: a.bridge,
        flow: reply.replace('tcp,', 'ct_mark=0x2,tcp,'),
        ctNext: ['trk,est,rpl', 'trk,est,rpl'],
      }),
    );
    expect(wouldDeny.forwarded).toBe(true);
    const invalid = parseTrace(await lab.ovs.trace({ bridge: a.bridge, flow: reply, ctNext: ['trk,inv'] }));
    expect(invalid.forwarded).toBe(false);
    const related = parseTrace(
      await lab.ovs.trace({
        bridge: a.bridge,
        flow: `in_port=${app1},dl_src=02:00:00:00:00:21,icmp,nw_src=10.0.0.21,nw_dst=10.0.0.11,icmp_type=3,icmp_code=3`,
        ctNext: ['trk,rel', 'trk,rel'],
      }),
    );
    expect(related.forwarded).toBe(true);
    // From the network, a reply to a local VM passes the same way.
    const fromUplink = parseTrace(
      await lab.ovs.trace({
        bridge: a.bridge,
        flow: `in_port=${UPLINK_OFPORT},tcp,nw_src=10.0.0.22,nw_dst=10.0.0.11,tcp_src=8080,tcp_dst=40000`,
        ctNext: ['trk,est,rpl'],
      }),
    );
    expect(fromUplink.forwarded).toBe(true);
  });
});

describe('classification and anti-spoofing', () => {
  let plans: Map<string, HostPlan>;
  let bridge: string;
  let web1: number;
  const MAC = '02:00:00:00:00:11';
  const run = async (flow: string, ctNext = ['trk,new', 'trk,new']) =>
    parseTrace(await lab.ovs.trace({ bridge, flow, ctNext }));

  beforeAll(async () => {
    plans = await load(threeTier());
    bridge = plans.get('ha')!.bridge;
    web1 = plans.get('ha')!.ports['p-web1'];
  });

  test("only the entity's own MAC and IPs leave its port", async () => {
    const ok = `in_port=${web1},dl_src=${MAC},udp,nw_src=10.0.0.11,nw_dst=8.8.8.8,udp_src=5000,udp_dst=53`;
    expect((await run(ok, ['trk,new'])).forwarded).toBe(true);
    expect((await run(ok.replace('nw_src=10.0.0.11', 'nw_src=10.0.0.21'), ['trk,new'])).forwarded).toBe(false);
    expect((await run(ok.replace(MAC, '02:00:00:00:00:99'), ['trk,new'])).forwarded).toBe(false);
    const v6 = `in_port=${web1},dl_src=${MAC},udp6,ipv6_src=fd00::11,ipv6_dst=fd00::21,udp_src=5000,udp_dst=53`;
    expect((await run(v6.replace('ipv6_src=fd00::11', 'ipv6_src=fd00::99'))).forwarded).toBe(false);
  });

  test("ARP, ND and DHCP for the entity's own addresses go to NORMAL; for others they are dropped", async () => {
    const arp = (spa: string) =>
      `in_port=${web1},dl_src=${MAC},dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=${spa},arp_sha=${MAC},arp_tpa=10.0.0.21`;
    expect((await run(arp('10.0.0.11'), [])).forwarded).toBe(true);
    expect((await run(arp('10.0.0.21'), [])).forwarded).toBe(false);
    const dhcp = `in_port=${web1},dl_src=${MAC},dl_dst=ff:ff:ff:ff:ff:ff,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=67`;
    expect((await run(dhcp, [])).forwarded).toBe(true);
    const ns = `in_port=${web1},dl_src=${MAC},icmp6,ipv6_src=fe80::11,ipv6_dst=ff02::1:ff00:21,icmpv6_type=135,icmpv6_code=0,nd_target=fd00::21`;
    expect((await run(ns, [])).forwarded).toBe(true);
    const na = (target: string) =>
      `in_port=${web1},dl_src=${MAC},icmp6,ipv6_src=fd00::11,ipv6_dst=fd00::21,icmpv6_type=136,icmpv6_code=0,nd_target=${target}`;
    expect((await run(na('fd00::11'), [])).forwarded).toBe(true);
    expect((await run(na('fd00::21'), [])).forwarded).toBe(false);
  });

  test('a port that is neither an entity nor an uplink is dropped; from the uplink only local destinations get in', async () => {
    expect((await run(`in_port=15,tcp,nw_src=10.0.0.11,nw_dst=10.0.0.21,tcp_src=1,tcp_dst=8080`)).forwarded).toBe(
      false,
    );
    expect(
      (await run(`in_port=15,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=10.0.0.99,arp_tpa=10.0.0.21`, [])).forwarded,
    ).toBe(false);
    expect(
      (await run(`in_port=${UPLINK_OFPORT},tcp,nw_src=10.0.0.12,nw_dst=10.0.0.99,tcp_src=1,tcp_dst=80`, ['trk,new']))
        .forwarded,
    ).toBe(false);
    expect(
      (
        await run(
          `in_port=${UPLINK_OFPORT},dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=10.0.0.12,arp_tpa=10.0.0.11`,
          [],
        )
      ).forwarded,
    ).toBe(true);
  });
});
