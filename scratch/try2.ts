import { inventoryObjects, snapshotOf, hostPorts } from '../bench/lib/inventory';
import { compileHost } from '../service/compiler';
const s = snapshotOf(inventoryObjects({ entities: 200, hosts: 20, rules: 50, isolation: 4 }));
const c = compileHost(s, 'h0', hostPorts(s, 'h0'));
console.log(c.flows.length); console.log(c.flows.slice(0, 5).join('\n')); console.log(c.flows.filter(f=>f.includes('conj')).slice(0,3).join('\n'));
