/** The compiler as a pure function: determinism, conjunction growth, port masks, cookies and encodings. */
import fc from 'fast-check';
import { compileHost, ruleForCookie } from '../../service/compiler';
import { portMasks } from '../../service/compiler/port-masks';
import { decodeCookie, decodeLabel, decodeMark, encodeMark } from '../../service/compiler/pipeline';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { app, ent, inb, snap, threeTier } from '../policy/fixtures';
import { policyArb } from '../support/arbitraries';

const PORTS_A = { up: 1, 'p-web1': 2, 'p-app1': 3, 'p-db1': 4 };

function shuffled(s: PolicySnapshot, seed: number): PolicySnapshot {
  const mix = <T>(xs: T[]) =>
    xs
      .map((x, i) => [((i + 1) * 2654435761 * seed) % 1000, x] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, x]) => x);
  return {
    ...s,
    entities: mix(s.entities),
    application_rules: mix(s.application_rules),
    isolation_rules: mix(s.isolation_rules),
    quarantine_rules: mix(s.quarantine_rules),
    address_groups: mix(s.address_groups),
    service_groups: mix(s.service_groups),
    hosts: mix(s.hosts),
  };
}

test('deterministic to the byte, whatever the order of the snapshot lists', () => {
  const a = compileHost(threeTier(), 'ha', PORTS_A);
  expect(compileHost(threeTier(), 'ha', PORTS_A)).toEqual(a);
  for (const seed of [3, 7, 11])
    expect(compileHost(shuffled(threeTier(), seed), 'ha', PORTS_A).flows.join('\n')).toBe(a.flows.join('\n'));
  fc.assert(
    fc.property(policyArb(), fc.integer({ min: 1, max: 1000 }), (s, seed) => {
      const ports = Object.fromEntries([['up', 1], ...s.entities.map((e, i) => [e.port, i + 2])]);
      expect(compileHost(shuffled(s, seed), 'h0', ports).flows).toEqual(compileHost(s, 'h0', ports).flows);
    }),
    { seed: 42, numRuns: 100 },
  );
});

test('flows are sorted by table, then priority descending, and carry cookie, table and priority', () => {
  const { flows, generation, host } = compileHost(threeTier(), 'ha', PORTS_A);
  expect({ generation, host }).toEqual({ generation: 1, host: 'ha' });
  const keys = flows
    .map((f) => f.match(/^cookie=0x[0-9a-f]+,table=(\d+),priority=(\d+)[, ]/))
    .map((m) => [Number(m![1]), Number(m![2])]);
  for (let i = 1; i < keys.length; i++) {
    expect(keys[i][0] > keys[i - 1][0] || (keys[i][0] === keys[i - 1][0] && keys[i][1] <= keys[i - 1][1])).toBe(true);
  }
});

test('conjunction: flows grow with the sum of sources, destinations and ports, not their product', () => {
  const make = (sources: number, portCount: number) => {
    // Not adjacent: adjacent CIDRs would be merged into fewer (address-sets.ts).
    const cidrs = Array.from({ length: sources }, (_, i) => `172.16.${2 * i}.0/24`);
    const svc = Array.from({ length: portCount }, (_, i) => String(1000 + 2 * i));
    const targets = Array.from({ length: 10 }, (_, i) => ent(`t${i}`, 'ha', [`10.0.1.${i + 1}`], { T: 'x' }));
    const s = snap({
      entities: targets,
      application_rules: [
        app({
          name: 'r',
          target: { categories: { T: ['x'] } },
          inbound: [inb({ from: { cidrs }, services: [{ protocol: 'tcp', ports: svc }] })],
        }),
      ],
    });
    const hostPorts = Object.fromEntries([['up', 1], ...targets.map((t, i) => [t.port, i + 2])]);
    return compileHost(s, 'ha', hostPorts).flows.length;
  };
  const base = make(10, 10);
  expect(make(20, 10) - base).toBe(10); // +10 source CIDRs → +10 flows
  expect(make(10, 20) - base).toBe(20); // +10 ports → +10 flows per family (tcp, tcp6)
  expect(make(40, 40) - base).toBeLessThan(30 + 60 + 1);
});

test('ranges and exclusions do not multiply flows: a range costs its CIDR cover once, an exclusion one flow', () => {
  const targets = Array.from({ length: 4 }, (_, i) => ent(`t${i}`, 'ha', [`10.0.1.${i + 1}`], { T: 'x' }));
  const hostPorts = Object.fromEntries([['up', 1], ...targets.map((t, i) => [t.port, i + 2])]);
  const flows = (entries: ReturnType<typeof inb>[]) =>
    compileHost(
      snap({
        entities: targets,
        application_rules: [app({ name: 'r', target: { categories: { T: ['x'] } }, inbound: entries })],
      }),
      'ha',
      hostPorts,
    ).flows;
  const tcp = (port: string) => [{ protocol: 'tcp' as const, ports: [port] }];
  const except = (n: number) => Array.from({ length: n }, (_, i) => `198.51.${i}.7/32`);
  // Every address but n hosts: each excluded host adds one flow (its difference would add ~32).
  const cut = (n: number, entries = 1) =>
    flows(
      Array.from({ length: entries }, (_, e) =>
        inb({ from: { any: true, except: except(n) }, services: tcp(String(1000 + e)) }),
      ),
    ).length;
  const base = cut(10);
  expect(cut(20) - base).toBe(10);
  // Three entries with the same peer share its set: +2 entries cost their service and conj_id flows only.
  expect(cut(20, 3) - cut(20)).toBeLessThanOrEqual(2 * 4);
  // A range costs its CIDR cover (at most 2 per bit), once.
  const range = flows([inb({ from: { cidrs: ['10.1.0.1-10.1.255.254'] }, services: tcp('80') })]).filter((f) =>
    f.includes('nw_src=10.1.'),
  );
  expect(range.length).toBe(30);
  console.log(
    `exclusions: 10 → 20 excluded hosts +${cut(20) - base} flows; the same peer in 3 entries +${cut(20, 3) - cut(20)}; range 10.1.0.1-10.1.255.254 = ${range.length} CIDRs`,
  );
});

test('port ranges become the fewest value/mask matches and cover exactly the range', () => {
  expect(portMasks(443, 443)).toEqual(['443']);
  expect(portMasks(8000, 8080)).toEqual(['0x1f40/0xffc0', '0x1f80/0xfff0', '8080']);
  expect(portMasks(1, 65535)).toHaveLength(16);
  const covers = (m: string, p: number) => {
    const [v, mask] = m.includes('/') ? m.split('/').map(Number) : [Number(m), 0xffff];
    return (p & mask) === v;
  };
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 0, max: 65535 }),
      (a, b, p) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const masks = portMasks(lo, hi);
        expect(masks.filter((m) => covers(m, p)).length).toBe(p >= lo && p <= hi ? 1 : 0);
        for (const edge of [lo, hi]) expect(masks.some((m) => covers(m, edge))).toBe(true);
      },
    ),
    { seed: 1, numRuns: 2000 },
  );
});

test('every cookie names a rule of the snapshot or the base pipeline', () => {
  const s = threeTier();
  const { flows } = compileHost(s, 'ha', PORTS_A);
  const named = new Set<string>();
  for (const f of flows) {
    const cookie = f.match(/^cookie=(0x[0-9a-f]+)/)![1];
    expect(decodeCookie(cookie)).not.toBeNull();
    const rule = ruleForCookie(s, cookie);
    if (rule) named.add(`${rule.kind}:${rule.name}`);
  }
  expect([...named].sort()).toEqual(['application_rule:shop', 'isolation_rule:prod-dev']);
  expect(ruleForCookie(s, '0x1234')).toBeNull();
});

test('ct_mark and ct_label encodings round-trip', () => {
  for (const verdict of ['allow', 'would-deny', 'deny'] as const) {
    for (const layer of ['default', 'quarantine', 'isolation', 'application'] as const) {
      for (const side of ['egress', 'ingress'] as const)
        expect(decodeMark(encodeMark(verdict, layer, side))).toEqual({ verdict, layer, side });
    }
  }
  expect(decodeMark(0).verdict).toBeNull();
  const id = 0xcef1c744;
  expect(decodeLabel(`0x${id.toString(16)}`)).toBe(id);
  expect(decodeLabel(BigInt(id) | (5n << 64n))).toBe(id);
});

test('bad inputs are named', () => {
  expect(() => compileHost(threeTier(), 'nosuch', {})).toThrow(/host "nosuch"/);
  expect(() => compileHost(threeTier(), 'ha', { 'p-web1': 0 })).toThrow(/ports\["p-web1"\]/);
  expect(() => compileHost(threeTier(), 'ha', { 'p-web1': 65280 })).toThrow(/ports\["p-web1"\]/);
});

test('an entity whose port is not on the bridge yet gets no flows, and its addresses are dropped', () => {
  const { flows } = compileHost(threeTier(), 'ha', { up: 1, 'p-web1': 2 });
  expect(flows.some((f) => f.includes('in_port=3'))).toBe(false);
  expect(flows).toContain('cookie=0x4d53000000000000,table=40,priority=100,ip,nw_dst=10.0.0.21 actions=drop');
});
