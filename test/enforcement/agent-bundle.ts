/**
 * The standalone agent as it ships (scripts/build.js: one self-contained file), written to
 * `outDir` so tests run `microseg-agent` as its own process, away from node_modules.
 */
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundleAgent: bundle } = require('../../scripts/build') as { bundleAgent: (outfile: string) => string };

export function bundleAgent(outDir: string): string {
  return bundle(join(outDir, 'microseg-agent.js'));
}
