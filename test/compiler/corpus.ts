/** Fixed policies that together exercise every clause of docs/semantics.md. */
import type { PolicySnapshot } from '../../service/model/snapshot';
import { app, ent, inb, iso, outb, quar, snap, threeTier } from '../policy/fixtures';

/** a, c, q on host ha; b, d on host hb; q is quarantined. Dual-stack where it matters. */
const base = (part: Partial<PolicySnapshot>) => snap({
  address_groups: [{ name: 'office', cidrs: ['192.168.50.0/24', 'fd00:50::/64'] }, { name: 'dns', cidrs: ['8.8.8.8/32'] }],
  service_groups: [{ name: 'web', services: [{ protocol: 'tcp', ports: ['80', '443'] }] }, { name: 'ping', services: [{ protocol: 'icmp', icmp_type: 8 }, { protocol: 'icmpv6', icmp_type: 128 }] }],
  entities: [
    ent('a', 'ha', ['10.0.0.1', 'fd00::1'], { T: 'a', Env: 'prod' }, '02:00:00:00:00:01'),
    ent('b', 'hb', ['10.0.0.2', 'fd00::2'], { T: 'b', Env: 'dev' }, '02:00:00:00:00:02'),
    ent('c', 'ha', ['10.0.0.3'], { T: 'c', Env: 'prod' }),
    ent('d', 'hb', ['10.0.0.4', 'fd00::4'], { T: 'b', Env: 'prod' }),
    ent('q', 'ha', ['10.0.0.9', 'fd00::9'], { T: 'a', Quarantine: 'Strict' }, '02:00:00:00:00:09'),
  ],
  ...part,
});

const tB = { categories: { T: ['b'] } };
const tA = { categories: { T: ['a'] } };

export const CORPUS: Record<string, PolicySnapshot> = {
  'default: no rules': base({}),
  'three-tier apply': threeTier('apply'),
  'three-tier monitor': threeTier('monitor'),
  'apply rule with no entries denies its target': base({ application_rules: [app({ name: 'closed', target: tB })] }),
  'monitor rules only, several targeting one entity': base({ application_rules: [
    app({ name: 'm1', mode: 'monitor', target: tB, inbound: [inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] })] }),
    app({ name: 'm0', mode: 'monitor', target: { categories: { Env: ['dev'] } } }),
  ] }),
  'apply and monitor mixed: monitor ignored where apply targets; first by name': base({ application_rules: [
    app({ name: 'z-web', target: tB, inbound: [inb({ from: { any: true }, service_groups: ['web'] })] }),
    app({ name: 'k-ssh', target: tB, inbound: [inb({ from: { categories: { Env: ['prod'] } }, services: [{ protocol: 'tcp', ports: ['22', '80'] }] })] }),
    app({ name: 'a-mon', mode: 'monitor', target: tB, inbound: [inb({ from: { any: true } })] }),
    app({ name: 'b-mon', mode: 'monitor', target: tA, outbound_policy: 'allow_listed', outbound: [outb({ to: { categories: { T: ['b'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] })] }),
  ] }),
  'external peers: CIDRs and address groups, IPv4 and IPv6, to/from narrowing, allow_listed': base({ application_rules: [
    app({ name: 'edge', target: { categories: { T: ['a', 'b'] } },
      inbound: [
        inb({ from: { address_groups: ['office'] }, to: tB, service_groups: ['web'] }),
        inb({ from: { cidrs: ['192.0.2.0/24', '2001:db8::/32'] }, to: tA }),
        inb({ from: { cidrs: ['10.0.0.3/32'] }, services: [{ protocol: 'udp', ports: ['5000-5010'] }] }),
      ],
      outbound_policy: 'allow_listed',
      outbound: [
        outb({ from: tA, to: { address_groups: ['dns'] }, services: [{ protocol: 'udp', ports: ['53'] }] }),
        outb({ to: { cidrs: ['fd00:50::/64'] }, service_groups: ['ping'] }),
        outb({ from: tB, to: { categories: { Env: ['prod'] } }, services: [{ protocol: 'tcp', ports: ['1-1024'] }] }),
      ] }),
  ] }),
  'host CIDRs equal to entity addresses, and the whole address space': base({ application_rules: [
    app({ name: 'spell', target: { categories: { T: ['a', 'b'] } },
      inbound: [
        inb({ from: { categories: { T: ['c'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] }),
        inb({ from: { cidrs: ['10.0.0.3/32', 'fd00::1/128'] }, services: [{ protocol: 'tcp', ports: ['80', '443'] }] }),
        inb({ from: { cidrs: ['0.0.0.0/0', '::/0'] }, services: [{ protocol: 'udp', ports: ['53'] }] }),
        inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'udp', ports: ['53', '123'] }] }),
      ],
      outbound_policy: 'allow_listed',
      outbound: [outb({ to: { cidrs: ['0.0.0.0/0'] }, services: [{ protocol: 'tcp', ports: ['443'] }] }), outb({ to: { categories: { T: ['c'] } } })] }),
  ] }),
  'services: any, icmp type and code, ranges, no services': base({ application_rules: [
    app({ name: 'svc', target: tB, inbound: [
      inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'any' }] }),
      inb({ from: { categories: { T: ['c'] } }, services: [{ protocol: 'icmp', icmp_type: 8, icmp_code: 0 }, { protocol: 'udp' }, { protocol: 'tcp', ports: ['8000-8080', '443'] }] }),
      inb({ from: { cidrs: ['2001:db8::/32'] }, services: [{ protocol: 'icmpv6' }] }),
      inb({ from: { cidrs: ['192.168.50.0/24'] } }),
    ] }),
  ] }),
  'isolation: apply and monitor, both directions, before application': base({
    isolation_rules: [iso('prod-dev', 'apply', { Env: ['prod'] }, { Env: ['dev'] }), iso('a-c', 'monitor', { T: ['a'] }, { T: ['c'] }), iso('b-b', 'monitor', { T: ['b'] }, { T: ['b'] })],
    application_rules: [app({ name: 'open', target: { categories: { T: ['a', 'b', 'c'] } }, inbound: [inb({ from: { any: true } })] })],
  }),
  'quarantine: lists, monitor and apply, before isolation': base({
    quarantine_rules: [
      quar({ name: 'forensic', inbound: [inb({ from: { cidrs: ['192.168.50.7/32'] }, services: [{ protocol: 'tcp', ports: ['22'] }] })],
        outbound: [outb({ to: { cidrs: ['8.8.8.8/32'] }, services: [{ protocol: 'udp', ports: ['53'] }] })] }),
      quar({ name: 'watch', mode: 'monitor', target: { categories: { T: ['c'] } }, outbound: [outb({ to: { categories: { T: ['b'] } } })] }),
    ],
    isolation_rules: [iso('iso', 'apply', { T: ['a'] }, { T: ['a', 'b'] })],
    application_rules: [app({ name: 'app', target: tB, inbound: [inb({ from: { categories: { T: ['c'] } } })] })],
  }),
  'quarantine on both ends': snap({
    entities: [
      ent('q1', 'ha', ['10.0.0.1'], { Quarantine: 'Strict' }), ent('q2', 'hb', ['10.0.0.2'], { Quarantine: 'Forensic' }),
      ent('q3', 'ha', ['10.0.0.3'], { Quarantine: 'Forensic' }), ent('n', 'hb', ['10.0.0.4'], {}),
    ],
    quarantine_rules: [quar({ name: 'qa', outbound: [outb({ to: { any: true } })] }), quar({ name: 'qm', mode: 'monitor', target: { categories: { Quarantine: ['Forensic'] } }, inbound: [inb({ from: { any: true }, services: [{ protocol: 'tcp' }] })] })],
  }),
};
