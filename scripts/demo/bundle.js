/**
 * Bundles the demo program and the policy service with esbuild (dependencies
 * left external) into one directory, with the embedded agents' compile worker
 * and the lab's VM daemon beside them.
 * Used by scripts/demo.sh and by test/demo (same code path).
 */
'use strict';
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

function bundle(outDir) {
  const esbuild = require('esbuild');
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'error',
    sourcemap: 'inline',
  };
  esbuild.buildSync({
    ...common,
    entryPoints: [join(ROOT, 'scripts', 'demo', 'main.ts')],
    outfile: join(outDir, 'demo.js'),
  });
  esbuild.buildSync({
    ...common,
    entryPoints: [join(ROOT, 'service', 'main.ts')],
    outfile: join(outDir, 'service.js'),
  });
  // service/agent/compile-pool.ts starts its worker threads from compile-worker.js beside service.js, and
  // ovs-helper-client.ts its helper process from ovs-helper.js.
  for (const name of ['compile-worker', 'ovs-helper'])
    esbuild.buildSync({
      ...common,
      entryPoints: [join(ROOT, 'service', 'agent', `${name}.ts`)],
      outfile: join(outDir, `${name}.js`),
    });
  // lab/vm.ts looks for vm-daemon.js beside itself (here: beside demo.js).
  const daemon = esbuild.transformSync(readFileSync(join(ROOT, 'lab', 'vm-daemon.ts'), 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
  }).code;
  writeFileSync(join(outDir, 'vm-daemon.js'), daemon);
  return { demo: join(outDir, 'demo.js'), service: join(outDir, 'service.js') };
}

module.exports = { bundle, ROOT };

if (require.main === module) {
  const out = process.argv[2] || join(ROOT, '.demo', 'bin');
  bundle(out);
}
