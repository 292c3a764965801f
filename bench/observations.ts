/**
 * Observation ingestion benchmark: conntrack parsing, aggregation in the flow
 * store (its database table), and reports over HTTP into a real service.
 * Run: npm run bench:observations. Prints figures; writes nothing.
 */
import { parseConntrackDump } from '../service/agent/conntrack';
import { FlowStore } from '../service/observations/flow-store';
import { EntityIndex } from '../service/observations/entity-index';
import { PolicyStore } from '../service/store/store';
import { buildApp } from '../service/app';
import { createMonitoringPlugin } from '../service/observations/monitoring';
import type { ObservedConnectionT } from '../service/model/observation';
import type { PolicySnapshot } from '../service/model/snapshot';

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const conn = (i: number): ObservedConnectionT => ({
  src: ip(i),
  dst: '172.16.0.1',
  protocol: 'tcp',
  port: 1024 + (i % 60000),
  verdict: i % 3 ? 'allow' : 'would-deny',
  rule: 'r',
  rule_kind: 'application',
  new: 1,
  active: 1,
});
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

function parseBench(): string {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++)
    lines.push(
      `tcp,orig=(src=${ip(i)},dst=10.0.0.2,sport=${1024 + (i % 60000)},dport=5432),reply=(src=10.0.0.2,dst=${ip(i)},sport=5432,dport=${1024 + (i % 60000)}),id=0,zone=5,status=0,timeout=29,mark=42,labels=0x1000000020000000300000004,protoinfo=(state_orig=ESTABLISHED,state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)`,
    );
  const text = lines.join('\n');
  const t0 = performance.now();
  const { entries } = parseConntrackDump(text);
  const ms = performance.now() - t0;
  return `conntrack parse: ${entries.length.toLocaleString('en-US')} entries (${(text.length / 1048576).toFixed(1)} MB of dump) in ${ms.toFixed(0)} ms = ${rate(entries.length, ms)}`;
}

async function storeBench(): Promise<string[]> {
  const snapshot: PolicySnapshot = {
    generation: 1,
    categories: [],
    address_groups: [],
    service_groups: [],
    hosts: [],
    entities: [],
    application_rules: [],
    isolation_rules: [],
    quarantine_rules: [],
    shared_service_rules: [],
  };
  const index = new EntityIndex(snapshot);
  const out: string[] = [];
  for (const max of [10_000, 100_000]) {
    const policy = await PolicyStore.open(':memory:');
    const store = new FlowStore(policy.flows, { maxEntries: max, retentionMs: 3_600_000 });
    const N = 200_000;
    const t0 = performance.now();
    for (let s = 0; s < N; s += 1000)
      await store.ingest('h', { connections: Array.from({ length: 1000 }, (_, k) => conn(s + k)) }, index);
    const ms = performance.now() - t0;
    const stats = await store.stats();
    out.push(
      `flow store on SQLite in memory (max ${max.toLocaleString('en-US')} rows): ${N.toLocaleString('en-US')} distinct connections aggregated in ${ms.toFixed(0)} ms = ${rate(N, ms)}; ${stats.entries.toLocaleString('en-US')} rows held, ${stats.dropped.toLocaleString('en-US')} dropped`,
    );
    const q0 = performance.now();
    const rows = await store.query({ verdict: 'would-deny', limit: 1000 }, index);
    out.push(
      `  query verdict=would-deny (1000 rows of ${stats.entries.toLocaleString('en-US')}): ${(performance.now() - q0).toFixed(1)} ms (${rows.length} rows)`,
    );
    await policy.close();
  }
  return out;
}

async function httpBench(): Promise<string> {
  const store = await PolicyStore.open(':memory:');
  const app = await buildApp({
    store,
    tokens: [{ name: 'a', secret: 'bench-agent-secret', role: 'agent', host: 'h1' }],
    defaultPlugins: false,
    plugins: [createMonitoringPlugin({ maxEntries: 50_000, retentionMs: 3_600_000 })],
  });
  await store.create('host', { name: 'h1' } as never);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const N = 200_000;
  const BATCH = 5000;
  const t0 = performance.now();
  for (let s = 0; s < N; s += BATCH) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/agents/hosts/h1/observations`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-agent-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ connections: Array.from({ length: BATCH }, (_, k) => conn(s + k)) }),
    });
    if (res.status !== 204) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  }
  const ms = performance.now() - t0;
  await app.close();
  await store.close();
  return `HTTP ingestion: ${N.toLocaleString('en-US')} connections in reports of ${BATCH} in ${ms.toFixed(0)} ms = ${rate(N, ms)} (${rate(N / BATCH, ms)} reports)`;
}

async function main(): Promise<void> {
  const lines = [parseBench(), ...(await storeBench()), await httpBench()];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
