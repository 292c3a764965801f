/**
 * A flood of 100,000 distinct observed connections through the HTTP API.
 * Stated bound: with the history capped at 10,000 rows the service's heap
 * grows by less than 32 MB, the store holds exactly 10,000 rows and the
 * 90,000 oldest are dropped and counted. (Measured: see the test output.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startService, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import type { ObservedConnectionT } from '../../service/model/observation';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = 100_000;
const BATCH = 5_000;
const MAX_ROWS = 10_000;
const HEAP_BOUND_BYTES = 32 * 1024 * 1024;

let svc: TestService;
beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: MAX_ROWS, retentionMs: 3_600_000 })] });
  await svc.api('POST', '/v1/hosts', { name: 'flood' });
});
afterAll(async () => {
  await svc?.close();
});

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Connection i: a distinct external source address and port, so every one is its own row. */
const connection = (i: number): ObservedConnectionT => ({
  src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  dst: '172.16.0.1',
  protocol: 'tcp',
  port: 1024 + (i % 60000),
  verdict: i % 3 === 0 ? 'would-deny' : 'allow',
  rule: 'flood-rule',
  rule_kind: 'application',
  new: 1,
  active: 1,
});

test('100,000 distinct connections: memory stays under the bound, oldest rows dropped and counted', async () => {
  // Warm up the route (schema compilation, first allocations) before measuring.
  await svc.api(
    'POST',
    '/v1/agents/hosts/flood/observations',
    { connections: [connection(TOTAL + 1)] },
    { as: 'agent:flood' },
  );
  const before = heapUsed();
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  for (let start = 0; start < TOTAL; start += BATCH) {
    const connections = Array.from({ length: BATCH }, (_, k) => connection(start + k));
    const r = await svc.api('POST', '/v1/agents/hosts/flood/observations', { connections }, { as: 'agent:flood' });
    expect(r.status).toBe(204);
  }
  const seconds = (Date.now() - started) / 1000;
  const after = heapUsed();
  const rssAfter = process.memoryUsage().rss;
  const flows = await svc.api('GET', '/v1/flows?limit=10000');
  console.log(
    `flood: ${TOTAL} connections in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)}/s over HTTP); heap +${((after - before) / 1048576).toFixed(1)} MB, rss +${((rssAfter - rssBefore) / 1048576).toFixed(1)} MB; rows ${flows.body.stats.entries}, dropped ${flows.body.stats.dropped}`,
  );
  expect(flows.body.stats.entries).toBe(MAX_ROWS);
  expect(flows.body.stats.dropped).toBe(TOTAL + 1 - MAX_ROWS);
  expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
  // The newest survive, the oldest were dropped first.
  const ports = new Set(flows.body.items.map((f: { source: string }) => f.source));
  expect(ports.has(connection(TOTAL - 1).src)).toBe(true);
  expect(ports.has(connection(0).src)).toBe(false);
  const metrics = (await svc.api('GET', '/metrics')).body as string;
  expect(metrics).toContain(`microseg_flow_records_dropped ${TOTAL + 1 - MAX_ROWS}`);
}, 120_000);
