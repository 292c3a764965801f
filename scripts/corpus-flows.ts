/**
 * Prints the compiled flows of every host of every trace-corpus policy
 * (test/compiler/corpus.ts), ports numbered as the trace harness numbers them.
 * A refactor of the compiler must leave this output unchanged:
 *   node bench/run-ts.js scripts/corpus-flows.ts > before.txt   (and after; diff)
 */
import { compileHost, type HostPorts } from '../service/compiler';
import { CORPUS } from '../test/compiler/corpus';

for (const [name, snapshot] of Object.entries(CORPUS)) {
  for (const host of snapshot.hosts) {
    const ports: HostPorts = {};
    for (const uplink of host.uplinks) ports[uplink] = 1;
    const local = snapshot.entities.filter((e) => e.host === host.name).sort((a, b) => (a.name < b.name ? -1 : 1));
    local.forEach((e, k) => {
      ports[e.port] = k + 2;
    });
    const { flows } = compileHost(snapshot, host.name, ports);
    process.stdout.write(`## ${name} / ${host.name} (${flows.length} flows)\n${flows.join('\n')}\n`);
  }
}
