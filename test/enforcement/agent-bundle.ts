/** Bundles service/agent/cli.ts with esbuild so tests run `microseg-agent` as its own process. */
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export function bundleAgent(outDir: string): string {
  const out = join(outDir, 'microseg-agent.js');
  buildSync({ entryPoints: [join(__dirname, '../../service/agent/cli.ts')], bundle: true, platform: 'node', target: 'node20', outfile: out, logLevel: 'silent' });
  return out;
}
