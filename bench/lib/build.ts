/** Bundles a bench entry for a child process, as bench/run-ts.js does. */
import { join } from 'node:path';

export function bundle(entry: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runTs = require(join(__dirname, '..', 'run-ts.js')) as { bundle(file: string): Promise<string> };
  return runTs.bundle(entry);
}
