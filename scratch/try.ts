import { inventoryObjects, snapshotOf, hostPorts } from '../bench/lib/inventory';
import { compileHost } from '../service/compiler';
for (const n of [1000, 2000, 5000, 10000]) {
  const s = snapshotOf(inventoryObjects({ entities: n, hosts: 50 }));
  const t0 = performance.now();
  const c = compileHost(s, 'h0', hostPorts(s, 'h0'));
  console.log(n, c.flows.length, (performance.now() - t0).toFixed(0), 'ms', c.flows.join('\n').length, 'bytes');
}
