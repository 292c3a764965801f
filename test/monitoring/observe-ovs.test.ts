/**
 * The agent-side reporter against a real Open vSwitch (userspace datapath,
 * dummy ports, no root): packets injected with netdev-dummy/receive create real
 * conntrack entries carrying ct_mark/ct_label; the reporter dumps them and the
 * flow counters, and the service shows them in /v1/flows and the rule's hits.
 *
 * The ct_mark/ct_label encoding here is this test's own (verdict in the mark,
 * rule index in the label): it stands for the compiler's, which the lab test
 * exercises; what is tested is reading real conntrack and counters end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startOvsdb, startVswitchd, stopOvsdb, stopVswitchd, vsctl } from '../../lab/ovs';
import { startService, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { ObservationReporter, ovsDumpers, type ObservationDecoder } from '../../service/agent/reporter';
import { vswitchdControl } from '../../service/agent/unixctl';
import { httpLink } from '../../service/agent/http-link';

const BRIDGE = 'br.microseg';
let rundir: string;
let svc: TestService;

const VERDICT_BY_MARK = { 1: 'allow', 2: 'would-deny', 3: 'deny' } as const;
const RULES = ['shop'];
const decoder: ObservationDecoder = {
  connection: (e) => {
    const verdict = VERDICT_BY_MARK[e.mark as 1 | 2 | 3];
    if (!verdict) return null;
    const idx = Number(e.labels & 0xffffffffn);
    return { verdict, rule: idx ? RULES[idx - 1] : null, rule_kind: idx ? 'application' : null };
  },
  cookie: (c) =>
    c >= 0x100n && c < 0x100n + BigInt(RULES.length + 1)
      ? { rule: c === 0x100n ? null : RULES[Number(c - 0x101n)], rule_kind: c === 0x100n ? null : 'application' }
      : null,
};

const FLOWS = [
  'cookie=0x100,table=0,priority=10,ip,in_port=1,actions=ct(zone=1,table=1)',
  'cookie=0x100,table=1,priority=30,ct_state=+trk+est,ip,actions=output:2',
  // monitor rule "shop" would deny web → db:5432: forwarded, committed as would-deny
  'cookie=0x101,table=1,priority=20,ct_state=+trk+new,tcp,nw_dst=10.0.0.31,tp_dst=5432,actions=ct(commit,zone=1,exec(set_field:2->ct_mark,set_field:1->ct_label)),output:2',
  // applied rule denies :22: committed in the deny zone 9, then dropped (no output)
  'cookie=0x101,table=1,priority=20,ct_state=+trk+new,tcp,tp_dst=22,actions=ct(commit,zone=9,exec(set_field:3->ct_mark,set_field:1->ct_label))',
  'cookie=0x100,table=1,priority=10,ct_state=+trk+new,ip,actions=ct(commit,zone=1,exec(set_field:1->ct_mark)),output:2',
];

const syn = (src: string, dst: string, sport: number, dport: number) =>
  `eth(src=02:00:00:00:00:11,dst=02:00:00:00:00:31),eth_type(0x0800),ipv4(src=${src},dst=${dst},proto=6,tos=0,ttl=64,frag=no),tcp(src=${sport},dst=${dport}),tcp_flags(syn)`;

beforeAll(async () => {
  rundir = mkdtempSync(join(tmpdir(), `e-obs-${process.pid}-`));
  await startOvsdb(undefined, rundir);
  await startVswitchd(undefined, rundir, ['--enable-dummy=override']);
  await vsctl(rundir, [
    'add-br',
    BRIDGE,
    '--',
    'set',
    'bridge',
    BRIDGE,
    'datapath_type=dummy',
    'fail-mode=secure',
    '--',
    'add-port',
    BRIDGE,
    'p1',
    '--',
    'set',
    'interface',
    'p1',
    'type=dummy',
    'ofport_request=1',
    '--',
    'add-port',
    BRIDGE,
    'p2',
    '--',
    'set',
    'interface',
    'p2',
    'type=dummy',
    'ofport_request=2',
  ]);
  for (const f of FLOWS) await run('ovs-ofctl', ['-O', 'OpenFlow15', 'add-flow', `unix:${rundir}/${BRIDGE}.mgmt`, f]);

  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: 1000, retentionMs: 3_600_000 })] });
  for (const [path, body] of [
    ['/v1/categories', { name: 'AppTier', values: ['web', 'db'] }],
    ['/v1/hosts', { name: 'hv1' }],
    ['/v1/entities', { name: 'web-1', host: 'hv1', port: 'p1', ips: ['10.0.0.11'], categories: { AppTier: 'web' } }],
    ['/v1/entities', { name: 'db-1', host: 'hv1', port: 'p2', ips: ['10.0.0.31'], categories: { AppTier: 'db' } }],
    [
      '/v1/application-rules',
      { name: 'shop', mode: 'monitor', target: { categories: { AppTier: ['db'] } }, inbound: [] },
    ],
  ] as const) {
    const r = await svc.api('POST', path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}, 60_000);

afterAll(async () => {
  await svc?.close();
  if (rundir) {
    await stopVswitchd(rundir);
    await stopOvsdb(rundir);
    rmSync(rundir, { recursive: true, force: true });
  }
});

test('connections from real conntrack (would-deny, deny, allow) and per-rule counters reach /v1/flows and the hits', async () => {
  const ctl = vswitchdControl(rundir);
  const inject = (pkt: string) => run('ovs-appctl', ['-t', ctl, 'netdev-dummy/receive', 'p1', pkt]);
  const reporter = new ObservationReporter({
    host: 'hv1',
    ...ovsDumpers(BRIDGE, rundir),
    decoder: () => decoder,
    send: httpLink({ services: [svc.url], token: svc.agentToken('hv1') }).reportObservations,
  });

  const t0 = Date.now();
  await inject(syn('10.0.0.11', '10.0.0.31', 40000, 5432));
  await inject(syn('10.0.0.11', '10.0.0.31', 40001, 22));
  await inject(syn('10.0.0.11', '10.0.0.31', 40002, 80));
  expect(await reporter.tick()).toBe(3);
  const flows = (await svc.api('GET', '/v1/flows?entity=db-1')).body.items as {
    port: number;
    verdict: string;
    rule: string | null;
    count: number;
    source: string;
  }[];
  const elapsed = Date.now() - t0;
  expect(flows.map((f) => `${f.source}:${f.port}:${f.verdict}:${f.rule}:${f.count}`).sort()).toEqual([
    'web-1:22:deny:shop:1',
    'web-1:5432:would-deny:shop:1',
    'web-1:80:allow:null:1',
  ]);
  process.stdout.write(
    `three observations reported and queryable in ${elapsed} ms (promise 1000, bound ${margin(1000)})\n`,
  );
  expect(elapsed).toBeLessThan(margin(1000));

  // The same connections again: active, not counted twice; a new attempt is counted.
  await inject(syn('10.0.0.11', '10.0.0.31', 40003, 5432));
  await reporter.tick();
  let hits = (await svc.api('GET', '/v1/application-rules/shop/hits')).body;
  expect(hits.connections).toEqual({ allow: 0, deny: 1, 'would-deny': 2 });
  // Counters by cookie, read by an OpenFlow flow-stats request: 0x101 matched three first packets (5432 twice, 22 once).
  // OVS updates flow statistics lazily (revalidator, about every 500 ms): poll a few ticks.
  hits = (
    await eventually(
      'the rule counters reach 3 packets',
      async () => {
        await reporter.tick();
        const h = (await svc.api('GET', '/v1/application-rules/shop/hits')).body;
        return h.packets >= 3 && h;
      },
      { timeoutMs: margin(1000), intervalMs: 250 },
    ).catch(() => ({ value: hits }))
  ).value;
  expect(hits.packets).toBe(3);
  expect(hits.connections).toEqual({ allow: 0, deny: 1, 'would-deny': 2 }); // re-reporting counted nothing twice
  expect(hits.counters).toEqual([expect.objectContaining({ host: 'hv1', cookie: '0x101', rule: 'shop' })]);
}, 60_000);
