/**
 * What the terraform plan figure can reach with a provider in its own process: the bench's 300-resource plan
 * (refresh, no changes) with the real provider, with the same provider process doing no work in its hot calls
 * (bench/terraform-floor-provider.ts), and with terraform_data, interleaved, medians.
 * Run: node bench/run-ts.js bench/terraform-floor.ts [rounds]. Prints figures; writes nothing outside a temp dir.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADMIN_SECRET, startBenchService } from './lib/service';
import { median } from './lib/measure';
import { baselineConfig, microsegConfig } from './suites/terraform';
import { createLab, explainFailure, type Lab } from '../test/provider/support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const install = require('../scripts/provider-install.js') as {
  packageDir(mirror: string): string;
  bundleProvider(entry: string, outfile: string): Promise<void>;
  writeCodeCache(exe: string): void;
};

/** A mirror holding the installed provider with its bundle replaced by the floor provider (and its own code cache). */
async function floorMirror(lab: Lab): Promise<string> {
  const mirror = path.join(lab.root, 'floor-mirror');
  const dir = install.packageDir(mirror);
  fs.cpSync(install.packageDir(lab.mirror), dir, { recursive: true });
  fs.rmSync(path.join(dir, 'provider.js.cache'));
  await install.bundleProvider(path.join(__dirname, 'terraform-floor-provider.ts'), path.join(dir, 'provider.js'));
  install.writeCodeCache(path.join(dir, path.basename(lab.executable)));
  return mirror;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const svc = await startBenchService();
  const lab = await createLab({ MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: ADMIN_SECRET });
  try {
    const floorConfig = path.join(lab.root, 'floor.tfrc');
    fs.writeFileSync(floorConfig, fs.readFileSync(lab.cliConfig, 'utf8').replace(lab.mirror, await floorMirror(lab)));
    const tf = async (dir: string, args: string[], env: Record<string, string> = {}) => {
      const r = await lab.tf(dir, [...args, '-input=false', '-no-color'], env);
      if (r.code !== 0) throw new Error(`terraform ${args[0]} in ${dir}: ${explainFailure(r).slice(0, 1500)}`);
      return r.ms;
    };
    const { hcl, count } = microsegConfig(300);
    const real = lab.workdir('microseg', { 'main.tf': hcl });
    const floor = lab.workdir('floor', { 'main.tf': hcl });
    const baseline = lab.workdir('baseline', { 'main.tf': baselineConfig(count) });
    await tf(real, ['init']);
    await tf(baseline, ['init']);
    await tf(floor, ['init'], { TF_CLI_CONFIG_FILE: floorConfig });
    await tf(real, ['apply', '-auto-approve']);
    await tf(baseline, ['apply', '-auto-approve']);
    // The floor plans the objects the real provider created: its plan answers the prior state, so it needs one.
    fs.copyFileSync(path.join(real, 'terraform.tfstate'), path.join(floor, 'terraform.tfstate'));
    const ms = { real: [] as number[], floor: [] as number[], baseline: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      ms.real.push(await tf(real, ['plan', '-detailed-exitcode']));
      ms.floor.push(await tf(floor, ['plan', '-detailed-exitcode'], { TF_CLI_CONFIG_FILE: floorConfig }));
      ms.baseline.push(await tf(baseline, ['plan', '-detailed-exitcode']));
      console.log(
        `round ${r + 1}: real ${ms.real[r]} ms, floor ${ms.floor[r]} ms, terraform_data ${ms.baseline[r]} ms`,
      );
    }
    await tf(real, ['destroy', '-auto-approve']);
    const [a, f, b] = [median(ms.real), median(ms.floor), median(ms.baseline)];
    console.log(
      `plan of ${count}, median of ${rounds}: real ${a} ms (${(a / b).toFixed(2)}x), floor ${f} ms (${(f / b).toFixed(2)}x), terraform_data ${b} ms; load ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
  } finally {
    lab.cleanup();
    await svc.close();
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
