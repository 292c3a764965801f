/**
 * No object the API accepts may freeze enforcement: two rules whose names
 * hashed to one 32-bit id (the ids cookies and ct_label carried before the
 * store assigned them) are realized on both hosts, with one cookie each, and
 * later changes still land. And when one host's compilation fails anyway, its
 * status says so and keeps its last policy, while the other host realizes
 * every change. Real ovs-vswitchd (dummy datapath), embedded agents.
 */
import { compileHost } from '../../service/compiler';
import { cookieFor, formatCookie } from '../../service/compiler/pipeline';
import { createEmbeddedAgentsPlugin } from '../../service/agent/plugin';
import type { CompileHost } from '../../service/agent/types';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startService, type TestService } from '../support/service';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { strictApi, type Api } from './lab-service';

const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.log(figures.join('\n'));
});

const cookiesOn = async (o: DummyOvs) =>
  new Set(
    (await run('ovs-ofctl', ['--no-stats', 'dump-flows', `unix:${o.rundir}/${o.bridge}.mgmt`]))
      .split('\n')
      .map((l) => l.match(/cookie=(0x[0-9a-f]+)/)?.[1])
      .filter((c): c is string => !!c),
  );

interface HostView {
  name: string;
  status: {
    realized_generation: number | null;
    desired_generation: number;
    reachable: boolean;
    last_error: string | null;
  };
}

/** Polls /v1/status until `done` holds for the current generation; returns the ms it took. Embedded agents realize a change within 2 s. */
async function until(
  api: Api,
  what: string,
  done: (hosts: HostView[], generation: number) => boolean,
): Promise<number> {
  const { ms } = await eventually(
    what,
    async () => {
      const s = await api('GET', '/v1/status');
      if (done(s.hosts, s.generation)) return true;
      throw new Error(JSON.stringify(s));
    },
    { timeoutMs: margin(2000) },
  );
  return ms;
}
/** Each host at its desired generation: the last one that changed its view (`generation` bounds it). */
const realizedBy = (names: string[]) => (hosts: HostView[], generation: number) =>
  names.every((n) =>
    hosts.some(
      (h) =>
        h.name === n &&
        h.status.reachable &&
        h.status.desired_generation <= generation &&
        h.status.realized_generation !== null &&
        h.status.realized_generation >= h.status.desired_generation,
    ),
  );

async function setUp(svc: TestService, one: DummyOvs, two: DummyOvs): Promise<Api> {
  const api = strictApi(() => svc);
  await api('POST', '/v1/categories', { name: 'Tier', values: ['web', 'db'] });
  await api('POST', '/v1/hosts', { name: 'ha', ovs_rundir: one.rundir });
  await api('POST', '/v1/hosts', { name: 'hb', ovs_rundir: two.rundir });
  await api('POST', '/v1/entities', {
    name: 'web1',
    host: 'ha',
    port: 'p1',
    mac: '02:00:00:00:09:01',
    ips: ['10.9.0.1'],
    categories: { Tier: 'web' },
  });
  await api('POST', '/v1/entities', {
    name: 'db1',
    host: 'hb',
    port: 'p1',
    mac: '02:00:00:00:09:02',
    ips: ['10.9.0.2'],
    categories: { Tier: 'db' },
  });
  return api;
}

describe('compilation never freezes enforcement', () => {
  let one: DummyOvs;
  let two: DummyOvs;
  beforeAll(async () => {
    one = await startDummyOvs('br.microseg', ['p1']);
    two = await startDummyOvs('br.microseg', ['p1']);
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
  });

  test('the colliding pair r1jf9r / r2hb3a is realized on both hosts, and so is the quarantine after it', async () => {
    const svc = await startService({ defaultPlugins: true });
    try {
      const api = await setUp(svc, one, two);
      await until(api, 'both hosts realize the base policy', realizedBy(['ha', 'hb']));
      const target = { categories: { Tier: ['web', 'db'] } };
      const a = await api('POST', '/v1/application-rules', {
        name: 'r1jf9r',
        mode: 'apply',
        target,
        inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
      });
      const b = await api('POST', '/v1/application-rules', {
        name: 'r2hb3a',
        mode: 'apply',
        target,
        inbound: [{ from: { categories: { Tier: ['db'] } }, services: [{ protocol: 'tcp', ports: ['22'] }] }],
      });
      const ms = await until(api, 'both hosts realize the generation with both rules', realizedBy(['ha', 'hb']));
      figures.push(`colliding pair r1jf9r/r2hb3a: both hosts realized the next generation in ${ms} ms`);
      expect(a.rule_id).not.toBe(b.rule_id);
      const want = [a.rule_id, b.rule_id].map((id) => formatCookie(cookieFor('application', id)));
      for (const o of [one, two]) {
        const cookies = await cookiesOn(o);
        expect(want.filter((c) => cookies.has(c))).toEqual(want);
      }
      const hosts = (await api('GET', '/v1/status')).hosts as HostView[];
      expect(hosts.map((h) => h.status.last_error)).toEqual([null, null]);

      // The emergency change after them lands too.
      await api('PUT', '/v1/entities/db1', {
        name: 'db1',
        host: 'hb',
        port: 'p1',
        mac: '02:00:00:00:09:02',
        ips: ['10.9.0.2'],
        categories: { Tier: 'db', Quarantine: 'Strict' },
      });
      await api('POST', '/v1/quarantine-rules', { name: 'lockdown', mode: 'apply' });
      const q = await until(api, 'both hosts realize the quarantine', realizedBy(['ha', 'hb']));
      figures.push(`quarantine after the colliding pair: realized on both hosts in ${q} ms`);
    } finally {
      await svc.close();
    }
  });

  test('a compile failure on one host shows in its status, keeps its last policy, and leaves the other host realizing', async () => {
    let failOn: string | null = null;
    const compile: CompileHost = (snapshot, host, ports) => {
      if (host === failOn) throw new Error('forced by the test');
      return compileHost(snapshot, host, ports);
    };
    const svc = await startService({ defaultPlugins: false, plugins: [createEmbeddedAgentsPlugin({ compile })] });
    try {
      const api = await setUp(svc, one, two);
      await until(api, 'both hosts realize the base policy', realizedBy(['ha', 'hb']));
      const before = (await api('GET', '/v1/status')).generation as number;
      const hbCookies = await cookiesOn(two);

      failOn = 'hb';
      const body = {
        name: 'db',
        mode: 'apply',
        target: { categories: { Tier: ['db', 'web'] } },
        inbound: [{ from: { categories: { Tier: ['web'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
      };
      const r = await api('POST', '/v1/application-rules', body);
      const ms = await until(
        api,
        'ha realizes, hb reports its compile error',
        (hosts, generation) =>
          realizedBy(['ha'])(hosts, generation) &&
          /cannot compile/.test(hosts.find((h) => h.name === 'hb')?.status.last_error ?? ''),
      );
      figures.push(`compile failure forced on hb: ha realized the new generation in ${ms} ms`);
      const hb = (await api('GET', '/v1/hosts/hb')).status;
      expect(hb).toMatchObject({
        reachable: true,
        realized_generation: before,
        last_error: 'cannot compile the policy for this host: forced by the test',
      });
      // hb keeps the flows it had: the new rule's cookie is on ha only.
      const cookie = formatCookie(cookieFor('application', r.rule_id));
      expect((await cookiesOn(one)).has(cookie)).toBe(true);
      expect(await cookiesOn(two)).toEqual(hbCookies);

      // A further change still reaches ha; hb catches up once it compiles again.
      await api('PUT', '/v1/application-rules/db', { ...body, mode: 'monitor' });
      await until(api, 'ha realizes the next change', realizedBy(['ha']));
      failOn = null;
      const caught = await until(api, 'hb catches up', realizedBy(['ha', 'hb']));
      figures.push(`hb compiles again: realized within ${caught} ms`);
      expect((await cookiesOn(two)).has(cookie)).toBe(true);
    } finally {
      await svc.close();
    }
  });
});
