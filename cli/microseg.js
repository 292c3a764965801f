#!/usr/bin/env node
// `microseg` launcher: bundles cli/main.ts with esbuild into dist/cli when missing or
// older than its sources (takes well under a second), then runs it.
'use strict';
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist', 'cli', 'microseg.js');
const sources = [
  join(root, 'cli'),
  join(root, 'service', 'observations'),
  join(root, 'service', 'agent'),
  join(root, 'service', 'model'),
];

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(out) || statSync(out).mtimeMs < Math.max(...sources.map(newest))) {
  require('esbuild').buildSync({
    entryPoints: [join(root, 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    external: ['commander'],
    logLevel: 'error',
  });
}
require(out)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
