/**
 * Compile: the synthetic inventories of the benchmarks issue (1k … 20k entities
 * over 50 hosts, 500 application rules, 20 isolation, 2 quarantine) through the
 * real compiler. Baseline: the same measurement on the smallest inventory,
 * interleaved with it (A B A B …), so the ratio says what the growth costs.
 */
import { CompileContext, compileHost, HostCompiler } from '../../service/compiler';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { Span } from '../../service/model/span';
import { figure } from '../lib/figures';
import { inventoryObjects, snapshotOf, hostPorts, hostName } from '../lib/inventory';
import { exponent, interleave, median, timed } from '../lib/measure';
import type { Suite } from '../lib/suite';

/** How a touched host recompiled: whole, or taking the rule pieces the change missed (HostCompiler). */
const recompiled = (pieces: number) => (pieces > 0 ? `recompiled, ${pieces} rule pieces kept` : 'whole');

const compileOn = (s: PolicySnapshot, host: string) => compileHost(s, host, hostPorts(s, host));

export const compileSuite: Suite = {
  name: 'compile',
  figures: [
    { name: 'compile_one_host_20k', unit: 'ms', target: 300 },
    { name: 'compile_all_hosts_20k', unit: 'ms', target: 5000 },
    { name: 'compile_time_exponent', unit: 'exponent', target: 1.1 },
    { name: 'flows_per_host_20k', unit: 'flows', target: 60000 },
    { name: 'flow_bytes_per_host_20k', unit: 'bytes', target: null },
    { name: 'compile_peak_rss_20k', unit: 'MB', target: null },
    { name: 'incremental_recompile_20k', unit: 'ms', target: 20 },
  ],
  async run(ctx) {
    const hosts = ctx.quick ? 10 : 50;
    const sizes = ctx.quick ? [200, 500, 1000] : [1000, 2000, 5000, 10000, 20000];
    const smallest = sizes[0];
    const largest = sizes[sizes.length - 1];
    const snap = new Map(sizes.map((n) => [n, snapshotOf(inventoryObjects({ entities: n, hosts }))]));
    const small = snap.get(smallest)!;
    const big = snap.get(largest)!;
    const rss0 = process.memoryUsage().rss;

    // One host (h0) at every size, each interleaved with the smallest inventory.
    const perSize: { n: number; ms: number; flows: number; bytes: number; baseMs: number }[] = [];
    for (const n of sizes) {
      const s = snap.get(n)!;
      const c = compileOn(s, 'h0');
      const rounds = n >= 20000 ? 1 : n >= 10000 ? 2 : 5;
      const r = await interleave(
        rounds,
        () => timed(() => compileOn(s, 'h0')),
        () => timed(() => compileOn(small, 'h0')),
      );
      perSize.push({
        n,
        ms: median(r.a),
        flows: c.flows.length,
        bytes: c.flows.join('\n').length + 1,
        baseMs: median(r.b),
      });
      ctx.log(`compile: ${n} entities, one host: ${median(r.a).toFixed(0)} ms, ${c.flows.length} flows`);
    }
    const top = perSize[perSize.length - 1];
    const first = perSize[0];
    const timeExp = exponent(perSize.map((p) => ({ x: p.n, y: p.ms })));
    const flowExp = exponent(perSize.map((p) => ({ x: p.n, y: p.flows })));
    const peakRss = process.resourceUsage().maxRSS * 1024;

    // All hosts of one snapshot share one CompileContext (its indexes are built once): the context's build,
    // plus a sample of hosts compiled on it, extrapolated; interleaved with every host of the smallest.
    const sample = ctx.quick ? hosts : 2;
    const sampled = Array.from({ length: sample }, (_, k) => hostName(Math.floor((k * hosts) / sample)));
    let contextMs = 0;
    const all = await interleave(
      1,
      () =>
        timed(() => {
          const t = performance.now();
          const shared = new CompileContext(big);
          contextMs = performance.now() - t;
          for (const h of sampled) compileHost(big, h, hostPorts(big, h), shared);
        }),
      () =>
        timed(() => {
          const shared = new CompileContext(small);
          for (let h = 0; h < hosts; h++) compileHost(small, hostName(h), hostPorts(small, hostName(h)), shared);
        }),
    );
    const allMs = contextMs + ((all.a[0] - contextMs) / sample) * hosts;
    ctx.log(
      `compile: all ${hosts} hosts at ${largest}: ≈ ${allMs.toFixed(0)} ms (context ${contextMs.toFixed(0)} ms, ${sample} hosts timed)`,
    );

    // One entity (e1, on h1) changes AppTier. Every agent's HostCompiler was primed on the previous snapshot; the
    // context of the new one is derived once (CompileContext.next) and shared. The hosts to update are the ones
    // the span says the change touches (service/model/span.ts: the hosts whose view it may change); the others
    // do nothing. Timed: the derivation, and the update of sampled touched hosts (h1 among them: its own entity
    // changed, it recompiles the rules that entity is in, keeping the others' pieces); a host whose inputs the change misses keeps its own flows and only takes
    // the rewritten PEER lines.
    const changed: PolicySnapshot = {
      ...big,
      generation: big.generation + 1,
      entities: big.entities.map((e, i) =>
        i === 1 ? { ...e, categories: { ...e.categories, AppTier: e.categories.AppTier === 'web' ? 'db' : 'web' } } : e,
      ),
    };
    const owner = big.entities[1].host;
    const span = new Span(big);
    const touched = span.apply(changed, [{ list: 'entities', before: big.entities[1], after: changed.entities[1] }]);
    const candidates = [hostName(0), owner, hostName(Math.floor(hosts / 2)), hostName(hosts - 1)];
    const incSample = [...new Set(candidates.filter((h) => h === owner || touched.includes(h)))];
    const before = new CompileContext(big);
    const incHosts = incSample.map((h) => {
      const hc = new HostCompiler(h);
      hc.update(big, hostPorts(big, h), before);
      return hc;
    });
    let t = performance.now();
    const after = before.next(changed);
    const deriveMs = performance.now() - t;
    const perHost = incHosts.map((hc) => {
      const ports = hostPorts(changed, hc.host); // an agent knows its ports: not the compiler's work
      t = performance.now();
      const u = hc.update(changed, ports, after);
      return {
        host: hc.host,
        ms: performance.now() - t,
        patched: hc.lastWasPatched,
        pieces: hc.lastKeptPieces,
        flows: u.added.length + u.removed.length,
      };
    });
    const kept = perHost.filter((p) => p.patched);
    const whole = perHost.filter((p) => !p.patched);
    const keptMs = kept.length ? median(kept.map((p) => p.ms)) : 0;
    const wholeMs = whole.length ? median(whole.map((p) => p.ms)) : 0;
    // Extrapolated to every touched host: the sampled non-owner hosts stand for the other touched ones.
    const others = touched.filter((h) => !whole.some((p) => p.host === h)).length;
    const incMs = deriveMs + others * keptMs + whole.reduce((a, p) => a + p.ms, 0);
    const inc = { b: [top.ms] };
    ctx.log(
      `compile: one entity changes AppTier at ${largest}: the span touches ${touched.length} of ${hosts} hosts; derive ${deriveMs.toFixed(1)} ms; ` +
        perHost
          .map((p) => `${p.host} ${p.ms.toFixed(1)} ms ${p.patched ? 'kept' : recompiled(p.pieces)} (${p.flows} flows)`)
          .join(', '),
    );
    const sizeNote = `${largest} entities, ${hosts} hosts, ${big.application_rules.length} application rules, ${big.isolation_rules.length} isolation, ${big.quarantine_rules.length} quarantine`;
    return [
      figure({
        name: 'compile_one_host_20k',
        value: top.ms,
        unit: 'ms',
        baseline: top.baseMs,
        target: 300,
        note: `median of ${largest >= 20000 ? 1 : largest >= 10000 ? 2 : 5} interleaved pairs, ${sizeNote}; baseline: the same host at ${smallest} entities, interleaved`,
      }),
      figure({
        name: 'compile_all_hosts_20k',
        value: allMs,
        unit: 'ms',
        baseline: all.b[0],
        target: 5000,
        note: `extrapolated: ${sample} of ${hosts} hosts timed (${all.a[0].toFixed(0)} ms) × ${hosts}/${sample}; baseline: all ${hosts} hosts at ${smallest} entities`,
      }),
      figure({
        name: 'compile_time_exponent',
        value: timeExp,
        unit: 'exponent',
        baseline: flowExp,
        target: 1.1,
        note: `slope of log(one-host ms) over log(entities) at ${sizes.join(', ')} (${perSize.map((p) => p.ms.toFixed(0)).join(', ')} ms); baseline: the same slope of the flow count (output growth)`,
      }),
      figure({
        name: 'flows_per_host_20k',
        value: top.flows,
        unit: 'flows',
        baseline: first.flows,
        target: 60000,
        note: `host h0, ${sizeNote}; baseline: h0 at ${smallest} entities`,
      }),
      figure({
        name: 'flow_bytes_per_host_20k',
        value: top.bytes,
        unit: 'bytes',
        baseline: first.bytes,
        note: `flow text of h0 at ${largest} entities; baseline: at ${smallest}`,
      }),
      figure({
        name: 'compile_peak_rss_20k',
        value: peakRss / 1048576,
        unit: 'MB',
        baseline: rss0 / 1048576,
        note: 'peak RSS of the bench process after compiling one host at every size (one host held at a time); baseline: RSS holding the snapshots before compiling',
      }),
      figure({
        name: 'incremental_recompile_20k',
        value: incMs,
        unit: 'ms',
        baseline: median(inc.b),
        target: 20,
        note: `one entity changes AppTier at ${largest}: the span touches ${touched.length} of ${hosts} hosts; context derived in ${deriveMs.toFixed(1)} ms; ${kept.length} sampled hosts keep their own flows (median ${keptMs.toFixed(1)} ms each, ${kept.map((p) => p.flows).join('/')} PEER lines rewritten), ${whole.length} recompile (the entity's own host ${owner}: ${wholeMs.toFixed(0)} ms, ${whole.map((p) => recompiled(p.pieces)).join('/')}); value = derive + the ${others} other touched hosts × the kept median + the whole ones; baseline: one full compile of one host`,
      }),
    ];
  },
};
