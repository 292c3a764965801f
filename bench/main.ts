/**
 * `npm run bench [-- --quick] [-- --json] [-- --only=a,b]`: every benchmark of
 * the benchmarks issue, each figure next to a baseline measured interleaved in
 * the same run (A B A B …, medians), because only ratios hold on a shared
 * machine. Prints a Markdown table, or with --json one figure per line
 * ({ name, value, unit, baseline, ratio, target, ok, note }). Progress goes to
 * stderr. Exit status 1 when a suite could not run (its figures say why).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { failed, table, type Figure } from './lib/figures';
import type { Suite } from './lib/suite';
import { compileSuite } from './suites/compile';
import { realizationSuite } from './suites/realization';
import { apiSuite } from './suites/api';
import { terraformSuite } from './suites/terraform';
import { dataplaneSuite } from './suites/dataplane';
import { scaleSuite } from './suites/scale';

const SUITES: Suite[] = [compileSuite, realizationSuite, apiSuite, terraformSuite, dataplaneSuite, scaleSuite];

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => !['--json', '--quick'].includes(a) && !a.startsWith('--only='));
  if (unknown.length) {
    process.stderr.write(
      `bench: unknown option ${unknown[0]} (use --json, --quick, --only=${SUITES.map((s) => s.name).join(',')})\n`,
    );
    return 2;
  }
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const bad = only?.find((n) => !SUITES.some((s) => s.name === n));
  if (bad) {
    process.stderr.write(`bench: --only: no suite "${bad}" (suites: ${SUITES.map((s) => s.name).join(', ')})\n`);
    return 2;
  }
  const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
  const t0 = Date.now();
  log(
    `${quick ? 'quick' : 'full'} run on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}`,
  );
  // The 1-minute load average every 10 s, so a run says how quiet the machine was.
  const loads: number[] = [];
  const sampleLoad = setInterval(() => loads.push(loadavg()[0]), 10_000);
  sampleLoad.unref();
  const load = () => `load average ${loadavg()[0].toFixed(1)}`;
  // A suite stuck past this is reported as not measured, so one hang cannot hold up the rest of the run.
  const capMs = (quick ? 8 : 15) * 60_000;
  const figures: Figure[] = [];
  let status = 0;
  for (const suite of SUITES.filter((s) => !only || only.includes(s.name))) {
    const started = Date.now();
    log(`${suite.name} … (${load()})`);
    let got: Figure[];
    let cap: NodeJS.Timeout | undefined;
    try {
      got = await Promise.race([
        suite.run({ quick, log, deadline: started + capMs }),
        new Promise<never>((_, reject) => {
          cap = setTimeout(() => reject(new Error(`did not finish within ${capMs / 60_000} min`)), capMs);
        }),
      ]);
    } catch (e) {
      status = 1;
      const reason = (e as Error).message.split('\n')[0];
      log(`${suite.name} failed: ${reason}`);
      // A suite whose parts fail independently hands over what it did measure.
      got = (e as { figures?: Figure[] }).figures ?? suite.figures.map((f) => failed(f.name, f.unit, f.target, reason));
    }
    clearTimeout(cap);
    log(`${suite.name}: ${((Date.now() - started) / 1000).toFixed(0)} s (${load()})`);
    for (const f of got) {
      figures.push(f);
      if (json) process.stdout.write(`${JSON.stringify(f)}\n`);
    }
  }
  if (!json) process.stdout.write(`${table(figures)}\n`);
  clearInterval(sampleLoad);
  const sorted = [...loads].sort((a, b) => a - b);
  const range = sorted.length
    ? `, 1-minute load average ${sorted[0].toFixed(1)}–${sorted[sorted.length - 1].toFixed(1)} (median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)})`
    : '';
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s${range}`);
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(1);
  },
);
