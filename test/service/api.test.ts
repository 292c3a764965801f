/**
 * The REST API through real HTTP, on SQLite and on a real PostgreSQL: CRUD for
 * every kind, optimistic concurrency, integrity (409 naming the user),
 * validation (the field at fault), auth, generation and agent routes.
 */
import { startPostgres, type PgCluster } from '../support/postgres';
import { startService, type TestService } from '../support/service';

let pg: PgCluster | null = null;
afterAll(async () => {
  await pg?.stop();
});

/** A valid object of every kind (created in this order), and a replacement for the update test. */
const FIXTURES: { collection: string; create: Record<string, unknown>; update: Record<string, unknown> }[] = [
  {
    collection: 'categories',
    create: { name: 'Tier', values: ['web', 'app'] },
    update: { name: 'Tier', values: ['web', 'app', 'db'], description: 'tiers' },
  },
  {
    collection: 'address-groups',
    create: { name: 'office', cidrs: ['192.0.2.0/24', '2001:db8::/32'] },
    update: { name: 'office', cidrs: ['198.51.100.0/24'] },
  },
  {
    collection: 'service-groups',
    create: { name: 'https', services: [{ protocol: 'tcp', ports: ['443', '8000-8080'] }] },
    update: { name: 'https', services: [{ protocol: 'icmp', icmp_type: 8, icmp_code: 0 }] },
  },
  {
    collection: 'hosts',
    create: { name: 'hv1', uplinks: ['eth0'] },
    update: { name: 'hv1', uplinks: ['eth0', 'eth1'], ovs_rundir: '/var/run/hv1' },
  },
  {
    collection: 'entities',
    create: {
      name: 'web1',
      host: 'hv1',
      port: 'vm-web1',
      mac: '02:00:00:00:00:11',
      ips: ['10.0.0.11'],
      categories: { Tier: 'web' },
    },
    update: { name: 'web1', host: 'hv1', port: 'vm-web1', ips: ['10.0.0.11', 'fd00::11'], categories: { Tier: 'app' } },
  },
  {
    collection: 'application-rules',
    create: {
      name: 'shop',
      mode: 'monitor',
      target: { categories: { Tier: ['web', 'app'] } },
      inbound: [
        { from: { address_groups: ['office'] }, to: { categories: { Tier: ['web'] } }, service_groups: ['https'] },
      ],
    },
    update: {
      name: 'shop',
      mode: 'apply',
      target: { categories: { Tier: ['web'] } },
      inbound: [{ from: { cidrs: ['10.1.0.0/16'] }, services: [{ protocol: 'tcp', ports: ['22'] }] }],
      outbound_policy: 'allow_listed',
      outbound: [{ to: { any: true } }],
    },
  },
  {
    collection: 'isolation-rules',
    create: {
      name: 'split',
      mode: 'apply',
      groups: [{ categories: { Tier: ['web'] } }, { categories: { Tier: ['app'] } }],
    },
    update: {
      name: 'split',
      mode: 'monitor',
      groups: [{ categories: { Tier: ['web'] } }, { categories: { Tier: ['app'] } }],
    },
  },
  {
    collection: 'quarantine-rules',
    create: { name: 'q', mode: 'apply' },
    update: {
      name: 'q',
      mode: 'apply',
      inbound: [{ from: { cidrs: ['10.9.0.0/16'] }, services: [{ protocol: 'tcp', ports: ['22'] }] }],
    },
  },
];

/** A response's status with its body: a failed DELETE shows what the service answered (a 500 says where the log is). */
const answered = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });
const NO_CONTENT = { status: 204, body: undefined };

describe.each(['sqlite', 'postgres'] as const)('policy API on %s', (backend) => {
  let svc: TestService;
  const api: TestService['api'] = (...args) => svc.api(...args);

  beforeAll(async () => {
    let database = ':memory:';
    if (backend === 'postgres') {
      pg = pg ?? (await startPostgres());
      database = await pg.createDatabase();
    }
    svc = await startService({ database });
  });
  afterAll(async () => {
    await svc?.close();
  });

  test('every kind: create, read, list, update (current, stale If-Match, stale body version), delete', async () => {
    for (const f of FIXTURES) {
      const name = f.create.name as string;
      const created = await api('POST', `/v1/${f.collection}`, f.create);
      expect([f.collection, created.status, created.body]).toEqual([
        f.collection,
        201,
        expect.objectContaining({ ...f.create, version: 1, id: expect.any(String) }),
      ]);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(Date.parse(created.body.created_at)).toBeGreaterThan(0);

      const read = await api('GET', `/v1/${f.collection}/${name}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      const list = await api('GET', `/v1/${f.collection}`);
      expect(list.body.items.map((o: { name: string }) => o.name)).toContain(name);

      const updated = await api('PUT', `/v1/${f.collection}/${name}`, f.update, { headers: { 'if-match': '"1"' } });
      expect([f.collection, updated.status]).toEqual([f.collection, 200]);
      expect(updated.body).toEqual(
        expect.objectContaining({ ...f.update, version: 2, id: created.body.id, created_at: created.body.created_at }),
      );
      const same = await api('PUT', `/v1/${f.collection}/${name}`, f.update, { headers: { 'if-match': '"2"' } });
      expect([f.collection, same.status, same.body.version, same.body.updated_at]).toEqual([
        f.collection,
        200,
        2,
        updated.body.updated_at,
      ]);

      const staleHeader = await api('PUT', `/v1/${f.collection}/${name}`, f.create, { headers: { 'if-match': '1' } });
      expect([staleHeader.status, staleHeader.body.error, staleHeader.body.field]).toEqual([
        409,
        'version_conflict',
        'version',
      ]);
      const staleBody = await api('PUT', `/v1/${f.collection}/${name}`, { ...f.create, version: 1 });
      expect(staleBody.status).toBe(409);
      expect((await api('GET', `/v1/${f.collection}/${name}`)).body).toEqual(updated.body);
    }
    // Delete in reverse order (users before what they use).
    for (const f of [...FIXTURES].reverse()) {
      const name = f.create.name as string;
      const staleDelete = await api('DELETE', `/v1/${f.collection}/${name}`, undefined, {
        headers: { 'if-match': '"1"' },
      });
      expect(staleDelete.status).toBe(409);
      const del = await api('DELETE', `/v1/${f.collection}/${name}`, undefined, { headers: { 'if-match': '"2"' } });
      expect([f.collection, answered(del)]).toEqual([f.collection, NO_CONTENT]);
      expect((await api('GET', `/v1/${f.collection}/${name}`)).status).toBe(404);
      expect((await api('DELETE', `/v1/${f.collection}/${name}`)).status).toBe(404);
    }
  });

  test('delete, host rename or value removal of something in use → 409 naming the user', async () => {
    for (const f of FIXTURES) expect((await api('POST', `/v1/${f.collection}`, f.create)).status).toBe(201);
    const cases: [string, string][] = [
      ['/v1/categories/Tier', 'entity web1'],
      ['/v1/address-groups/office', 'application_rule shop'],
      ['/v1/service-groups/https', 'application_rule shop'],
      ['/v1/hosts/hv1', 'entity web1'],
    ];
    for (const [path, user] of cases) {
      const r = await api('DELETE', path);
      expect([path, r.status, r.body.error]).toEqual([path, 409, 'in_use']);
      expect(r.body.message).toContain(user);
    }
    const rename = await api('PUT', '/v1/hosts/hv1', { name: 'hv2', uplinks: ['eth0'] });
    expect([rename.status, rename.body.field]).toEqual([409, 'name']);
    expect(rename.body.message).toContain('entity web1');
    const dropValue = await api('PUT', '/v1/categories/Tier', { name: 'Tier', values: ['app'] });
    expect([dropValue.status, dropValue.body.field]).toEqual([409, 'values']);
    expect(dropValue.body.message).toMatch(/"web".*entity web1/);
    // Renaming something unused works, and the old name is gone.
    expect((await api('POST', '/v1/address-groups', { name: 'spare', cidrs: [] })).status).toBe(201);
    expect((await api('PUT', '/v1/address-groups/spare', { name: 'spare2', cidrs: [] })).body.name).toBe('spare2');
    expect((await api('GET', '/v1/address-groups/spare')).status).toBe(404);
    expect(answered(await api('DELETE', '/v1/address-groups/spare2'))).toEqual(NO_CONTENT);
    for (const f of [...FIXTURES].reverse())
      expect([f.collection, answered(await api('DELETE', `/v1/${f.collection}/${f.create.name}`))]).toEqual([
        f.collection,
        NO_CONTENT,
      ]);
  });

  test('renaming a category, address group or service group in use renames every reference in one write', async () => {
    for (const f of FIXTURES) expect((await api('POST', `/v1/${f.collection}`, f.create)).status).toBe(201);
    const before = {
      rule: (await api('GET', '/v1/application-rules/shop')).body,
      entity: (await api('GET', '/v1/entities/web1')).body,
      split: (await api('GET', '/v1/isolation-rules/split')).body,
    };
    const generation = (await api('GET', '/v1/status')).body.generation;
    const renames: [string, Record<string, unknown>][] = [
      ['/v1/categories/Tier', { name: 'Layer', values: ['web', 'app'] }],
      ['/v1/address-groups/office', { name: 'office2', cidrs: ['192.0.2.0/24', '2001:db8::/32'] }],
      ['/v1/service-groups/https', { name: 'tls', services: [{ protocol: 'tcp', ports: ['443', '8000-8080'] }] }],
    ];
    for (const [path, body] of renames) {
      const r = await api('PUT', path, body);
      expect([path, r.status]).toEqual([path, 200]);
      // The write says which generation it made and which hosts must realize it.
      expect(Number(r.headers.get('microseg-generation'))).toBeGreaterThan(generation);
      expect(r.headers.get('microseg-affected-hosts')).toBe('hv1');
    }
    const rule = (await api('GET', '/v1/application-rules/shop')).body;
    expect(rule.target).toEqual({ categories: { Layer: ['web', 'app'] } });
    expect(rule.inbound).toEqual([
      { from: { address_groups: ['office2'] }, to: { categories: { Layer: ['web'] } }, service_groups: ['tls'] },
    ]);
    expect(rule.version).toBe(before.rule.version + 3); // one new version per rename that touched it
    const entity = (await api('GET', '/v1/entities/web1')).body;
    expect([entity.categories, entity.version]).toEqual([{ Layer: 'web' }, before.entity.version + 1]);
    expect((await api('GET', '/v1/isolation-rules/split')).body).toMatchObject({
      groups: [{ categories: { Layer: ['web'] } }, { categories: { Layer: ['app'] } }],
    });
    expect((await api('GET', '/v1/quarantine-rules/q')).body.version).toBe(1); // uses none of them
    for (const old of ['/v1/categories/Tier', '/v1/address-groups/office', '/v1/service-groups/https'])
      expect((await api('GET', old)).status).toBe(404);
    // Read by id: the same object under its new name.
    const byId = await api('GET', `/v1/application-rules/by-id/${before.rule.id}`);
    expect([byId.status, byId.body.name, byId.headers.get('etag')]).toEqual([200, 'shop', `"${rule.version}"`]);
    const missing = await api('GET', '/v1/categories/by-id/no-such-id');
    expect([missing.status, missing.body.error, missing.body.field]).toEqual([404, 'not_found', 'id']);
    for (const f of [...FIXTURES].reverse()) {
      const name =
        f.collection === 'categories'
          ? 'Layer'
          : f.collection === 'address-groups'
            ? 'office2'
            : f.collection === 'service-groups'
              ? 'tls'
              : f.create.name;
      expect([f.collection, answered(await api('DELETE', `/v1/${f.collection}/${name}`))]).toEqual([
        f.collection,
        NO_CONTENT,
      ]);
    }
  });

  test('list by ids: only the objects named, sorted by name, unknown ids left out; a bad id list is a 400 on ids', async () => {
    const made = [];
    for (const name of ['ids-b', 'ids-a', 'ids-c'])
      made.push((await api('POST', '/v1/address-groups', { name, cidrs: ['10.77.0.0/16'] })).body);
    const [b, a] = made;
    const some = await api('GET', `/v1/address-groups?ids=${b.id},no-such-id,${a.id},${a.id}`);
    expect([some.status, some.body.items.map((o: { name: string }) => o.name)]).toEqual([200, ['ids-a', 'ids-b']]);
    expect(some.body.items[1]).toEqual(b);
    const host = (await api('POST', '/v1/hosts', { name: 'ids-host', uplinks: ['u'] })).body;
    const hosts = await api('GET', `/v1/hosts?ids=${host.id}`);
    // The same object as a read by id, the host's status included.
    expect(hosts.body.items).toEqual([(await api('GET', `/v1/hosts/by-id/${host.id}`)).body]);
    for (const [query, message] of [
      [`${a.id},,${b.id}`, /is not an object id/],
      [Array.from({ length: 101 }, (_, i) => `id${i}`).join(','), /names 101 objects; at most 100/],
    ] as const) {
      const bad = await api('GET', `/v1/address-groups?ids=${query}`);
      expect([bad.status, bad.body.error, bad.body.field]).toEqual([400, 'bad_request', 'ids']);
      expect(bad.body.message).toMatch(message);
    }
    for (const name of ['ids-a', 'ids-b', 'ids-c'])
      expect((await api('DELETE', `/v1/address-groups/${name}`)).status).toBe(204);
    expect((await api('DELETE', '/v1/hosts/ids-host')).status).toBe(204);
  });

  test('the built-in Quarantine category exists and cannot be deleted or renamed', async () => {
    const q = await api('GET', '/v1/categories/Quarantine');
    expect(q.body.values).toEqual(['Strict', 'Forensic']);
    expect((await api('DELETE', '/v1/categories/Quarantine')).status).toBe(409);
    expect((await api('PUT', '/v1/categories/Quarantine', { name: 'Q2', values: ['Strict', 'Forensic'] })).status).toBe(
      409,
    );
    const dropped = await api('PUT', '/v1/categories/Quarantine', { name: 'Quarantine', values: ['Strict'] });
    expect([dropped.status, dropped.body.field]).toEqual([422, 'values']);
    expect((await api('GET', '/v1/categories/Quarantine')).body.version).toBe(1);
  });

  test('validation errors name the field', async () => {
    await api('POST', '/v1/categories', { name: 'Env', values: ['prod', 'dev'] });
    await api('POST', '/v1/hosts', { name: 'hv9', uplinks: ['up0'] });
    await api('POST', '/v1/entities', {
      name: 'e1',
      host: 'hv9',
      port: 'p1',
      ips: ['10.9.0.1'],
      categories: { Env: 'prod' },
    });
    const rule = (inbound: unknown) => ({
      name: 'r',
      mode: 'apply',
      target: { categories: { Env: ['prod'] } },
      inbound: [inbound],
    });
    const cases: [string, string, unknown, number, string, RegExp?][] = [
      [
        'POST',
        '/v1/address-groups',
        { name: 'g', cidrs: ['10.0.0.0/8', '10.0.0.1/24'] },
        422,
        'cidrs[1]',
        /did you mean 10\.0\.0\.0\/24/,
      ],
      [
        'POST',
        '/v1/address-groups',
        { name: 'g', cidrs: ['2001:DB8::/32'] },
        422,
        'cidrs[0]',
        /did you mean 2001:db8::\/32/,
      ],
      ['POST', '/v1/address-groups', { name: 'g', cidrs: ['10.0.0.0/33'] }, 422, 'cidrs[0]'],
      ['POST', '/v1/address-groups', { name: 'g', cidrs: ['10.0.0.0/8', '10.0.0.0/8'] }, 422, 'cidrs[1]', /duplicate/],
      ['POST', '/v1/address-groups', { name: '9bad', cidrs: [] }, 400, 'name'],
      ['POST', '/v1/address-groups', { name: 'g', cidrs: [], extra: 1 }, 400, 'extra'],
      ['POST', '/v1/address-groups', { cidrs: [] }, 400, 'name'],
      ['POST', '/v1/categories', { name: 'Dup', values: ['a', 'a'] }, 422, 'values[1]'],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'tcp', ports: ['0'] }] },
        422,
        'services[0].ports[0]',
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'tcp', ports: ['65536'] }] },
        422,
        'services[0].ports[0]',
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'tcp', ports: ['90-80'] }] },
        422,
        'services[0].ports[0]',
        /low 90 is above high 80/,
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'icmp', ports: ['80'] }] },
        422,
        'services[0].ports',
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'tcp', icmp_type: 8 }] },
        422,
        'services[0].icmp_type',
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'icmp', icmp_code: 0 }] },
        422,
        'services[0].icmp_code',
      ],
      ['POST', '/v1/service-groups', { name: 's', services: [{ protocol: 'SCTP' }] }, 400, 'services[0].protocol'],
      [
        'POST',
        '/v1/service-groups',
        { name: 's', services: [{ protocol: 'icmp', icmp_type: 256 }] },
        400,
        'services[0].icmp_type',
      ],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'hv9', port: 'p2', ips: ['10.9.0.1'] },
        409,
        'ips[0]',
        /entity "e1"/,
      ],
      ['POST', '/v1/entities', { name: 'e2', host: 'hv9', port: 'p1', ips: ['10.9.0.2'] }, 409, 'port', /entity "e1"/],
      ['POST', '/v1/entities', { name: 'e2', host: 'hv9', port: 'up0', ips: ['10.9.0.2'] }, 409, 'port', /uplink/],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'nohost', port: 'p2', ips: ['10.9.0.2'] },
        422,
        'host',
        /does not exist/,
      ],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'hv9', port: 'p2', ips: ['10.9.0.2'], categories: { Env: 'qa' } },
        422,
        'categories.Env',
        /no value "qa"/,
      ],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'hv9', port: 'p2', ips: ['10.9.0.2'], categories: { Nope: 'x' } },
        422,
        'categories.Nope',
      ],
      ['POST', '/v1/entities', { name: 'e2', host: 'hv9', port: 'p2', ips: ['10.9.0.256'] }, 422, 'ips[0]'],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'hv9', port: 'p2', ips: ['fd00:0::1'] },
        422,
        'ips[0]',
        /did you mean fd00::1/,
      ],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'hv9', port: 'p2', ips: [], mac: '02:00:00:00:00:AA' },
        422,
        'mac',
        /02:00:00:00:00:aa/,
      ],
      [
        'POST',
        '/v1/entities',
        { name: 'e2', host: 'hv9', port: 'p2', ips: [], mac: '01:00:5e:00:00:01' },
        422,
        'mac',
        /multicast/,
      ],
      ['POST', '/v1/application-rules', rule({ from: {} }), 422, 'inbound[0].from', /at least one/],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { address_groups: ['ghost'] } }),
        422,
        'inbound[0].from.address_groups[0]',
        /does not exist/,
      ],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { any: true }, service_groups: ['ghost'] }),
        422,
        'inbound[0].service_groups[0]',
      ],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { categories: { Env: ['prod', 'nope'] } } }),
        422,
        'inbound[0].from.categories.Env[1]',
      ],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { cidrs: ['10.0.0.1/24'] } }),
        422,
        'inbound[0].from.cidrs[0]',
        /10\.0\.0\.0\/24/,
      ],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { any: true }, services: [{ protocol: 'udp', ports: ['53', '53'] }] }),
        422,
        'inbound[0].services[0].ports[1]',
      ],
      [
        'POST',
        '/v1/application-rules',
        { name: 'r', mode: 'apply', target: { categories: { Env: ['prod'] } }, outbound: [{ to: { any: true } }] },
        422,
        'outbound',
        /allow_listed/,
      ],
      ['POST', '/v1/application-rules', { name: 'r', mode: 'enforce', target: { categories: {} } }, 400, 'mode'],
      [
        'POST',
        '/v1/isolation-rules',
        { name: 'i', mode: 'apply', groups: [{ categories: { Env: ['prod'] } }] },
        400,
        'groups',
      ],
      // Round 2: every new part of the model names the field it refuses.
      [
        'POST',
        '/v1/application-rules',
        { name: 'r', mode: 'apply', target: { categories: {} }, intra_group: 'sometimes' },
        400,
        'intra_group',
      ],
      [
        'POST',
        '/v1/application-rules',
        { name: 'r', mode: 'apply', target: { categories: {} }, log: 'yes' },
        400,
        'log',
      ],
      ['POST', '/v1/application-rules', { name: 'r', mode: 'draft', target: { categories: {} } }, 400, 'mode'],
      [
        'POST',
        '/v1/isolation-rules',
        { name: 'i', mode: 'off', groups: [{ categories: { Env: ['prod'] } }, { categories: { Env: ['nope'] } }] },
        422,
        'groups[1].categories.Env[0]',
        /no value "nope"/,
      ],
      [
        'POST',
        '/v1/shared-service-rules',
        { name: 's', mode: 'monitor', providers: { categories: {} }, consumers: { any: true } },
        400,
        'mode',
      ],
      [
        'POST',
        '/v1/shared-service-rules',
        { name: 's', mode: 'apply', providers: { categories: {} }, consumers: {} },
        422,
        'consumers',
        /at least one/,
      ],
      [
        'POST',
        '/v1/shared-service-rules',
        { name: 's', mode: 'apply', providers: { categories: { Env: ['qa'] } }, consumers: { any: true } },
        422,
        'providers.categories.Env[0]',
      ],
      [
        'POST',
        '/v1/shared-service-rules',
        {
          name: 's',
          mode: 'apply',
          providers: { categories: {} },
          consumers: { any: true },
          service_groups: ['ghost'],
        },
        422,
        'service_groups[0]',
        /does not exist/,
      ],
      [
        'POST',
        '/v1/address-groups',
        { name: 'g', cidrs: ['10.0.0.9-10.0.0.1'] },
        422,
        'cidrs[0]',
        /starts above its end/,
      ],
      [
        'POST',
        '/v1/address-groups',
        { name: 'g', cidrs: ['10.0.0.1-fd00::1'] },
        422,
        'cidrs[0]',
        /mixes IPv4 and IPv6/,
      ],
      [
        'POST',
        '/v1/address-groups',
        { name: 'g', cidrs: ['fd00:0::1-fd00::9'] },
        422,
        'cidrs[0]',
        /did you mean fd00::1-fd00::9/,
      ],
      [
        'POST',
        '/v1/address-groups',
        { name: 'g', cidrs: ['10.0.0.0/8'], except: ['10.1.0.0-10.2.0.0'] },
        422,
        'except[0]',
        /not a CIDR/,
      ],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { any: true, except: ['10.0.0.1/8'] } }),
        422,
        'inbound[0].from.except[0]',
        /10\.0\.0\.0\/8/,
      ],
      [
        'POST',
        '/v1/application-rules',
        rule({ from: { except: ['10.0.0.0/8'] } }),
        422,
        'inbound[0].from',
        /at least one/,
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 'sg', services: [{ protocol: '47', ports: ['1'] }] },
        422,
        'services[0].ports',
        /tcp, udp and sctp, not 47/,
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 'sg', services: [{ protocol: 'gre' }, { protocol: '47' }] },
        422,
        'services[1]',
        /duplicate of services\[0\]/,
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 'sg', services: [{ protocol: '1', ports: ['1'] }] },
        422,
        'services[0].ports',
        /not 1/,
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 'sg', services: [{ protocol: '300' }] },
        422,
        'services[0].protocol',
        /0-255/,
      ],
      ['POST', '/v1/service-groups', { name: 'sg', services: [{ protocol: 'ipx' }] }, 400, 'services[0].protocol'],
      [
        'POST',
        '/v1/service-groups',
        { name: 'sg', services: [{ protocol: 'gre', ports: ['1'] }] },
        422,
        'services[0].ports',
        /tcp, udp and sctp/,
      ],
      [
        'POST',
        '/v1/service-groups',
        { name: 'sg', services: [{ protocol: 'sctp', ports: ['0'] }] },
        422,
        'services[0].ports[0]',
      ],
      ['POST', '/v1/hosts', { name: 'h', uplinks: ['a', 'a'] }, 422, 'uplinks[1]'],
      ['POST', '/v1/hosts', { name: 'h', ovs_rundir: 'relative/dir' }, 422, 'ovs_rundir'],
      ['PUT', '/v1/hosts/hv9', { name: 'hv9', uplinks: ['p1'] }, 409, 'uplinks[0]', /entity "e1"/],
      ['PUT', '/v1/hosts/hv9', { name: 'hv9' }, 400, 'If-Match', undefined],
      ['POST', '/v1/hosts', { name: 'hv9' }, 409, 'name', /already exists/],
      ['GET', '/v1/hosts/bad%20name', undefined, 400, 'name'],
      ['GET', '/v1/hosts/absent', undefined, 404, 'name'],
    ];
    const before = await api('GET', '/v1/status');
    for (const [method, path, body, status, field, message] of cases) {
      const headers: Record<string, string> = field === 'If-Match' ? { 'if-match': 'soon' } : {};
      const r = await api(method, path, body, { headers });
      expect([path, JSON.stringify(body), r.status, r.body.field]).toEqual([path, JSON.stringify(body), status, field]);
      expect(typeof r.body.error).toBe('string');
      if (message) expect(r.body.message).toMatch(message);
    }
    expect((await api('GET', '/v1/status')).body.generation).toBe(before.body.generation);
    expect((await api('GET', '/v1/application-rules')).body.items).toEqual([]);
    await api('DELETE', '/v1/entities/e1');
    await api('DELETE', '/v1/hosts/hv9');
    await api('DELETE', '/v1/categories/Env');
  });

  test('a protocol number is stored as written and means the protocol of that number', async () => {
    const services = [
      { protocol: '47' },
      { protocol: '6', ports: ['22'] },
      { protocol: '1', icmp_type: 8 },
      { protocol: '0' },
      { protocol: '255' },
    ];
    const created = await api('POST', '/v1/service-groups', { name: 'by-number', services });
    expect(created.status).toBe(201);
    expect((await api('GET', '/v1/service-groups/by-number')).body.services).toEqual(services);
    await api('DELETE', '/v1/service-groups/by-number');
  });

  test('auth: tokens and roles', async () => {
    const create = { name: 'AuthCat', values: ['x'] };
    const noToken = await api('POST', '/v1/categories', create, { as: null });
    expect([noToken.status, noToken.body.error]).toEqual([401, 'unauthorized']);
    expect((await api('GET', '/v1/categories', undefined, { as: null })).status).toBe(401);
    expect(
      (
        await api('GET', '/v1/categories', undefined, {
          as: null,
          headers: { authorization: 'Bearer wrong-secret-000' },
        })
      ).status,
    ).toBe(401);
    expect(
      (await api('GET', '/v1/categories', undefined, { as: null, headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401);
    expect((await api('POST', '/v1/categories', create, { as: 'reader' })).status).toBe(403);
    expect((await api('POST', '/v1/categories', create, { as: 'agent:hva' })).status).toBe(403);
    expect((await api('GET', '/v1/categories', undefined, { as: 'reader' })).status).toBe(200);
    expect((await api('GET', '/v1/agents/policy', undefined, { as: 'reader' })).status).toBe(403);
    expect((await api('GET', '/v1/agents/policy', undefined, { as: 'agent:hva' })).status).toBe(200);
    expect((await api('GET', '/healthz', undefined, { as: null })).status).toBe(200);
    expect((await api('GET', '/openapi.json', undefined, { as: null })).status).toBe(200);
    expect((await api('GET', '/v1/categories/AuthCat')).status).toBe(404);
  });

  test('generation: bumped by enforcement changes, not by descriptions; host status until agents report', async () => {
    const g0 = (await api('GET', '/v1/status')).body.generation;
    await api('POST', '/v1/hosts', { name: 'hvg' });
    const g1 = (await api('GET', '/v1/status')).body.generation;
    expect(g1).toBe(g0 + 1);
    await api('PUT', '/v1/hosts/hvg', { name: 'hvg', description: 'only words' });
    expect((await api('GET', '/v1/status')).body.generation).toBe(g1);
    await api('PUT', '/v1/hosts/hvg', { name: 'hvg', uplinks: ['eth9'] });
    const status = (await api('GET', '/v1/status')).body;
    expect(status.generation).toBe(g1 + 1);
    expect(status.hosts).toContainEqual({
      name: 'hvg',
      status: {
        reachable: false,
        desired_generation: g1 + 1,
        realized_generation: null,
        flow_count: null,
        last_error: null,
        drift_repairs: 0,
        notice: null,
        updated_at: null,
        verified_generation: null,
        verify_disagreements: [],
      },
    });
    expect((await api('GET', '/v1/hosts/hvg')).body.status.realized_generation).toBeNull();
    await api('DELETE', '/v1/hosts/hvg');
  });

  test('agents: policy snapshot, long poll, status reports', async () => {
    await api('POST', '/v1/hosts', { name: 'hva', ovs_rundir: '/run/hva' });
    const snap = await api('GET', '/v1/agents/policy', undefined, { as: 'agent:hva' });
    expect(snap.body.hosts).toContainEqual({ name: 'hva', bridge: 'br.microseg', ovs_rundir: '/run/hva', uplinks: [] });
    expect(snap.body.generation).toBe((await api('GET', '/v1/status')).body.generation);

    const report = {
      realized_generation: snap.body.generation,
      flow_count: 42,
      reachable: true,
      last_error: null,
      drift_repairs: 1,
      notice: 'set the fail mode to secure',
    };
    expect((await api('POST', '/v1/agents/hosts/hva/status', report, { as: 'agent:hva' })).status).toBe(204);
    const host = (await api('GET', '/v1/hosts/hva')).body;
    expect(host.status).toEqual({
      ...report,
      desired_generation: snap.body.generation,
      updated_at: expect.any(String),
      verified_generation: null,
      verify_disagreements: [],
    });
    expect((await api('POST', '/v1/agents/hosts/ghost/status', report, { as: 'agent:ghost' })).status).toBe(404);
    const bad = await api('POST', '/v1/agents/hosts/hva/status', { ...report, flow_count: -1 }, { as: 'agent:hva' });
    expect([bad.status, bad.body.field]).toEqual([400, 'flow_count']);
    expect((await api('POST', '/v1/agents/hosts/hva/status', report, { as: 'reader' })).status).toBe(403);

    // Long poll: answers as soon as the generation moves past `after`.
    const started = Date.now();
    const waiting = api('GET', `/v1/agents/policy?after=${snap.body.generation}&wait=20`, undefined, {
      as: 'agent:hva',
    });
    await new Promise((r) => setTimeout(r, 200));
    await api('POST', '/v1/address-groups', { name: 'lp', cidrs: ['203.0.113.0/24'] });
    const next = await waiting;
    expect(next.body.generation).toBe(snap.body.generation + 1);
    expect(next.body.address_groups).toContainEqual({ name: 'lp', cidrs: ['203.0.113.0/24'], except: [] });
    expect(Date.now() - started).toBeLessThan(5000);
    await api('DELETE', '/v1/address-groups/lp');
    await api('DELETE', '/v1/hosts/hva');
  });
});
