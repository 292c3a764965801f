/** Pure validation: addresses, services, peers, references, and the snapshot builder. */
import fc from 'fast-check';
import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { canonicalAddress, formatAddress, parseCidr, cidrContains, parseAddress } from '../../service/model/net';
import {
  checkCidr,
  checkAddress,
  checkMac,
  checkService,
  validateShape,
  validateChange,
  validateDelete,
  findUsers,
  type ModelIndex,
} from '../../service/model/validate';
import { buildSnapshot } from '../../service/model/load-snapshot';
import { IndexedModel } from '../../service/model/indexes';

function model(parts: Partial<{ [K in keyof ModelIndex]: unknown[] }>): ModelIndex {
  const kinds = [
    'category',
    'address_group',
    'service_group',
    'host',
    'entity',
    'application_rule',
    'isolation_rule',
    'quarantine_rule',
    'shared_service_rule',
  ] as const;
  return Object.fromEntries(
    kinds.map((k) => [k, new Map(((parts[k] ?? []) as { name: string }[]).map((o) => [o.name, o]))]),
  ) as unknown as ModelIndex;
}

describe('addresses', () => {
  test.each([
    ['10.0.0.0/24', null],
    ['10.0.0.1/24', 'did you mean 10.0.0.0/24'],
    ['0.0.0.0/0', null],
    ['10.0.0.1/32', null],
    ['10.0.0.1', 'did you mean 10.0.0.1/32'],
    ['10.0.0.0/33', 'is not a CIDR'],
    ['010.0.0.0/8', 'is not a CIDR'],
    ['10.0.0.0/08', 'is not a CIDR'],
    ['2001:db8::/32', null],
    ['2001:DB8::/32', 'did you mean 2001:db8::/32'],
    ['2001:db8::1/32', 'did you mean 2001:db8::/32'],
    ['2001:0db8:0:0:0:0:0:0/32', 'did you mean 2001:db8::/32'],
    ['::/0', null],
    ['fe80::1%eth0/64', 'is not a CIDR'],
    ['2001:db8::/129', 'is not a CIDR'],
  ])('cidr %s', (text, message) => {
    const errors = checkCidr(text, 'cidrs[0]');
    if (message === null) expect(errors).toEqual([]);
    else expect(errors).toEqual([{ field: 'cidrs[0]', message: expect.stringContaining(message) }]);
  });

  test.each([
    ['10.0.0.1', null],
    ['255.255.255.255', null],
    ['256.0.0.1', 'not an IPv4'],
    ['1.2.3', 'not an IPv4'],
    ['fd00::1', null],
    ['FD00::1', 'did you mean fd00::1'],
    ['fd00:0:0:0:0:0:0:1', 'did you mean fd00::1'],
    ['::ffff:1.2.3.4', 'did you mean ::ffff:102:304'],
    ['::1.2.3.4', 'did you mean ::102:304'],
    ['1.2.3.04', 'not an IPv4'],
    ['2001:db8:0:1:1:1:1:1', null],
    // RFC 5952: of two equal zero runs the first is compressed; a single zero group never is.
    ['2001:db8::1:0:0:1', null],
    ['2001:db8:0:0:1:0:0:1', 'did you mean 2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', null],
    ['2001:db8::1:1:1:1:1', 'did you mean 2001:db8:0:1:1:1:1:1'],
    ['x', 'not an IPv4'],
  ])('address %s', (text, message) => {
    const errors = checkAddress(text, 'ips[0]');
    if (message === null) expect(errors).toEqual([]);
    else expect(errors[0].message).toContain(message);
  });

  test('IPv6 formatting is RFC 5952 and round-trips (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 0xffff }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat({ max: 7 }), { maxLength: 8 }),
        (groups, zeroGroups) => {
          // Zero some groups so that "::" runs of every length occur.
          const parts = groups.map((g, i) => (zeroGroups.includes(i) ? 0 : g));
          const text = formatAddress(new ipaddr.IPv6(parts));
          expect(isIPv6(text)).toBe(true);
          expect((parseAddress(text) as ipaddr.IPv6).parts).toEqual(parts);
          expect(canonicalAddress(text)).toBe(text);
          expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
          expect(text.split('::').length).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('cidr containment', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseAddress('10.2.3.4')!)).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseAddress('11.0.0.0')!)).toBe(false);
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseAddress('2001:db8::5')!)).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseAddress('::1')!)).toBe(false);
  });

  test.each([
    ['02:00:00:00:00:01', null],
    ['02:00:00:00:00:0A', 'did you mean 02:00:00:00:00:0a'],
    ['02-00-00-00-00-01', 'did you mean 02:00:00:00:00:01'],
    ['01:00:5e:00:00:01', 'multicast'],
    ['ff:ff:ff:ff:ff:ff', 'multicast'],
    ['00:00:00:00:00:00', 'all-zero'],
    ['02:00:00:00:00', 'not a MAC'],
  ])('mac %s', (text, message) => {
    const errors = checkMac(text, 'mac');
    if (message === null) expect(errors).toEqual([]);
    else expect(errors[0].message).toContain(message);
  });
});

describe('services', () => {
  test.each([
    [{ protocol: 'tcp', ports: ['1', '65535', '1-65535'] }, []],
    [{ protocol: 'udp', ports: ['53', '53'] }, ['s.ports[1]']],
    [{ protocol: 'tcp', ports: ['0'] }, ['s.ports[0]']],
    [{ protocol: 'tcp', ports: ['100-99'] }, ['s.ports[0]']],
    [{ protocol: 'any', ports: ['80'] }, ['s.ports']],
    [{ protocol: 'icmp', icmp_type: 8, icmp_code: 0 }, []],
    [{ protocol: 'icmpv6', icmp_code: 0 }, ['s.icmp_code']],
    [{ protocol: 'udp', icmp_type: 3 }, ['s.icmp_type']],
  ] as const)('%j', (service, fields) => {
    expect(checkService(service as never, 's').map((e) => e.field)).toEqual(fields);
  });
});

describe('objects and references', () => {
  const base = IndexedModel.of(
    model({
      category: [
        { name: 'Quarantine', values: ['Strict', 'Forensic'] },
        { name: 'Tier', values: ['web', 'db'] },
      ],
      address_group: [{ name: 'office', cidrs: ['192.0.2.0/24'] }],
      service_group: [{ name: 'web', services: [{ protocol: 'tcp', ports: ['80'] }] }],
      host: [{ name: 'hv1', uplinks: ['eth0'] }],
      entity: [{ name: 'web1', host: 'hv1', port: 'p1', ips: ['10.0.0.1'], categories: { Tier: 'web' } }],
      application_rule: [
        {
          name: 'shop',
          mode: 'apply',
          target: { categories: { Tier: ['web'] } },
          inbound: [{ from: { address_groups: ['office'] }, service_groups: ['web'] }],
          outbound_policy: 'allow_all',
          outbound: [],
        },
      ],
    }),
  );

  test('a peer with no part, or any with other parts, is rejected', () => {
    const rule = (from: unknown) => ({ name: 'r', mode: 'apply', target: { categories: {} }, inbound: [{ from }] });
    expect(validateShape('application_rule', rule({}) as never).map((e) => e.field)).toEqual(['inbound[0].from']);
    expect(validateShape('application_rule', rule({ any: false, cidrs: [] }) as never).map((e) => e.field)).toEqual([
      'inbound[0].from',
    ]);
    expect(
      validateShape('application_rule', rule({ any: true, cidrs: ['10.0.0.0/8'] }) as never).map((e) => e.field),
    ).toEqual(['inbound[0].from.any']);
    expect(validateShape('application_rule', rule({ categories: {} }) as never)).toEqual([]);
  });

  test('references must exist, values must be values of the category', () => {
    const rule = {
      name: 'r2',
      mode: 'monitor',
      target: { categories: { Tier: ['db', 'cache'] } },
      inbound: [{ from: { address_groups: ['home'] }, service_groups: ['ssh'] }],
    };
    expect(validateChange('application_rule', rule as never, null, base).map((e) => e.field)).toEqual([
      'target.categories.Tier[1]',
      'inbound[0].from.address_groups[0]',
      'inbound[0].service_groups[0]',
    ]);
    const q = { name: 'q', mode: 'apply' };
    expect(validateChange('quarantine_rule', q as never, null, base)).toEqual([]);
  });

  test('who uses what', () => {
    expect(findUsers(base, 'category', 'Tier')).toEqual([
      'entity web1 (categories.Tier)',
      'application_rule shop (target.categories.Tier[0])',
    ]);
    expect(findUsers(base, 'category', 'Tier', 'db')).toEqual([]);
    expect(validateDelete('address_group', 'office', base)).toEqual([
      expect.objectContaining({ code: 'in_use', message: expect.stringContaining('application_rule shop') }),
    ]);
    expect(validateDelete('entity', 'web1', base)).toEqual([]);
    expect(validateDelete('category', 'Quarantine', base)[0].code).toBe('conflict');
  });

  test('an entity may not reuse another entity IP or port, nor an uplink', () => {
    const e = (over: object) => ({ name: 'e2', host: 'hv1', port: 'p2', ips: ['10.0.0.2'], categories: {}, ...over });
    expect(validateChange('entity', e({}) as never, null, base)).toEqual([]);
    expect(validateChange('entity', e({ ips: ['10.0.0.2', '10.0.0.1'] }) as never, null, base)).toEqual([
      expect.objectContaining({ field: 'ips[1]', code: 'conflict' }),
    ]);
    expect(validateChange('entity', e({ port: 'p1' }) as never, null, base)).toEqual([
      expect.objectContaining({ field: 'port', code: 'conflict' }),
    ]);
    expect(validateChange('entity', e({ port: 'eth0' }) as never, null, base)).toEqual([
      expect.objectContaining({ field: 'port', code: 'conflict' }),
    ]);
    // Replacing web1 itself keeps its own IP and port.
    expect(
      validateChange(
        'entity',
        { name: 'web1', host: 'hv1', port: 'p1', ips: ['10.0.0.1'], categories: {} } as never,
        'web1',
        base,
      ),
    ).toEqual([]);
  });

  test('the indexes follow every set and delete, so conflicts and users are those of the model as it is now', () => {
    const m = IndexedModel.of(model({ host: [{ name: 'hv1' }], category: [{ name: 'Tier', values: ['web', 'db'] }] }));
    const e = (name: string, over: object = {}) =>
      ({ name, host: 'hv1', port: `p-${name}`, ips: [`10.0.0.${name.length}`], categories: {}, ...over }) as never;
    m.set('entity', 'a', e('a', { categories: { Tier: 'web' } }));
    expect(validateChange('entity', e('b', { ips: ['10.0.0.1'] }), null, m)).toEqual([
      { field: 'ips[0]', message: 'IP 10.0.0.1 already belongs to entity "a"', code: 'conflict' },
    ]);
    expect(findUsers(m, 'category', 'Tier', 'web')).toEqual(['entity a (categories.Tier)']);
    // a moves to another IP, port and value: the old ones are free, the new ones taken.
    m.set('entity', 'a', e('a', { ips: ['10.0.0.9'], port: 'p9', categories: { Tier: 'db' } }));
    expect(validateChange('entity', e('b', { ips: ['10.0.0.1'], port: 'p-a' }), null, m)).toEqual([]);
    expect(validateChange('entity', e('b', { ips: ['10.0.0.9'] }), null, m).map((x) => x.field)).toEqual(['ips[0]']);
    expect(validateChange('entity', e('b', { port: 'p9' }), null, m).map((x) => x.field)).toEqual(['port']);
    expect(findUsers(m, 'category', 'Tier', 'web')).toEqual([]);
    expect(findUsers(m, 'category', 'Tier', 'db')).toEqual(['entity a (categories.Tier)']);
    m.delete('entity', 'a');
    expect(findUsers(m, 'category', 'Tier')).toEqual([]);
    expect(validateChange('entity', e('b', { ips: ['10.0.0.9'], port: 'p9' }), null, m)).toEqual([]);
    expect(validateDelete('host', 'hv1', m)).toEqual([]);
  });

  test("the snapshot fills defaults, sorts by name and carries each rule's id", () => {
    const m = model({
      host: [{ name: 'b' }, { name: 'a', bridge: 'br0', uplinks: ['u'] }],
      application_rule: [{ name: 'r', mode: 'apply', target: { categories: {} }, inbound: [{ from: { any: true } }] }],
      quarantine_rule: [{ name: 'q', mode: 'monitor' }],
      entity: [{ name: 'e', host: 'a', port: 'p', ips: [], description: 'dropped' }],
    });
    const ids: Record<string, number> = { 'application_rule:r': 3, 'quarantine_rule:q': 9 };
    const s = buildSnapshot(7, m, (kind, name) => ids[`${kind}:${name}`]);
    expect(s.generation).toBe(7);
    expect(s.hosts).toEqual([
      { name: 'a', bridge: 'br0', uplinks: ['u'] },
      { name: 'b', bridge: 'br.microseg', uplinks: [] },
    ]);
    expect(s.entities).toEqual([{ name: 'e', host: 'a', port: 'p', ips: [], categories: {} }]);
    expect(s.application_rules).toEqual([
      {
        name: 'r',
        id: 3,
        mode: 'apply',
        target: { categories: {} },
        inbound: [{ from: { any: true }, services: [], service_groups: [] }],
        outbound_policy: 'allow_all',
        outbound: [],
        intra_group: 'deny',
        log: false,
      },
    ]);
    expect(s.quarantine_rules).toEqual([
      {
        name: 'q',
        id: 9,
        mode: 'monitor',
        target: { categories: { Quarantine: ['Forensic'] } },
        inbound: [],
        outbound: [],
        log: false,
      },
    ]);
  });
});
