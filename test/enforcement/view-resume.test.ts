/**
 * The delta stream, resumed, ends with the bridge a full download gives: a
 * standalone agent's link (service/agent/http-link.ts) follows its host's
 * view from a real service while its connection is cut mid-poll, while the
 * agent is restarted from the view it kept on disk, and after the service
 * restarts (its resume point then unknown: one whole view). After each, the
 * agent's real OVS bridge (`ovs-ofctl dump-flows`) holds exactly what a fresh
 * agent downloading the whole view programs on a second bridge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startService, type TestService } from '../support/service';
import { startDummyOvs, type DummyOvs } from './dummy-ovs';
import { HostAgent } from '../../service/agent/host-agent';
import { OvsDriver } from '../../service/agent/ovs-driver';
import { httpLink, type HttpLink } from '../../service/agent/http-link';
import { fileCache } from '../../service/agent/policy-cache';
import { normalizeDump } from '../../service/agent/flows';
import { compileHost } from '../../service/compiler';
import { run } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';

const dir = mkdtempSync(join(tmpdir(), 'msvr-'));
const database = join(dir, 'policy.db');
const cache = fileCache(join(dir, 'state'), 'h1');
let svc: TestService;
let mine: DummyOvs;
let reference: DummyOvs;
const stops: (() => Promise<void>)[] = [];

const dump = (o: DummyOvs) =>
  run('ovs-ofctl', ['--no-names', '--no-stats', 'dump-flows', `unix:${o.rundir}/${o.bridge}.mgmt`]).then(normalizeDump);

/** A standalone agent for h1 on `ovs`: its link follows the view (long polls), each move runs a pass. */
function agentOn(ovs: DummyOvs, link: HttpLink): HostAgent {
  const agent = new HostAgent({
    host: 'h1',
    link,
    driver: new OvsDriver({ rundir: ovs.rundir, bridge: ovs.bridge }),
    compile: compileHost,
    cache: ovs === mine ? cache : undefined,
    intervalMs: 60_000, // only the view's moves run passes here
  });
  agent.start();
  const unwatch = link.watch(() => agent.poke(), { waitSeconds: 20, retryMs: 50 });
  stops.push(async () => {
    unwatch();
    await agent.stop();
  });
  return agent;
}
const linkTo = async (s: TestService, seeded: boolean) =>
  httpLink({
    services: [s.url],
    token: s.agentToken('h1'),
    host: 'h1',
    seed: seeded ? await cache.load() : null,
  });

/** Waits until h1 reports the desired generation it has after `change` (its answer's generation). */
async function realized(s: TestService, generation: number): Promise<void> {
  await eventually(
    `h1 realizes generation ${generation}`,
    async () => {
      const h = (await s.api('GET', '/v1/hosts/h1')).body.status;
      return h.desired_generation === generation && h.realized_generation === generation;
    },
    { timeoutMs: margin(3000) },
  );
}

/** Programs the reference bridge as a new agent would, from one whole download, and compares the bridges. */
async function sameAsFullDownload(s: TestService): Promise<void> {
  const link = await linkTo(s, false);
  const agent = new HostAgent({
    host: 'h1',
    link,
    driver: new OvsDriver({ rundir: reference.rundir, bridge: reference.bridge }),
    compile: compileHost,
  });
  const r = await agent.pass();
  expect(r.action === 'programmed' || r.action === 'none').toBe(true);
  expect(link.received).toMatchObject({ full: 1, deltas: 0 });
  const [a, b] = [await dump(mine), await dump(reference)];
  expect(a.length).toBeGreaterThan(10);
  expect(a).toEqual(b);
}

async function change(s: TestService, ports: string[]): Promise<number> {
  const r = await s.api('PUT', '/v1/application-rules/web', {
    name: 'web',
    mode: 'apply',
    target: { categories: { T: ['a'] } },
    inbound: [{ from: { categories: { T: ['b', 'c'] } }, services: [{ protocol: 'tcp', ports }] }],
  });
  expect([r.status, r.headers.get('microseg-affected-hosts')]).toEqual([200, 'h1']);
  return Number(r.headers.get('microseg-generation'));
}

beforeAll(async () => {
  mine = await startDummyOvs('br.microseg', ['p1', 'p2']);
  reference = await startDummyOvs('br.microseg', ['p1', 'p2']);
  svc = await startService({ database });
  await svc.api('POST', '/v1/categories', { name: 'T', values: ['a', 'b', 'c'] });
  for (const h of ['h1', 'h2']) await svc.api('POST', '/v1/hosts', { name: h });
  for (const [name, host, port, ip, t] of [
    ['e1', 'h1', 'p1', '10.7.0.1', 'a'],
    ['e2', 'h1', 'p2', '10.7.0.2', 'b'],
    ['e3', 'h2', 'p1', '10.7.0.3', 'c'],
  ])
    await svc.api('POST', '/v1/entities', { name, host, port, ips: [ip], categories: { T: t } });
  await svc.api('POST', '/v1/application-rules', {
    name: 'web',
    mode: 'apply',
    target: { categories: { T: ['a'] } },
    inbound: [{ from: { categories: { T: ['b', 'c'] } }, services: [{ protocol: 'tcp', ports: ['80'] }] }],
  });
}, 60_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  await svc?.close();
  await mine?.stop();
  await reference?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a connection cut mid-poll resumes with deltas and ends with the bridge of a full download', async () => {
  const link = await linkTo(svc, false);
  agentOn(mine, link);
  await realized(svc, (await svc.api('GET', '/v1/hosts/h1')).body.status.desired_generation);
  expect(link.received).toMatchObject({ full: 1, failed: 0 });
  // Cut the agent's pending long poll (every connection the service holds), then change the policy.
  await eventually(
    'the long poll is cut',
    () => {
      svc.app.server.closeAllConnections();
      return link.received.failed >= 1;
    },
    { timeoutMs: margin(2000) },
  );
  const g = await change(svc, ['80', '443']);
  await realized(svc, g);
  expect(link.received.full).toBe(1); // resumed from its point: deltas only
  expect(link.received.deltas).toBeGreaterThanOrEqual(1);
  console.log(`after the cut: ${JSON.stringify(link.received)}`);
  await sameAsFullDownload(svc);
}, 60_000);

test('an agent restarted with the view it kept resumes from it: no whole download', async () => {
  await stops.pop()!();
  const g = await change(svc, ['8080']); // while the agent is down
  const link = await linkTo(svc, true);
  agentOn(mine, link);
  await realized(svc, g);
  expect(link.received.full).toBe(0);
  expect(link.received.deltas).toBeGreaterThanOrEqual(1);
  console.log(`after the agent restart: ${JSON.stringify(link.received)}`);
  await sameAsFullDownload(svc);
}, 60_000);

test('after the service restarts the resume point is unknown: one whole view, the same bridge', async () => {
  await stops.pop()!();
  await svc.close();
  svc = await startService({ database });
  const g = await change(svc, ['22', '8443']);
  const link = await linkTo(svc, true);
  agentOn(mine, link);
  await realized(svc, g);
  expect(link.received.full).toBe(1);
  console.log(`after the service restart: ${JSON.stringify(link.received)}`);
  await sameAsFullDownload(svc);
}, 60_000);
