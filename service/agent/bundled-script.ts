/**
 * The script of a worker thread or helper process: `<name>.js` beside the
 * calling module's bundle (`npm run build` writes it next to dist/service.js),
 * or, from the TypeScript sources (tests, the bench), `<name>.ts` bundled once
 * per process into the temporary directory.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bundled = new Map<string, string>();

export function bundledScript(dir: string, name: string): string {
  const beside = join(dir, `${name}.js`);
  if (existsSync(beside)) return beside;
  const had = bundled.get(name);
  if (had) return had;
  const out = join(tmpdir(), `microseg-${name}-${process.pid}.js`);
  // Only from sources, where esbuild (a dev dependency) is installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('esbuild') as typeof import('esbuild')).buildSync({
    entryPoints: [join(dir, `${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'error',
  });
  process.once('exit', () => rmSync(out, { force: true }));
  bundled.set(name, out);
  return out;
}
