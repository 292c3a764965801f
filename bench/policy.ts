/**
 * Policy benchmark: compile time and flows per host as the inventory grows,
 * the sum-not-product ratio of conjunction, and explain() throughput.
 * Run: npm run bench (or node bench/run-ts.js bench/policy.ts). Prints figures; writes nothing.
 */
import { compileHost } from '../service/compiler';
import { explain } from '../service/policy/explain';
import type { PolicySnapshot, SnapshotEntity, SnapshotApplicationRule } from '../service/model/snapshot';

const TIERS = ['web', 'app', 'db'];

/** hosts × vmsPerHost VMs over `apps` three-tier applications, one application rule per app plus one isolation rule. */
function inventory(hosts: number, vmsPerHost: number, apps: number): PolicySnapshot {
  const entities: SnapshotEntity[] = [];
  for (let h = 0; h < hosts; h++) {
    for (let v = 0; v < vmsPerHost; v++) {
      const i = h * vmsPerHost + v;
      entities.push({
        name: `vm${i}`, host: `h${h}`, port: `p${v}`, mac: `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
        ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
        categories: { AppType: `app${i % apps}`, AppTier: TIERS[i % 3], Environment: i % 10 === 0 ? 'dev' : 'prod' },
      });
    }
  }
  const rules: SnapshotApplicationRule[] = Array.from({ length: apps }, (_, a) => {
    const tier = (t: string) => ({ categories: { AppType: [`app${a}`], AppTier: [t] } });
    return {
      name: `app${a}`, id: a + 2, mode: a % 2 ? 'monitor' : 'apply', target: { categories: { AppType: [`app${a}`] } },
      inbound: [
        { from: { cidrs: ['198.51.100.0/24'] }, to: tier('web'), services: [{ protocol: 'tcp', ports: ['443'] }], service_groups: [] },
        { from: tier('web'), to: tier('app'), services: [{ protocol: 'tcp', ports: ['8080-8089'] }], service_groups: [] },
        { from: tier('app'), to: tier('db'), services: [{ protocol: 'tcp', ports: ['5432'] }], service_groups: [] },
      ],
      outbound_policy: 'allow_listed',
      outbound: [{ to: { cidrs: ['192.0.2.53/32'] }, services: [{ protocol: 'udp', ports: ['53'] }], service_groups: [] }],
      intra_group: 'deny', log: false,
    };
  });
  return {
    generation: 1,
    categories: [{ name: 'AppType', values: Array.from({ length: apps }, (_, a) => `app${a}`) }, { name: 'AppTier', values: TIERS }, { name: 'Environment', values: ['prod', 'dev'] }],
    address_groups: [], service_groups: [],
    hosts: Array.from({ length: hosts }, (_, h) => ({ name: `h${h}`, bridge: 'br.microseg', uplinks: ['up'] })),
    entities, application_rules: rules,
    isolation_rules: [{ name: 'prod-dev', id: 1, mode: 'apply', groups: [{ categories: { Environment: ['prod'] } }, { categories: { Environment: ['dev'] } }], log: false }],
    quarantine_rules: [], shared_service_rules: [],
  };
}

function portsOf(vmsPerHost: number): Record<string, number> {
  const ports: Record<string, number> = { up: 1 };
  for (let v = 0; v < vmsPerHost; v++) ports[`p${v}`] = v + 2;
  return ports;
}

function timeIt(fn: () => void, minMs = 300): number {
  fn(); // warm up
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) { fn(); runs++; }
  return (performance.now() - t0) / runs;
}

console.log('# policy bench (compileHost, explain)');
console.log('| hosts | VMs/host | apps | flows on one host | compile one host (ms) |');
console.log('|---|---|---|---|---|');
const rows: Array<{ vms: number; flows: number; ms: number }> = [];
for (const [hosts, vms, apps] of [[2, 10, 2], [10, 50, 10], [10, 100, 20], [20, 200, 40]] as const) {
  const s = inventory(hosts, vms, apps);
  const ports = portsOf(vms);
  const flows = compileHost(s, 'h0', ports).flows.length;
  const ms = timeIt(() => compileHost(s, 'h0', ports));
  rows.push({ vms: hosts * vms, flows, ms });
  console.log(`| ${hosts} | ${vms} | ${apps} | ${flows} | ${ms.toFixed(1)} |`);
}
const [small, , , big] = rows;
console.log(`ratio: ${(big.vms / small.vms).toFixed(0)}× the VMs → ${(big.flows / small.flows).toFixed(1)}× the flows on a host, ${(big.ms / small.ms).toFixed(1)}× the compile time`);

// Determinism: the same input gives the same text, byte for byte.
const s = inventory(10, 50, 10);
const a = compileHost(s, 'h3', portsOf(50)).flows.join('\n');
const b = compileHost(JSON.parse(JSON.stringify(s)), 'h3', portsOf(50)).flows.join('\n');
console.log(`deterministic: ${a === b ? 'yes' : 'NO'} (${a.length} bytes)`);

const queries = s.entities.slice(0, 100).flatMap((src, i) => s.entities.slice(100, 110).map((dst) => ({ src: src.name, dst: dst.name, protocol: 'tcp' as const, port: i % 2 ? 8080 : 5432 })));
const perQuery = timeIt(() => { for (const q of queries) explain(s, q); }) / queries.length;
console.log(`explain(): ${(perQuery * 1000).toFixed(1)} µs per query on ${s.entities.length} entities = ${Math.round(1000 / perQuery).toLocaleString('en-US')} queries/s`);
