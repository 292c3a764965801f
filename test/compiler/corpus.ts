/** Fixed policies that together exercise every clause of docs/semantics.md. */
import type { PolicySnapshot } from '../../service/model/snapshot';
import { app, ent, inb, iso, outb, quar, shared, snap, threeTier } from '../policy/fixtures';

/** a, c, q on host ha; b, d on host hb; q is quarantined (Forensic). Dual-stack where it matters. */
const base = (part: Partial<PolicySnapshot>) =>
  snap({
    address_groups: [
      { name: 'office', cidrs: ['192.168.50.0/24', 'fd00:50::/64'], except: [] },
      { name: 'dns', cidrs: ['8.8.8.8/32'], except: [] },
    ],
    service_groups: [
      { name: 'web', services: [{ protocol: 'tcp', ports: ['80', '443'] }] },
      {
        name: 'ping',
        services: [
          { protocol: 'icmp', icmp_type: 8 },
          { protocol: 'icmpv6', icmp_type: 128 },
        ],
      },
    ],
    entities: [
      ent('a', 'ha', ['10.0.0.1', 'fd00::1'], { T: 'a', Env: 'prod' }, '02:00:00:00:00:01'),
      ent('b', 'hb', ['10.0.0.2', 'fd00::2'], { T: 'b', Env: 'dev' }, '02:00:00:00:00:02'),
      ent('c', 'ha', ['10.0.0.3'], { T: 'c', Env: 'prod' }),
      ent('d', 'hb', ['10.0.0.4', 'fd00::4'], { T: 'b', Env: 'prod' }),
      ent('q', 'ha', ['10.0.0.9', 'fd00::9'], { T: 'a', Quarantine: 'Forensic' }, '02:00:00:00:00:09'),
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
  'monitor rules only, several targeting one entity': base({
    application_rules: [
      app({
        name: 'm1',
        mode: 'monitor',
        target: tB,
        inbound: [inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] })],
      }),
      app({ name: 'm0', mode: 'monitor', target: { categories: { Env: ['dev'] } } }),
    ],
  }),
  'apply and monitor mixed: monitor ignored where apply targets; first by name': base({
    application_rules: [
      app({ name: 'z-web', target: tB, inbound: [inb({ from: { any: true }, service_groups: ['web'] })] }),
      app({
        name: 'k-ssh',
        target: tB,
        inbound: [
          inb({ from: { categories: { Env: ['prod'] } }, services: [{ protocol: 'tcp', ports: ['22', '80'] }] }),
        ],
      }),
      app({ name: 'a-mon', mode: 'monitor', target: tB, inbound: [inb({ from: { any: true } })] }),
      app({
        name: 'b-mon',
        mode: 'monitor',
        target: tA,
        outbound_policy: 'allow_listed',
        outbound: [outb({ to: { categories: { T: ['b'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] })],
      }),
    ],
  }),
  'external peers: CIDRs and address groups, IPv4 and IPv6, to/from narrowing, allow_listed': base({
    application_rules: [
      app({
        name: 'edge',
        target: { categories: { T: ['a', 'b'] } },
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
        ],
      }),
    ],
  }),
  'host CIDRs equal to entity addresses, and the whole address space': base({
    application_rules: [
      app({
        name: 'spell',
        target: { categories: { T: ['a', 'b'] } },
        inbound: [
          inb({ from: { categories: { T: ['c'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] }),
          inb({
            from: { cidrs: ['10.0.0.3/32', 'fd00::1/128'] },
            services: [{ protocol: 'tcp', ports: ['80', '443'] }],
          }),
          inb({ from: { cidrs: ['0.0.0.0/0', '::/0'] }, services: [{ protocol: 'udp', ports: ['53'] }] }),
          inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'udp', ports: ['53', '123'] }] }),
        ],
        outbound_policy: 'allow_listed',
        outbound: [
          outb({ to: { cidrs: ['0.0.0.0/0'] }, services: [{ protocol: 'tcp', ports: ['443'] }] }),
          outb({ to: { categories: { T: ['c'] } } }),
        ],
      }),
    ],
  }),
  'services: any, icmp type and code, ranges, no services': base({
    application_rules: [
      app({
        name: 'svc',
        target: tB,
        inbound: [
          inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'any' }] }),
          inb({
            from: { categories: { T: ['c'] } },
            services: [
              { protocol: 'icmp', icmp_type: 8, icmp_code: 0 },
              { protocol: 'udp' },
              { protocol: 'tcp', ports: ['8000-8080', '443'] },
            ],
          }),
          inb({ from: { cidrs: ['2001:db8::/32'] }, services: [{ protocol: 'icmpv6' }] }),
          inb({ from: { cidrs: ['192.168.50.0/24'] } }),
        ],
      }),
    ],
  }),
  'isolation: apply and monitor, both directions, before application': base({
    isolation_rules: [
      iso('prod-dev', 'apply', { Env: ['prod'] }, { Env: ['dev'] }),
      iso('a-c', 'monitor', { T: ['a'] }, { T: ['c'] }),
      iso('b-b', 'monitor', { T: ['b'] }, { T: ['b'] }),
    ],
    application_rules: [
      app({ name: 'open', target: { categories: { T: ['a', 'b', 'c'] } }, inbound: [inb({ from: { any: true } })] }),
    ],
  }),
  'quarantine: lists, monitor and apply, before isolation': base({
    quarantine_rules: [
      quar({
        name: 'forensic',
        inbound: [inb({ from: { cidrs: ['192.168.50.7/32'] }, services: [{ protocol: 'tcp', ports: ['22'] }] })],
        outbound: [outb({ to: { cidrs: ['8.8.8.8/32'] }, services: [{ protocol: 'udp', ports: ['53'] }] })],
      }),
      quar({
        name: 'watch',
        mode: 'monitor',
        target: { categories: { T: ['c'] } },
        outbound: [outb({ to: { categories: { T: ['b'] } } })],
      }),
    ],
    isolation_rules: [iso('iso', 'apply', { T: ['a'] }, { T: ['a', 'b'] })],
    application_rules: [app({ name: 'app', target: tB, inbound: [inb({ from: { categories: { T: ['c'] } } })] })],
  }),
  'quarantine on both ends': snap({
    entities: [
      ent('q1', 'ha', ['10.0.0.1'], { Quarantine: 'Strict' }),
      ent('q2', 'hb', ['10.0.0.2'], { Quarantine: 'Forensic' }),
      ent('q3', 'ha', ['10.0.0.3'], { Quarantine: 'Forensic' }),
      ent('n', 'hb', ['10.0.0.4'], {}),
    ],
    quarantine_rules: [
      quar({ name: 'qa', outbound: [outb({ to: { any: true } })] }),
      quar({
        name: 'qm',
        mode: 'monitor',
        target: { categories: { Quarantine: ['Forensic'] } },
        inbound: [inb({ from: { any: true }, services: [{ protocol: 'tcp' }] })],
      }),
    ],
  }),
  'strict quarantine: no traffic at all, whatever rules list; forensic lists for Forensic only': base({
    entities: [
      ...base({}).entities,
      ent('s', 'hb', ['10.0.0.8', 'fd00::8'], { T: 'b', Quarantine: 'Strict' }, '02:00:00:00:00:08'),
    ],
    quarantine_rules: [
      quar({
        name: 'tools',
        target: { categories: { Quarantine: ['Strict', 'Forensic'] } },
        inbound: [inb({ from: { categories: { T: ['b'] } } }), inb({ from: { cidrs: ['192.168.50.0/24'] } })],
        outbound: [outb({ to: { any: true } })],
      }),
    ],
    shared_service_rules: [shared({ name: 'everything', providers: { categories: {} }, consumers: { any: true } })],
    application_rules: [
      app({
        name: 'open',
        target: { categories: { T: ['a', 'b'] } },
        intra_group: 'allow',
        inbound: [inb({ from: { any: true } })],
      }),
    ],
  }),
  'shared services: providers, consumers (entities, CIDRs, groups), services, before isolation, after quarantine': base(
    {
      shared_service_rules: [
        shared({
          name: 'dns',
          providers: { categories: { T: ['b'] } },
          consumers: { categories: { Env: ['prod'] }, address_groups: ['office'] },
          services: [
            { protocol: 'udp', ports: ['53'] },
            { protocol: 'tcp', ports: ['53'] },
          ],
        }),
        shared({
          name: 'backup',
          providers: { categories: { T: ['c'] } },
          consumers: { any: true, except: ['10.0.0.1/32'] },
          service_groups: ['web'],
        }),
        shared({
          name: 'ntp',
          providers: { categories: { Env: ['dev'] } },
          consumers: { cidrs: ['10.0.0.0/29', 'fd00::/120'] },
          services: [{ protocol: 'udp', ports: ['123'] }],
        }),
      ],
      quarantine_rules: [quar({ name: 'forensic', inbound: [inb({ from: { cidrs: ['192.168.50.7/32'] } })] })],
      isolation_rules: [
        iso('prod-dev', 'apply', { Env: ['prod'] }, { Env: ['dev'] }),
        iso('a-c', 'monitor', { T: ['a'] }, { T: ['c'] }),
      ],
      application_rules: [app({ name: 'closed', target: { categories: { T: ['b', 'c'] } } })],
    },
  ),
  'isolation between three groups, apply and monitor, overlapping groups': base({
    isolation_rules: [
      iso('three', 'apply', { T: ['a'] }, { T: ['b'] }, { T: ['c'] }),
      iso('envs', 'monitor', { Env: ['prod'] }, { Env: ['dev'] }, { T: ['b'] }),
    ],
    application_rules: [
      app({ name: 'open', target: { categories: { T: ['a', 'b', 'c'] } }, inbound: [inb({ from: { any: true } })] }),
    ],
  }),
  'intra_group allow and deny, apply and monitor, with lists and allow_listed': base({
    application_rules: [
      app({
        name: 'prod',
        target: { categories: { Env: ['prod'] } },
        intra_group: 'allow',
        outbound_policy: 'allow_listed',
        inbound: [inb({ from: { cidrs: ['192.0.2.0/24'] }, services: [{ protocol: 'tcp', ports: ['443'] }] })],
        outbound: [outb({ to: { address_groups: ['dns'] }, services: [{ protocol: 'udp', ports: ['53'] }] })],
      }),
      app({ name: 'bees', mode: 'monitor', target: tB, intra_group: 'allow' }),
      app({
        name: 'closed-dev',
        target: { categories: { Env: ['dev'] } },
        intra_group: 'deny',
        inbound: [inb({ from: tB, services: [{ protocol: 'tcp', ports: ['22'] }] })],
      }),
    ],
  }),
  'drafts (mode off) are never compiled, next to rules in force': base({
    application_rules: [
      app({ name: 'draft', mode: 'off', target: tB }),
      app({ name: 'live', mode: 'monitor', target: tA, inbound: [inb({ from: tB })] }),
    ],
    isolation_rules: [iso('draft-iso', 'off', { T: ['a'] }, { T: ['b'] })],
    quarantine_rules: [quar({ name: 'draft-q', mode: 'off' })],
    shared_service_rules: [shared({ name: 'draft-ss', mode: 'off', providers: tA, consumers: { any: true } })],
  }),
  'address ranges and exclusions, IPv4 and IPv6, in peers and address groups': base({
    address_groups: [
      { name: 'office', cidrs: ['192.168.50.0/24', 'fd00:50::/64'], except: ['192.168.50.4/30', 'fd00:50::/120'] },
      { name: 'vms', cidrs: ['10.0.0.2-10.0.0.9', 'fd00::1-fd00::4'], except: ['10.0.0.4/32'] },
    ],
    application_rules: [
      app({
        name: 'ranges',
        target: { categories: { T: ['a', 'b'] } },
        inbound: [
          inb({ from: { address_groups: ['office'] }, services: [{ protocol: 'tcp', ports: ['22'] }] }),
          inb({ from: { address_groups: ['vms'] }, services: [{ protocol: 'tcp', ports: ['80'] }] }),
          inb({
            from: { cidrs: ['192.0.2.1-192.0.2.200', '8.8.8.8/32'], except: ['192.0.2.5/32'] },
            services: [{ protocol: 'udp', ports: ['53'] }],
          }),
          inb({
            from: { any: true, except: ['10.0.0.0/8', 'fd00::/16'] },
            services: [{ protocol: 'tcp', ports: ['443'] }],
          }),
          inb({
            from: { categories: { Env: ['prod'] }, except: ['10.0.0.3/32', 'fd00::1/128'] },
            services: [{ protocol: 'icmp' }, { protocol: 'icmpv6' }],
          }),
        ],
        outbound_policy: 'allow_listed',
        outbound: [outb({ to: { cidrs: ['10.0.0.1-10.0.0.3', 'fd00::2-fd00::9'], except: ['10.0.0.2/31'] } })],
      }),
    ],
  }),
  'sctp with ports, other protocols by name and number': base({
    application_rules: [
      app({
        name: 'protos',
        target: tB,
        inbound: [
          inb({
            from: { categories: { T: ['a'] } },
            services: [{ protocol: 'sctp', ports: ['22', '80-443'] }, { protocol: 'gre' }],
          }),
          inb({
            from: { categories: { T: ['c'] } },
            services: [{ protocol: 'sctp' }, { protocol: 'esp' }, { protocol: '99' }],
          }),
          inb({ from: { any: true }, services: [{ protocol: 'udp', ports: ['80'] }] }),
        ],
      }),
    ],
  }),
  'protocols written by number: 47 is gre, 6 is tcp with ports, 1 is icmp by type': base({
    application_rules: [
      app({
        name: 'numbers',
        target: tB,
        inbound: [
          inb({
            from: { categories: { T: ['a'] } },
            services: [{ protocol: '47' }, { protocol: '6', ports: ['22'] }, { protocol: '1', icmp_type: 8 }],
          }),
        ],
      }),
    ],
  }),
};
