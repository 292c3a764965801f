/** explain() clause by clause, as docs/semantics.md states it. */
import {
  explain,
  explainDrafts,
  explainSides,
  ExplainInputError,
  type ExplainQuery,
} from '../../service/policy/explain';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { app, ent, inb, iso, outb, quar, shared, snap, threeTier } from './fixtures';

const q = (
  src: string,
  dst: string,
  protocol: ExplainQuery['protocol'] = 'tcp',
  port: number | undefined = 80,
  extra: Partial<ExplainQuery> = {},
): ExplainQuery => ({ src, dst, protocol, ...(port !== undefined ? { port } : {}), ...extra });

const two = (part: Partial<PolicySnapshot>) =>
  snap({
    entities: [
      ent('a', 'ha', ['10.0.0.1', 'fd00::1'], { T: 'a', Env: 'prod' }),
      ent('b', 'hb', ['10.0.0.2', 'fd00::2'], { T: 'b', Env: 'dev' }),
      ent('c', 'ha', ['10.0.0.3'], { T: 'c' }),
      ent('q', 'ha', ['10.0.0.9'], { T: 'a', Quarantine: 'Forensic' }),
    ],
    ...part,
  });

describe('default and endpoints', () => {
  test('nothing matches: allow, layer default', () => {
    expect(explain(two({}), q('a', 'b'))).toEqual({ verdict: 'allow', layer: 'default', rule: null, mode: null });
  });

  test('an entity IP is that entity; any other IP is external', () => {
    const s = two({ application_rules: [app({ name: 'r', target: { categories: { T: ['b'] } } })] });
    expect(explain(s, q('10.0.0.1', '10.0.0.2')).verdict).toBe('deny');
    expect(explain(s, q('fd00::1', 'fd00::2')).verdict).toBe('deny');
    expect(explain(s, q('a', 'b')).verdict).toBe('deny');
    // External to external: no entity, no side, default.
    expect(explain(s, q('192.0.2.1', '192.0.2.2')).layer).toBe('default');
  });

  test('bad input names the field', () => {
    const s = two({});
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ExplainInputError ? e.field : 'other';
      }
      return 'none';
    };
    expect(field(() => explain(s, q('nosuch', 'b')))).toBe('src');
    expect(field(() => explain(s, q('a', '10.0.0.300')))).toBe('dst');
    expect(field(() => explain(s, q('a', 'b', 'nosuch')))).toBe('protocol');
    expect(field(() => explain(s, q('a', 'b', '256')))).toBe('protocol');
    expect(field(() => explain(s, q('a', 'b', 'tcp', 70000)))).toBe('port');
    expect(field(() => explain(s, q('a', 'b', 'icmp', undefined, { icmp_type: 300 })))).toBe('icmp_type');
  });
});

describe('application layer', () => {
  const target = { categories: { T: ['b'] } };

  test('apply rule with no allowing entry denies; monitor records would-deny and names the rule', () => {
    expect(explain(two({ application_rules: [app({ name: 'r', target })] }), q('a', 'b'))).toEqual({
      verdict: 'deny',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
    expect(explain(two({ application_rules: [app({ name: 'r', mode: 'monitor', target })] }), q('a', 'b'))).toEqual({
      verdict: 'would-deny',
      layer: 'application',
      rule: 'r',
      mode: 'monitor',
    });
  });

  test('inbound entry by categories, with services and ranges', () => {
    const s = two({
      application_rules: [
        app({
          name: 'r',
          target,
          inbound: [
            inb({ from: { categories: { T: ['a'] } }, services: [{ protocol: 'tcp', ports: ['80', '8000-8080'] }] }),
          ],
        }),
      ],
    });
    expect(explain(s, q('a', 'b', 'tcp', 80))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
    expect(explain(s, q('a', 'b', 'tcp', 8080)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', 'tcp', 8081)).verdict).toBe('deny');
    expect(explain(s, q('a', 'b', 'udp', 80)).verdict).toBe('deny');
    expect(explain(s, q('c', 'b', 'tcp', 80)).verdict).toBe('deny');
    expect(explain(s, { src: 'a', dst: 'b', protocol: 'tcp' }).verdict).toBe('deny'); // a port the query does not give matches no port list
  });

  test('an entry with no services allows every protocol; any protocol; icmp type and code', () => {
    const s = (services: never[] | object[]) =>
      two({
        application_rules: [
          app({ name: 'r', target, inbound: [inb({ from: { any: true }, services: services as never })] }),
        ],
      });
    expect(explain(s([]), q('a', 'b', 'udp', 9)).verdict).toBe('allow');
    expect(explain(s([{ protocol: 'any' }]), q('a', 'b', 'icmp', undefined)).verdict).toBe('allow');
    const icmp = s([{ protocol: 'icmp', icmp_type: 8, icmp_code: 0 }]);
    expect(explain(icmp, q('a', 'b', 'icmp', undefined, { icmp_type: 8, icmp_code: 0 })).verdict).toBe('allow');
    expect(explain(icmp, q('a', 'b', 'icmp', undefined, { icmp_type: 8, icmp_code: 1 })).verdict).toBe('deny');
    expect(explain(icmp, q('a', 'b', 'icmpv6', undefined, { icmp_type: 8, icmp_code: 0 })).verdict).toBe('deny');
    expect(
      explain(s([{ protocol: 'icmpv6' }]), q('fd00::1', 'fd00::2', 'icmpv6', undefined, { icmp_type: 128 })).verdict,
    ).toBe('allow');
  });

  test('service groups', () => {
    const s = two({
      service_groups: [{ name: 'web', services: [{ protocol: 'tcp', ports: ['443'] }] }],
      application_rules: [app({ name: 'r', target, inbound: [inb({ from: { any: true }, service_groups: ['web'] })] })],
    });
    expect(explain(s, q('a', 'b', 'tcp', 443)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', 'tcp', 80)).verdict).toBe('deny');
  });

  test('external peers by CIDR and address group, IPv4 and IPv6; entity IPs count for CIDRs', () => {
    const s = two({
      address_groups: [{ name: 'office', cidrs: ['192.168.0.0/16', 'fd99::/64'], except: [] }],
      application_rules: [
        app({
          name: 'r',
          target,
          inbound: [
            inb({ from: { address_groups: ['office'] } }),
            inb({ from: { cidrs: ['10.0.0.3/32', '2001:db8::/32'] } }),
          ],
        }),
      ],
    });
    expect(explain(s, q('192.168.3.4', 'b')).verdict).toBe('allow');
    expect(explain(s, q('fd99::5', 'fd00::2')).verdict).toBe('allow');
    expect(explain(s, q('2001:db8:1::1', 'fd00::2')).verdict).toBe('allow');
    expect(explain(s, q('c', 'b')).verdict).toBe('allow');
    expect(explain(s, q('172.16.0.1', 'b')).verdict).toBe('deny');
    expect(explain(s, q('fd98::5', 'fd00::2')).verdict).toBe('deny');
  });

  test('`to` narrows an inbound entry, `from` an outbound entry', () => {
    const whole = { categories: { T: ['a', 'b'] } };
    const s = two({
      application_rules: [
        app({
          name: 'r',
          target: whole,
          inbound: [inb({ from: { any: true }, to: { categories: { T: ['b'] } } })],
          outbound_policy: 'allow_listed',
          outbound: [outb({ from: { categories: { T: ['a'] } }, to: { cidrs: ['192.0.2.0/24'] } })],
        }),
      ],
    });
    expect(explain(s, q('192.0.2.7', 'b')).verdict).toBe('allow');
    expect(explain(s, q('192.0.2.7', 'a')).verdict).toBe('deny');
    expect(explain(s, q('a', '192.0.2.7')).verdict).toBe('allow');
    expect(explain(s, q('b', '192.0.2.7')).verdict).toBe('deny');
  });

  test('outbound_policy allow_all vs allow_listed', () => {
    const target = { categories: { T: ['a'] } };
    expect(
      explain(two({ application_rules: [app({ name: 'r', target, outbound_policy: 'allow_all' })] }), q('a', '8.8.8.8'))
        .verdict,
    ).toBe('allow');
    const listed = two({
      application_rules: [
        app({
          name: 'r',
          target,
          outbound_policy: 'allow_listed',
          outbound: [outb({ to: { cidrs: ['8.8.8.0/24'] }, services: [{ protocol: 'udp', ports: ['53'] }] })],
        }),
      ],
    });
    expect(explain(listed, q('a', '8.8.8.8', 'udp', 53))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
    expect(explain(listed, q('a', '8.8.4.4', 'udp', 53))).toEqual({
      verdict: 'deny',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
  });

  test('several rules targeting one entity: any apply allows; first allowing by name; first apply names the deny; monitor ignored then', () => {
    const s = two({
      application_rules: [
        app({
          name: 'z-allow',
          target,
          inbound: [inb({ from: { any: true }, services: [{ protocol: 'tcp', ports: ['80'] }] })],
        }),
        app({
          name: 'm-also',
          target,
          inbound: [inb({ from: { any: true }, services: [{ protocol: 'tcp', ports: ['80', '81'] }] })],
        }),
        app({ name: 'b-none', target }),
        app({ name: 'a-monitor', mode: 'monitor', target, inbound: [inb({ from: { any: true } })] }),
      ],
    });
    expect(explain(s, q('a', 'b', 'tcp', 80))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'm-also',
      mode: 'apply',
    });
    expect(explain(s, q('a', 'b', 'tcp', 81)).rule).toBe('m-also');
    expect(explain(s, q('a', 'b', 'tcp', 82))).toEqual({
      verdict: 'deny',
      layer: 'application',
      rule: 'b-none',
      mode: 'apply',
    });
  });

  test('only monitor rules: allow if one allows, else would-deny with the first by name', () => {
    const s = two({
      application_rules: [
        app({
          name: 'y',
          mode: 'monitor',
          target,
          inbound: [inb({ from: { any: true }, services: [{ protocol: 'udp' }] })],
        }),
        app({ name: 'x', mode: 'monitor', target }),
      ],
    });
    expect(explain(s, q('a', 'b', 'udp', 5))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'y',
      mode: 'monitor',
    });
    expect(explain(s, q('a', 'b', 'tcp', 5))).toEqual({
      verdict: 'would-deny',
      layer: 'application',
      rule: 'x',
      mode: 'monitor',
    });
  });

  test('both sides: the worse wins, egress on a tie; all allow → the ingress rule', () => {
    const egressDeny = app({ name: 'e', target: { categories: { T: ['a'] } }, outbound_policy: 'allow_listed' });
    const ingressMon = app({ name: 'i', mode: 'monitor', target });
    expect(explain(two({ application_rules: [egressDeny, ingressMon] }), q('a', 'b'))).toEqual({
      verdict: 'deny',
      layer: 'application',
      rule: 'e',
      mode: 'apply',
    });
    const egressMon = app({
      name: 'e',
      mode: 'monitor',
      target: { categories: { T: ['a'] } },
      outbound_policy: 'allow_listed',
    });
    expect(explain(two({ application_rules: [egressMon, ingressMon] }), q('a', 'b'))).toEqual({
      verdict: 'would-deny',
      layer: 'application',
      rule: 'e',
      mode: 'monitor',
    });
    const egressAllow = app({ name: 'e', target: { categories: { T: ['a'] } } });
    const ingressAllow = app({ name: 'i', target, inbound: [inb({ from: { any: true } })] });
    expect(explain(two({ application_rules: [egressAllow, ingressAllow] }), q('a', 'b')).rule).toBe('i');
    expect(explain(two({ application_rules: [egressAllow] }), q('a', 'b'))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'e',
      mode: 'apply',
    });
  });

  test('entities with no rule: their side takes no part', () => {
    const s = two({
      application_rules: [app({ name: 'r', target: { categories: { T: ['a'] } }, outbound_policy: 'allow_listed' })],
    });
    expect(explain(s, q('c', 'b')).layer).toBe('default');
    expect(explain(s, q('b', 'a')).layer).toBe('application'); // a's ingress: no inbound entry
    expect(explain(s, q('b', 'a')).verdict).toBe('deny');
  });
});

describe('isolation layer', () => {
  test('either direction; apply beats monitor; first by name of the deciding mode', () => {
    const s = two({
      isolation_rules: [
        iso('zm', 'monitor', { Env: ['prod'] }, { Env: ['dev'] }),
        iso('y', 'apply', { Env: ['dev'] }, { Env: ['prod'] }),
        iso('x', 'apply', { Env: ['prod'] }, { Env: ['dev'] }),
      ],
    });
    expect(explain(s, q('a', 'b'))).toEqual({ verdict: 'deny', layer: 'isolation', rule: 'x', mode: 'apply' });
    expect(explain(s, q('b', 'a'))).toEqual({ verdict: 'deny', layer: 'isolation', rule: 'x', mode: 'apply' });
    const m = two({ isolation_rules: [iso('zm', 'monitor', { Env: ['prod'] }, { Env: ['dev'] })] });
    expect(explain(m, q('b', 'a'))).toEqual({ verdict: 'would-deny', layer: 'isolation', rule: 'zm', mode: 'monitor' });
    expect(explain(m, q('a', 'c')).layer).toBe('default');
    expect(explain(m, q('a', '192.0.2.1')).layer).toBe('default'); // external: no isolation
  });

  test('isolation comes before application', () => {
    const s = two({
      isolation_rules: [iso('iso', 'apply', { Env: ['prod'] }, { Env: ['dev'] })],
      application_rules: [
        app({ name: 'r', target: { categories: { T: ['b'] } }, inbound: [inb({ from: { any: true } })] }),
      ],
    });
    expect(explain(s, q('a', 'b')).layer).toBe('isolation');
  });
});

describe('quarantine layer', () => {
  const withQ = (rules: Partial<PolicySnapshot>) =>
    two({
      isolation_rules: [iso('iso', 'apply', { T: ['a'] }, { T: ['a'] })],
      application_rules: [
        app({ name: 'r', target: { categories: { T: ['a'] } }, inbound: [inb({ from: { any: true } })] }),
      ],
      ...rules,
    });

  test('quarantine is first: a quarantined entity is denied except what its lists allow', () => {
    const s = withQ({
      quarantine_rules: [
        quar({
          name: 'qr',
          inbound: [inb({ from: { cidrs: ['10.0.0.3/32'] }, services: [{ protocol: 'tcp', ports: ['22'] }] })],
          outbound: [outb({ to: { cidrs: ['10.0.0.2/32'] } })],
        }),
      ],
    });
    expect(explain(s, q('a', 'q'))).toEqual({ verdict: 'deny', layer: 'quarantine', rule: 'qr', mode: 'apply' });
    expect(explain(s, q('c', 'q', 'tcp', 22))).toEqual({
      verdict: 'allow',
      layer: 'quarantine',
      rule: 'qr',
      mode: 'apply',
    });
    expect(explain(s, q('q', 'b'))).toEqual({ verdict: 'allow', layer: 'quarantine', rule: 'qr', mode: 'apply' });
    expect(explain(s, q('q', 'a')).verdict).toBe('deny');
    // The non-quarantined side takes no part and later layers are skipped (isolation would deny q→a? it is apply on T=a).
    expect(explain(s, q('q', '192.0.2.1')).layer).toBe('quarantine');
  });

  test('monitor quarantine records would-deny; apply quarantine rules override monitor ones', () => {
    const s = withQ({ quarantine_rules: [quar({ name: 'qm', mode: 'monitor' })] });
    expect(explain(s, q('q', 'b'))).toEqual({
      verdict: 'would-deny',
      layer: 'quarantine',
      rule: 'qm',
      mode: 'monitor',
    });
    const both = withQ({
      quarantine_rules: [
        quar({ name: 'qm', mode: 'monitor', outbound: [outb({ to: { any: true } })] }),
        quar({ name: 'qz', mode: 'apply' }),
      ],
    });
    expect(explain(both, q('q', 'b'))).toEqual({ verdict: 'deny', layer: 'quarantine', rule: 'qz', mode: 'apply' });
  });

  test('both ends quarantined: both sides decide', () => {
    const s = snap({
      entities: [
        ent('q1', 'ha', ['10.0.0.1'], { Quarantine: 'Forensic' }),
        ent('q2', 'hb', ['10.0.0.2'], { Quarantine: 'Forensic' }),
      ],
      quarantine_rules: [quar({ name: 'qr', outbound: [outb({ to: { any: true } })] })],
    });
    expect(explain(s, q('q1', 'q2'))).toEqual({ verdict: 'deny', layer: 'quarantine', rule: 'qr', mode: 'apply' });
  });
});

describe('explainSides: each side on its own', () => {
  test('a side that takes no part allows; the application layer decides each side by its own rules', () => {
    expect(explainSides(two({}), q('a', 'b'))).toEqual({ egress: 'allow', ingress: 'allow' });
    const s = two({
      application_rules: [app({ name: 'r', target: { categories: { T: ['a'] } }, outbound_policy: 'allow_listed' })],
    });
    expect(explainSides(s, q('a', 'b'))).toEqual({ egress: 'deny', ingress: 'allow' });
    expect(explainSides(s, q('b', 'a'))).toEqual({ egress: 'allow', ingress: 'deny' });
    expect(explainSides(s, q('192.0.2.1', 'a'))).toEqual({ egress: 'allow', ingress: 'deny' });
    const m = two({
      application_rules: [app({ name: 'r', mode: 'monitor', target: { categories: { T: ['a'] } } })],
    });
    expect(explainSides(m, q('b', 'a'))).toEqual({ egress: 'allow', ingress: 'would-deny' });
  });

  test('isolation and Strict quarantine hold on both sides; a quarantine rule on its own side only', () => {
    const isolated = two({ isolation_rules: [iso('iso', 'apply', { T: ['a'] }, { T: ['b'] })] });
    expect(explainSides(isolated, q('b', 'a'))).toEqual({ egress: 'deny', ingress: 'deny' });
    const strict = snap({
      entities: [ent('s', 'ha', ['10.0.0.1'], { Quarantine: 'Strict' }), ent('b', 'hb', ['10.0.0.2'], {})],
    });
    expect(explainSides(strict, q('b', 's'))).toEqual({ egress: 'deny', ingress: 'deny' });
    const quarantined = two({ quarantine_rules: [quar({ name: 'qr' })] });
    expect(explainSides(quarantined, q('a', 'q'))).toEqual({ egress: 'allow', ingress: 'deny' });
    expect(explainSides(quarantined, q('q', 'a'))).toEqual({ egress: 'deny', ingress: 'allow' });
  });
});

test('three-tier fixture: the shop matrix', () => {
  const s = threeTier();
  expect(explain(s, q('web1', 'app2', 'tcp', 8085)).verdict).toBe('allow');
  expect(explain(s, q('web1', 'db1', 'tcp', 5432)).verdict).toBe('deny');
  expect(explain(s, q('app1', 'db1', 'tcp', 5432)).verdict).toBe('allow');
  expect(explain(s, q('app1', 'db2', 'tcp', 5432)).verdict).toBe('allow'); // db2 is dev, app1 has no Environment
  expect(explain(s, q('192.168.50.1', 'web2', 'tcp', 443)).verdict).toBe('allow');
  expect(explain(s, q('web1', '8.8.8.8', 'udp', 53)).verdict).toBe('allow');
  expect(explain(s, q('app1', '8.8.8.8', 'udp', 53)).verdict).toBe('deny');
  expect(explain(threeTier('monitor'), q('web1', 'db1', 'tcp', 5432)).verdict).toBe('would-deny');
  expect(explain(s, q('web1', 'db2', 'tcp', 5432))).toEqual({
    verdict: 'deny',
    layer: 'isolation',
    rule: 'prod-dev',
    mode: 'apply',
  });
});

describe('round 2: Flow parity', () => {
  const strictQ = (part: Partial<PolicySnapshot>) =>
    two({
      entities: [...two({}).entities, ent('s', 'hb', ['10.0.0.8', 'fd00::8'], { T: 'b', Quarantine: 'Strict' })],
      ...part,
    });

  test('Strict quarantine denies everything, whatever a rule lists; Forensic keeps the forensic lists', () => {
    const s = strictQ({
      quarantine_rules: [
        quar({
          name: 'tools',
          target: { categories: { Quarantine: ['Strict', 'Forensic'] } },
          inbound: [inb({ from: { any: true } })],
          outbound: [outb({ to: { any: true } })],
        }),
      ],
      shared_service_rules: [shared({ name: 'all', providers: { categories: {} }, consumers: { any: true } })],
    });
    const strict = { verdict: 'deny', layer: 'quarantine', rule: null, mode: 'apply' };
    expect(explain(s, q('a', 's'))).toEqual(strict);
    expect(explain(s, q('s', 'a'))).toEqual(strict);
    expect(explain(s, q('s', '192.0.2.1', 'udp', 53))).toEqual(strict);
    expect(explain(s, q('fd00::1', 'fd00::8'))).toEqual(strict);
    expect(explain(s, q('a', 'q'))).toEqual({ verdict: 'allow', layer: 'quarantine', rule: 'tools', mode: 'apply' });
  });

  test('shared services allow before isolation, only to providers, only listed services, from consumers', () => {
    const s = two({
      isolation_rules: [iso('iso', 'apply', { T: ['a'] }, { T: ['b'] })],
      application_rules: [app({ name: 'r', target: { categories: { T: ['b'] } } })],
      shared_service_rules: [
        shared({
          name: 'dns',
          providers: { categories: { T: ['b'] } },
          consumers: { categories: { T: ['a'] }, cidrs: ['192.0.2.0/24'] },
          services: [{ protocol: 'udp', ports: ['53'] }],
        }),
        shared({ name: 'off', mode: 'off', providers: { categories: { T: ['b'] } }, consumers: { any: true } }),
      ],
    });
    expect(explain(s, q('a', 'b', 'udp', 53))).toEqual({
      verdict: 'allow',
      layer: 'shared_service',
      rule: 'dns',
      mode: 'apply',
    });
    expect(explain(s, q('192.0.2.9', 'b', 'udp', 53))).toEqual({
      verdict: 'allow',
      layer: 'shared_service',
      rule: 'dns',
      mode: 'apply',
    });
    expect(explain(s, q('a', 'b', 'udp', 54)).layer).toBe('isolation');
    expect(explain(s, q('b', 'a', 'udp', 53)).layer).toBe('isolation');
    expect(explain(s, q('c', 'b', 'udp', 53))).toEqual({
      verdict: 'deny',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
  });

  test('isolation between three groups: members of different groups never talk, one group is unaffected', () => {
    const s = two({
      entities: [...two({}).entities, ent('d', 'hb', ['10.0.0.4'], { T: 'c' })],
      isolation_rules: [iso('three', 'apply', { T: ['a'] }, { T: ['b'] }, { T: ['c'] })],
    });
    for (const [x, y] of [
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'c'],
      ['c', 'b'],
      ['b', 'd'],
    ])
      expect(explain(s, q(x, y))).toEqual({ verdict: 'deny', layer: 'isolation', rule: 'three', mode: 'apply' });
    expect(explain(s, q('c', 'd')).layer).toBe('default');
    expect(explain(s, q('a', '192.0.2.1')).layer).toBe('default');
  });

  test('intra_group allow: two members of the target pass without the lists; deny keeps the lists', () => {
    const rule = (intra_group: 'allow' | 'deny') =>
      two({
        application_rules: [
          app({ name: 'r', target: { categories: { T: ['a', 'b'] } }, intra_group, outbound_policy: 'allow_listed' }),
        ],
      });
    expect(explain(rule('allow'), q('a', 'b', 'udp', 9))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
    expect(explain(rule('allow'), q('b', 'a', 'icmp', undefined))).toEqual({
      verdict: 'allow',
      layer: 'application',
      rule: 'r',
      mode: 'apply',
    });
    expect(explain(rule('allow'), q('a', 'c')).verdict).toBe('deny');
    expect(explain(rule('allow'), q('c', 'a')).verdict).toBe('deny');
    expect(explain(rule('deny'), q('a', 'b')).verdict).toBe('deny');
  });

  test('drafts are never in force; explainDrafts names those that would decide', () => {
    const s = two({
      application_rules: [app({ name: 'draft', mode: 'off', target: { categories: { T: ['b'] } } })],
      isolation_rules: [iso('iso-draft', 'off', { T: ['a'] }, { T: ['b'] })],
    });
    expect(explain(s, q('a', 'b'))).toEqual({ verdict: 'allow', layer: 'default', rule: null, mode: null });
    expect(explainDrafts(s, q('a', 'b'))).toEqual([
      { kind: 'application_rule', rule: 'draft', verdict: 'deny' },
      { kind: 'isolation_rule', rule: 'iso-draft', verdict: 'deny' },
    ]);
    expect(explainDrafts(s, q('c', 'a'))).toEqual([]);
  });

  test('ranges and exclusions, IPv4 and IPv6, in peers and address groups', () => {
    const s = two({
      address_groups: [{ name: 'lan', cidrs: ['192.0.2.0/24', 'fd99::10-fd99::20'], except: ['192.0.2.128/25'] }],
      application_rules: [
        app({
          name: 'r',
          target: { categories: { T: ['b'] } },
          inbound: [
            inb({ from: { address_groups: ['lan'] }, services: [{ protocol: 'tcp', ports: ['80'] }] }),
            inb({
              from: { cidrs: ['10.0.0.1-10.0.0.5'], except: ['10.0.0.3/32'] },
              services: [{ protocol: 'tcp', ports: ['80'] }],
            }),
            inb({ from: { any: true, except: ['0.0.0.0/1'] }, services: [{ protocol: 'tcp', ports: ['443'] }] }),
          ],
        }),
      ],
    });
    const v = (src: string, port = 80) => explain(s, q(src, 'b', 'tcp', port)).verdict;
    expect([v('192.0.2.1'), v('192.0.2.127'), v('192.0.2.128'), v('192.0.2.255')]).toEqual([
      'allow',
      'allow',
      'deny',
      'deny',
    ]);
    expect([v('fd99::f'), v('fd99::10'), v('fd99::20'), v('fd99::21')]).toEqual(['deny', 'allow', 'allow', 'deny']);
    expect([v('a'), v('c'), v('10.0.0.5'), v('10.0.0.6')]).toEqual(['allow', 'deny', 'allow', 'deny']);
    expect([v('10.0.0.1', 443), v('192.0.2.1', 443), v('fd00::1', 443)]).toEqual(['deny', 'allow', 'allow']);
  });

  test('sctp with ports; other protocols by name or number; icmp by type', () => {
    const s = two({
      application_rules: [
        app({
          name: 'r',
          target: { categories: { T: ['b'] } },
          inbound: [
            inb({
              from: { any: true },
              services: [{ protocol: 'sctp', ports: ['3868'] }, { protocol: 'gre' }, { protocol: '99' }],
            }),
          ],
        }),
      ],
    });
    expect(explain(s, q('a', 'b', 'sctp', 3868)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', 'sctp', 3869)).verdict).toBe('deny');
    expect(explain(s, q('a', 'b', 'tcp', 3868)).verdict).toBe('deny');
    expect(explain(s, q('a', 'b', 'gre', undefined)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', '47', undefined)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', '99', undefined)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', 'esp', undefined)).verdict).toBe('deny');
  });

  test('a service written by number is the protocol of that number: 47 is gre, 6 is tcp with its ports', () => {
    const s = two({
      application_rules: [
        app({
          name: 'r',
          target: { categories: { T: ['b'] } },
          inbound: [inb({ from: { any: true }, services: [{ protocol: '47' }, { protocol: '6', ports: ['22'] }] })],
        }),
      ],
    });
    expect(explain(s, q('a', 'b', 'gre', undefined)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', '47', undefined)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', 'tcp', 22)).verdict).toBe('allow');
    expect(explain(s, q('a', 'b', 'tcp', 23)).verdict).toBe('deny');
    expect(explain(s, q('a', 'b', 'esp', undefined)).verdict).toBe('deny');
    expect(explain(s, q('a', 'b', 'udp', 22)).verdict).toBe('deny');
  });
});
