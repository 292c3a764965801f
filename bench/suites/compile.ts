/**
 * Compile: the synthetic inventories of the benchmarks issue (1k … 20k entities
 * over 50 hosts, 500 application rules, 20 isolation, 2 quarantine) through the
 * real compiler. Baseline: the same measurement on the smallest inventory,
 * interleaved with it (A B A B …), so the ratio says what the growth costs.
 */
import { CompileContext, compileHost, HostCompiler, type HostPorts } from '../../service/compiler';
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

    // All hosts of one snapshot share one CompileContext (its indexes are built once): the context's build and
    // every host's flows, compiled one after another (an agent knows its ports: listed before the clock starts);
    // interleaved with every host of the smallest inventory.
    const portsOf = (s: PolicySnapshot) => Array.from({ length: hosts }, (_, h) => hostPorts(s, hostName(h)));
    const [bigPorts, smallPorts] = [portsOf(big), portsOf(small)];
    let allBig = { contextMs: 0, flows: 0 };
    const compileAll = (s: PolicySnapshot, ports: HostPorts[]) => {
      const t = performance.now();
      const shared = new CompileContext(s);
      const contextMs = performance.now() - t;
      let flows = 0;
      for (let h = 0; h < hosts; h++) flows += compileHost(s, hostName(h), ports[h], shared).flows.length;
      return { contextMs, flows };
    };
    const all = await interleave(
      1,
      () => timed(() => (allBig = compileAll(big, bigPorts))),
      () => timed(() => compileAll(small, smallPorts)),
    );
    const allMs = all.a[0];
    ctx.log(`compile: all ${hosts} hosts at ${largest}: ${allMs.toFixed(0)} ms, ${allBig.flows} flows`);

    // A chain of changes, each one entity changing AppTier (e1, e3, … on h1, h3, …). Every sampled agent's
    // HostCompiler was primed on the first snapshot and follows the chain; each snapshot's context is derived
    // once from the previous one (CompileContext.next) and shared. The hosts to update are the ones the span says
    // the change touches (service/model/span.ts: the hosts whose view it may change); the others do nothing.
    // Timed per change: the derivation, the entity's own host (it recompiles the rules that entity is in,
    // keeping the others' pieces) and the other sampled touched hosts (a host whose inputs the change misses keeps
    // its own flows and only takes the rewritten PEER lines). A change's figure = derive + the other touched
    // hosts × their median + the whole ones. The first `warm` changes are this process's first incremental updates,
    // run while V8 still optimizes the code only an update takes (--trace-opt: 30-180 ms of optimizing per change
    // until about the 7th), a cost an agent pays once: they are listed in the note, and the value is the median of
    // the changes after them, which go round the same owner hosts again with other entities.
    const warm = ctx.quick ? 1 : 5;
    const steps = ctx.quick ? 3 : 15;
    const picks: number[] = [];
    for (let k = 0; k < steps; k++) {
      if (k < warm) picks.push(1 + 2 * k);
      else {
        const host = big.entities[picks[k - warm]].host;
        let j = picks[k - warm] + 1;
        while (big.entities[j].host !== host || picks.includes(j)) j++;
        picks.push(j);
      }
    }
    const span = new Span(big);
    const owners = picks.slice(0, warm).map((i) => big.entities[i].host);
    const watched = [...new Set([hostName(0), ...owners, hostName(Math.floor(hosts / 2)), hostName(hosts - 1)])];
    let ctxNow = new CompileContext(big);
    const compilers = new Map(
      watched.map((h) => {
        const hc = new HostCompiler(h);
        hc.update(big, hostPorts(big, h), ctxNow);
        return [h, hc] as const;
      }),
    );
    let snapNow = big;
    const chain: {
      ms: number;
      deriveMs: number;
      touched: number;
      owner: string;
      ownerMs: number;
      pieces: number;
      keptMs: number;
      kept: number;
      whole: number;
    }[] = [];
    for (let k = 0; k < steps; k++) {
      const i = picks[k];
      const was = snapNow.entities[i];
      const is = {
        ...was,
        categories: { ...was.categories, AppTier: was.categories.AppTier === 'web' ? 'db' : 'web' },
      };
      const changed: PolicySnapshot = {
        ...snapNow,
        generation: snapNow.generation + 1,
        entities: snapNow.entities.map((e, j) => (j === i ? is : e)),
      };
      const touched = span.apply(changed, [{ list: 'entities', before: was, after: is }]);
      const ports = new Map(watched.map((h) => [h, hostPorts(changed, h)])); // an agent knows its ports
      let t = performance.now();
      const after = ctxNow.next(changed);
      const deriveMs = performance.now() - t;
      const perHost = watched
        .filter((h) => touched.includes(h) || h === was.host)
        .map((h) => {
          const hc = compilers.get(h)!;
          t = performance.now();
          hc.update(changed, ports.get(h)!, after);
          return { host: h, ms: performance.now() - t, patched: hc.lastWasPatched, pieces: hc.lastKeptPieces };
        });
      const kept = perHost.filter((p) => p.patched);
      const whole = perHost.filter((p) => !p.patched);
      const keptMs = kept.length ? median(kept.map((p) => p.ms)) : 0;
      const others = touched.filter((h) => !whole.some((p) => p.host === h)).length;
      const own = perHost.find((p) => p.host === was.host)!;
      chain.push({
        ms: deriveMs + others * keptMs + whole.reduce((sum, p) => sum + p.ms, 0),
        deriveMs,
        touched: touched.length,
        owner: was.host,
        ownerMs: own.ms,
        pieces: own.patched ? -1 : own.pieces,
        keptMs,
        kept: kept.length,
        whole: whole.length,
      });
      [snapNow, ctxNow] = [changed, after];
    }
    const incMs = median(chain.slice(warm).map((c) => c.ms));
    const inc = { b: [top.ms] };
    const describe = (cs: typeof chain) =>
      cs
        .map(
          (c) =>
            `${c.ms.toFixed(1)} ms (derive ${c.deriveMs.toFixed(1)}, ${c.touched} touched, own host ${c.owner} ${c.ownerMs.toFixed(1)} ms ${c.pieces < 0 ? 'kept' : recompiled(c.pieces)}, ${c.kept} others kept at ${c.keptMs.toFixed(2)} ms)`,
        )
        .join('; ');
    const chainNote = `the process's first ${warm} (not counted): ${describe(chain.slice(0, warm))}; then: ${describe(chain.slice(warm))}`;
    ctx.log(`compile: one entity changes AppTier at ${largest}, ${steps} changes: ${chainNote}`);
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
        note: `every one of the ${hosts} hosts compiled on one shared context (built in ${allBig.contextMs.toFixed(0)} ms), one after another: ${allBig.flows} flows in all; baseline: all ${hosts} hosts at ${smallest} entities`,
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
        note: `median of successive changes ${warm + 1}-${steps} (after the process's first ${warm} incremental updates, V8's warm-up), on ${owners.length} owner hosts in turn, each one entity changing AppTier at ${largest} (${sizeNote}); each: derive + the other touched hosts × the median of the sampled kept ones + the whole recompiles: ${chainNote}; baseline: one full compile of one host`,
      }),
    ];
  },
};
