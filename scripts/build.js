#!/usr/bin/env node
/**
 * `npm run build`: type-checks the product code (tsconfig.build.json: service/,
 * cli/, provider/, no tests) and fails on any error, then bundles with esbuild:
 *   dist/service.js         the policy service (npm start); npm packages stay external
 *   dist/compile-worker.js  the worker thread the embedded agents compile in (service/agent/compile-pool.ts finds it beside service.js)
 *   dist/ovs-helper.js      the process that runs the embedded agents' OVS programs (service/agent/ovs-helper-client.ts, beside service.js)
 *   dist/microseg-agent.js  the standalone agent as one self-contained file a host can run
 * `ensureBuilt()` rebuilds only when an output is missing or older than the sources.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { chmodSync, existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = {
  service: join(ROOT, 'dist', 'service.js'),
  compileWorker: join(ROOT, 'dist', 'compile-worker.js'),
  ovsHelper: join(ROOT, 'dist', 'ovs-helper.js'),
  agent: join(ROOT, 'dist', 'microseg-agent.js'),
};
const SOURCES = ['service', 'cli', 'provider'].map((d) => join(ROOT, d));

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'error',
  legalComments: 'none',
};

/** The agent and everything it uses (npm packages included) in one executable file. */
function bundleAgent(outfile) {
  require('esbuild').buildSync({
    ...COMMON,
    entryPoints: [join(ROOT, 'service', 'agent', 'cli.ts')],
    outfile,
    banner: { js: '#!/usr/bin/env node' },
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

function build() {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit', cwd: ROOT },
  );
  require('esbuild').buildSync({
    ...COMMON,
    entryPoints: [join(ROOT, 'service', 'main.ts')],
    outfile: OUT.service,
    packages: 'external',
    sourcemap: true,
  });
  for (const [name, outfile] of [
    ['compile-worker', OUT.compileWorker],
    ['ovs-helper', OUT.ovsHelper],
  ])
    require('esbuild').buildSync({
      ...COMMON,
      entryPoints: [join(ROOT, 'service', 'agent', `${name}.ts`)],
      outfile,
      packages: 'external',
      sourcemap: true,
    });
  bundleAgent(OUT.agent);
}

/** Builds when an output is missing or older than the newest source; exits 1 (tsc printed why) when the build fails. */
function ensureBuilt(name) {
  const outs = Object.values(OUT);
  const oldest = Math.min(...outs.map((o) => (existsSync(o) ? statSync(o).mtimeMs : 0)));
  if (oldest >= Math.max(...SOURCES.map(newestSource))) return;
  process.stderr.write(`${name}: building (type check + bundle)…\n`);
  try {
    build();
  } catch {
    process.stderr.write(`${name}: the build failed (see above)\n`);
    process.exit(1);
  }
}

module.exports = { build, bundleAgent, ensureBuilt, OUT };

if (require.main === module) {
  try {
    build();
  } catch {
    process.exit(1);
  }
}
