/** The provider framework as pure functions: plan, state normalization, paths, schemas, validation. */
import { UNKNOWN, type ObjectValue } from '../../provider/cty/value';
import { T } from '../../provider/cty/types';
import { formatPath, parseFieldPath } from '../../provider/framework/diagnostics';
import { diagnosticPath, toProtoPath } from '../../provider/framework/proto-diagnostics';
import { fromApi } from '../../provider/framework/normalize';
import { planResource } from '../../provider/framework/plan';
import { displayField, toBody } from '../../provider/framework/body';
import { toProtoSchema, type Schema } from '../../provider/framework/schema';
import { validateObject } from '../../provider/framework/validate';
import { error } from '../../provider/framework/diagnostics';
import { kindSchema } from '../../provider/resources/rest';
import { validateBody } from '../../provider/resources/validate-body';
import { settingsFrom } from '../../provider/resources/provider';
import { parseDuration } from '../../service/model/duration';
import { laggingHosts } from '../../provider/client/realization';
import { createLogger, levelFromEnv } from '../../provider/log';

const schema: Schema = {
  description: 'test',
  attributes: {
    id: { description: 'id', type: T.string, computed: true, useStateForUnknown: true },
    version: { description: 'v', type: T.number, computed: true, changesOnUpdate: true },
    name: { description: 'n', type: T.string, required: true },
    zone: { description: 'z', type: T.string, required: true, requiresReplace: true },
    description: { description: 'd', type: T.string, optional: true, computed: true, default: '' },
    tags: { description: 't', type: T.set(T.string), optional: true },
  },
};

describe('planResource', () => {
  const config = { id: null, version: null, name: 'a', zone: 'z1', description: null, tags: null };

  test('create: computed attributes unknown, defaults filled', () => {
    const { planned, requiresReplace } = planResource(schema, null, { ...config }, config);
    expect(planned).toEqual({ id: UNKNOWN, version: UNKNOWN, name: 'a', zone: 'z1', description: '', tags: null });
    expect(requiresReplace).toEqual([]);
  });

  test('no change: the prior state stands, nothing unknown', () => {
    const prior = { id: 'i1', version: 3, name: 'a', zone: 'z1', description: '', tags: null };
    const { planned } = planResource(schema, prior, { ...prior }, config);
    expect(planned).toEqual(prior);
  });

  test('update: id kept, version unknown; a default comes back over drift', () => {
    const prior = { id: 'i1', version: 3, name: 'a', zone: 'z1', description: 'drifted', tags: null };
    const proposed = { ...prior }; // terraform proposes the prior value for an optional+computed attribute left out
    const { planned, requiresReplace } = planResource(schema, prior, proposed, config);
    expect(planned).toEqual({ id: 'i1', version: UNKNOWN, name: 'a', zone: 'z1', description: '', tags: null });
    expect(requiresReplace).toEqual([]);
  });

  test('a requires-replace attribute that changes is reported', () => {
    const prior = { id: 'i1', version: 3, name: 'a', zone: 'z1', description: '', tags: null };
    const { requiresReplace } = planResource(schema, prior, { ...prior, zone: 'z2' }, { ...config, zone: 'z2' });
    expect(requiresReplace).toEqual([['zone']]);
  });

  test('set order alone is no change', () => {
    const prior = { id: 'i1', version: 3, name: 'a', zone: 'z1', description: '', tags: ['x', 'y'] };
    const { planned } = planResource(schema, prior, { ...prior, tags: ['y', 'x'] }, { ...config, tags: ['y', 'x'] });
    expect(planned!.version).toBe(3);
  });

  test('destroy plans null', () => {
    expect(planResource(schema, { id: 'i1' }, null, null).planned).toBeNull();
  });
});

describe('fromApi (state from the service, spelled like the reference)', () => {
  const rule = kindSchema('application_rule', 'rule');

  test('absent or empty optional values follow the configuration: null stays null, [] stays []', () => {
    const api = {
      name: 'r',
      mode: 'monitor',
      target: { categories: { A: ['x'] } },
      inbound: [{ from: { any: true }, services: [], service_groups: [] }],
      outbound_policy: 'allow_all',
      outbound: [],
      description: '',
      id: 'i',
      version: 1,
      created_at: 't',
      updated_at: 't',
    };
    const nullRef = {
      inbound: [
        {
          from: { any: true, cidrs: null, categories: null, address_groups: null },
          to: null,
          services: null,
          service_groups: null,
        },
      ],
    } as ObjectValue;
    const s1 = fromApi(rule.attributes, api, nullRef);
    expect((s1.inbound as ObjectValue[])[0].services).toBeNull();
    const emptyRef = {
      inbound: [{ from: { any: true }, services: [], service_groups: null }],
    } as unknown as ObjectValue;
    const s2 = fromApi(rule.attributes, api, emptyRef);
    expect((s2.inbound as ObjectValue[])[0].services).toEqual([]);
    expect(s2.outbound).toEqual([]); // has a default: the service's value
    expect(s2.description).toBe('');
  });

  test('set elements pair with the reference element that means the same, whatever the order', () => {
    const sg = kindSchema('service_group', 'sg');
    const api = {
      name: 'g',
      services: [
        { protocol: 'udp', ports: [] },
        { protocol: 'tcp', ports: ['443'] },
      ],
    };
    const ref = {
      services: [
        { protocol: 'tcp', ports: ['443'], icmp_type: null, icmp_code: null },
        { protocol: 'udp', ports: [], icmp_type: null, icmp_code: null },
      ],
    } as unknown as ObjectValue;
    const s = fromApi(sg.attributes, api, ref);
    expect(s.services).toEqual([
      { protocol: 'udp', ports: [], icmp_type: null, icmp_code: null },
      { protocol: 'tcp', ports: ['443'], icmp_type: null, icmp_code: null },
    ]);
    const s0 = fromApi(sg.attributes, api, null);
    expect((s0.services as ObjectValue[])[0].ports).toBeNull();
  });

  test('real differences are kept (drift shows)', () => {
    const ag = kindSchema('address_group', 'ag');
    const s = fromApi(ag.attributes, { name: 'o', cidrs: ['10.0.0.0/8'] }, {
      name: 'o',
      cidrs: ['10.0.0.0/8', '10.1.0.0/16'],
    } as ObjectValue);
    expect(s.cidrs).toEqual(['10.0.0.0/8']);
  });
});

describe('paths', () => {
  const rule = kindSchema('application_rule', 'rule');
  const entity = kindSchema('entity', 'entity');

  test('service fields parse into steps', () => {
    expect(parseFieldPath('inbound[0].from.cidrs[1]')).toEqual(['inbound', 0, 'from', 'cidrs', 1]);
    expect(parseFieldPath('categories["App Tier"]')).toEqual(['categories', { key: 'App Tier' }]);
    expect(formatPath(['inbound', 0, 'from', { key: 'k' }])).toBe('inbound[0].from["k"]');
  });

  test('protocol paths stop at sets, turn names under maps into keys', () => {
    expect(toProtoPath(rule, ['inbound', 0, 'from', 'cidrs', 1])).toEqual({ steps: [{ attribute_name: 'inbound' }] });
    expect(toProtoPath(rule, ['target', 'categories', 'AppTier', 0])).toEqual({
      steps: [{ attribute_name: 'target' }, { attribute_name: 'categories' }, { element_key_string: 'AppTier' }],
    });
    expect(toProtoPath(entity, ['ips', 1])).toEqual({ steps: [{ attribute_name: 'ips' }, { element_key_int: 1 }] });
    expect(toProtoPath(entity, ['categories', 'AppTier'])).toEqual({
      steps: [{ attribute_name: 'categories' }, { element_key_string: 'AppTier' }],
    });
  });

  test('diagnostics point at the top-level attribute (with one index) that terraform can show', () => {
    expect(diagnosticPath(rule, ['target', 'categories', 'AppTier', 0])).toEqual({
      steps: [{ attribute_name: 'target' }],
    });
    expect(diagnosticPath(entity, ['ips', 1])).toEqual({ steps: [{ attribute_name: 'ips' }, { element_key_int: 1 }] });
  });
});

describe('schemas derived from schemas.ts', () => {
  test('every attribute has a description; arrays are sets except ips; nested entries are set-nested', () => {
    const walk = (
      attrs: Record<string, { description: string; nested?: { attributes: Record<string, unknown> } }>,
      where: string,
    ): string[] =>
      Object.entries(attrs).flatMap(([k, a]) => [
        ...(a.description ? [] : [`${where}.${k}`]),
        ...(a.nested ? walk(a.nested.attributes as never, `${where}.${k}`) : []),
      ]);
    for (const kind of [
      'category',
      'address_group',
      'service_group',
      'host',
      'entity',
      'application_rule',
      'isolation_rule',
      'quarantine_rule',
    ] as const) {
      expect(walk(kindSchema(kind, kind).attributes as never, kind)).toEqual([]);
    }
    const rule = kindSchema('application_rule', 'r').attributes;
    expect(rule.inbound.nested!.nesting).toBe('set');
    expect(rule.inbound.nested!.attributes.from.nested!.attributes.cidrs.type).toEqual(T.set(T.string));
    expect(rule.target.nested!.attributes.categories.type).toEqual(T.map(T.set(T.string)));
    expect(rule.outbound_policy).toMatchObject({ optional: true, computed: true, default: 'allow_all' });
    expect(kindSchema('entity', 'e').attributes.ips.type).toEqual(T.list(T.string));
    expect(kindSchema('quarantine_rule', 'q').attributes.target.default).toEqual({
      categories: { Quarantine: ['Forensic'] },
    });
    const proto = toProtoSchema(kindSchema('host', 'h'));
    expect(proto.block.attributes.map((a) => a.name)).toEqual([
      'bridge',
      'created_at',
      'description',
      'id',
      'name',
      'ovs_rundir',
      'updated_at',
      'uplinks',
      'version',
    ]);
  });
});

describe("validation with the service's own schemas and checks", () => {
  test('bad values are named by their path; unknown places are not judged', () => {
    const ag = kindSchema('address_group', 'ag');
    const b = toBody(ag.attributes, {
      name: 'o',
      cidrs: ['10.0.0.1/33'],
      description: null,
      id: null,
      version: null,
      created_at: null,
      updated_at: null,
    });
    const ds = validateBody('address_group', b.json, b.unknownPaths);
    expect(ds).toEqual([expect.objectContaining({ summary: 'Invalid value for cidrs[0]', path: ['cidrs', 0] })]);
    expect(ds[0].detail).toContain('"10.0.0.1/33" is not a CIDR');

    const sg = kindSchema('service_group', 'sg');
    const body = toBody(sg.attributes, {
      name: 'g',
      services: [{ protocol: 'tcp', ports: ['70000'], icmp_type: null, icmp_code: null }],
    });
    expect(validateBody('service_group', body.json, body.unknownPaths)[0].detail).toBe(
      'services[0].ports[0]: "70000": ports are 1-65535',
    );
    const proto = toBody(sg.attributes, {
      name: 'g',
      services: [{ protocol: 'ipx', ports: null, icmp_type: null, icmp_code: null }],
    });
    expect(validateBody('service_group', proto.json, proto.unknownPaths)[0].detail).toMatch(
      /^services\[0\]\.protocol: "ipx" is not valid \(IP protocol: tcp, udp, sctp/,
    );
    const byNumber = toBody(sg.attributes, {
      name: 'g',
      services: [{ protocol: '50', ports: null, icmp_type: null, icmp_code: null }],
    });
    expect(validateBody('service_group', byNumber.json, byNumber.unknownPaths)).toEqual([]);
    const twice = toBody(sg.attributes, {
      name: 'g',
      services: [
        { protocol: 'esp', ports: null, icmp_type: null, icmp_code: null },
        { protocol: '50', ports: null, icmp_type: null, icmp_code: null },
      ],
    });
    expect(validateBody('service_group', twice.json, twice.unknownPaths)[0].detail).toBe(
      'services[1]: duplicate of services[0]',
    );
    const big = toBody(sg.attributes, {
      name: 'g',
      services: [{ protocol: '256', ports: null, icmp_type: null, icmp_code: null }],
    });
    expect(validateBody('service_group', big.json, big.unknownPaths)[0].detail).toBe(
      'services[0].protocol: "256" is not an IP protocol: protocol numbers are 0-255',
    );

    const entity = kindSchema('entity', 'e');
    const partial = toBody(entity.attributes, {
      name: UNKNOWN,
      host: 'h',
      port: 'p',
      ips: ['10.0.0.1'],
      mac: null,
      categories: null,
    });
    expect(partial.unknownPaths).toEqual(['name']);
    expect(validateBody('entity', partial.json, partial.unknownPaths)).toEqual([]);
  });

  test('validators run on nested values; required nested attributes are enforced', () => {
    const s: Schema = {
      description: '',
      attributes: {
        items: {
          description: '',
          nested: {
            nesting: 'list',
            attributes: {
              n: {
                description: '',
                type: T.number,
                required: true,
                validators: [(v, p) => (Number(v) > 9 ? [error('too big', 'too big', p)] : [])],
              },
            },
          },
          optional: true,
        },
      },
    };
    expect(
      validateObject(s.attributes, { items: [{ n: 1 }, { n: 10 }, { n: null }] }).map((d) => [d.summary, d.path]),
    ).toEqual([
      ['too big', ['items', 1, 'n']],
      ['Missing required attribute', ['items', 2, 'n']],
    ]);
  });
});

describe('provider settings', () => {
  test('durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('soon')).toBeNull();
  });

  test('configuration wins over MICROSEG_* variables, which win over defaults', () => {
    const none = {
      endpoint: null,
      token: null,
      ca_cert: null,
      insecure: null,
      timeout: null,
      wait_for_realization: null,
    };
    expect(settingsFrom(none, {})).toEqual({
      endpoint: 'http://127.0.0.1:7480',
      token: undefined,
      caCert: undefined,
      insecure: false,
      timeoutMs: 300_000,
      waitForRealization: true,
    });
    const env = {
      MICROSEG_ENDPOINT: 'http://e:1',
      MICROSEG_TOKEN: 't',
      MICROSEG_INSECURE: 'true',
      MICROSEG_TIMEOUT: '10s',
      MICROSEG_WAIT_FOR_REALIZATION: 'false',
      MICROSEG_CA_CERT: 'pem',
    };
    expect(settingsFrom(none, env)).toEqual({
      endpoint: 'http://e:1',
      token: 't',
      caCert: 'pem',
      insecure: true,
      timeoutMs: 10_000,
      waitForRealization: false,
    });
    expect(
      settingsFrom({ ...none, endpoint: 'http://c:2', wait_for_realization: true, timeout: '1m' }, env),
    ).toMatchObject({ endpoint: 'http://c:2', waitForRealization: true, timeoutMs: 60_000 });
    expect(() => settingsFrom(none, { MICROSEG_WAIT_FOR_REALIZATION: 'maybe' })).toThrow(
      'MICROSEG_WAIT_FOR_REALIZATION must be true or false',
    );
    expect(() => settingsFrom({ ...none, timeout: 'soon' }, {})).toThrow('timeout: "soon" is not a duration');
    expect(() => settingsFrom({ ...none, endpoint: UNKNOWN }, env)).toThrow('endpoint is not known until apply');
  });
});

describe('which hosts lag', () => {
  test('hosts with entities or a live agent must reach the generation; idle hosts without agents are skipped; an unreachable or silent host is never done', () => {
    const status = {
      generation: 7,
      hosts: [
        { name: 'done', status: { realized_generation: 7 } },
        { name: 'behind', status: { realized_generation: 6, last_error: 'ovs-vswitchd not running' } },
        { name: 'no-agent-with-vms', status: { realized_generation: null } },
        { name: 'no-agent-idle', status: { realized_generation: null } },
        {
          name: 'silent',
          status: {
            realized_generation: 7,
            reachable: false,
            last_error: 'no report from the agent since 2026-01-01T00:00:00.000Z',
          },
        },
        {
          name: 'no-ovs',
          status: {
            realized_generation: 9,
            reachable: false,
            last_error: 'cannot reach Open vSwitch: connection refused',
          },
        },
      ],
    };
    const change = {
      generation: 7,
      hosts: ['done', 'behind', 'no-agent-with-vms', 'no-agent-idle', 'silent', 'no-ovs'],
    };
    expect(laggingHosts(status, change, new Set(['no-agent-with-vms', 'done']))).toEqual([
      { name: 'behind', reason: 'runs generation 6, needs 7; last error: ovs-vswitchd not running' },
      { name: 'no-agent-with-vms', reason: 'no agent has reported yet, needs 7' },
      {
        name: 'silent',
        reason:
          'unreachable (last ran generation 7), needs 7; last error: no report from the agent since 2026-01-01T00:00:00.000Z',
      },
      {
        name: 'no-ovs',
        reason:
          'unreachable (last ran generation 9), needs 7; last error: cannot reach Open vSwitch: connection refused',
      },
    ]);
    // Hosts the change does not affect are never waited for, however far behind.
    expect(laggingHosts(status, { generation: 7, hosts: ['done'] }, new Set(['no-agent-with-vms', 'done']))).toEqual(
      [],
    );
  });
});

describe('logs', () => {
  test('level from TF_LOG_PROVIDER or TF_LOG; secrets redacted', () => {
    expect(levelFromEnv({ TF_LOG: 'DEBUG' })).toBe('debug');
    expect(levelFromEnv({ TF_LOG: 'JSON' })).toBe('trace');
    expect(levelFromEnv({ TF_LOG: 'TRACE', TF_LOG_PROVIDER: 'ERROR' })).toBe('error');
    expect(levelFromEnv({})).toBeNull();
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l));
    log.redact('hunter2-secret');
    log.debug('hidden');
    log.info('sent hunter2-secret', { header: 'Bearer hunter2-secret' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('hunter2');
    expect(JSON.parse(lines[0])).toMatchObject({
      '@level': 'info',
      '@message': 'sent <redacted>',
      header: 'Bearer <redacted>',
    });
    // go-plugin only parses hclog lines whose timestamp has microseconds; others are logged raw.
    expect(JSON.parse(lines[0])['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe('displayField', () => {
  test('set elements are named by their value; list indices and map keys stay', () => {
    const attrs = kindSchema('application_rule', 'r').attributes;
    const json = {
      name: 'r',
      target: { categories: { AppTier: ['db', 'web'] } },
      inbound: [
        { from: { cidrs: ['10.0.0.0/8'] } },
        {
          from: { any: true },
          services: [
            { protocol: 'udp', ports: ['53'] },
            { protocol: 'tcp', ports: ['443', '70000'] },
          ],
        },
      ],
    };
    expect(displayField(attrs, json, 'inbound[1].services[1].ports[1]')).toBe(
      'inbound[{ from = { any = true }, services = [{ protocol = "udp", ports = ["53"] }, { protocol = "tcp", ports = ["443", "70000"] }] }].services[{ protocol = "tcp", ports = ["443", "70000"] }].ports["70000"]',
    );
    expect(displayField(attrs, json, 'target.categories.AppTier[1]')).toBe('target.categories.AppTier["web"]');
    expect(displayField(attrs, json, 'inbound[0].from.cidrs[0]')).toBe(
      'inbound[{ from = { cidrs = ["10.0.0.0/8"] } }].from.cidrs["10.0.0.0/8"]',
    );
    expect(displayField(attrs, json, 'outbound')).toBe('outbound');
    const entity = kindSchema('entity', 'e').attributes;
    expect(displayField(entity, { ips: ['10.0.0.1', '10.0.0.2'], categories: { A: 'x' } }, 'ips[1]')).toBe('ips[1]');
    expect(displayField(entity, { ips: ['10.0.0.1'], categories: { A: 'x' } }, 'categories.A')).toBe('categories.A');
  });
});
