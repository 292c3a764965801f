#!/usr/bin/env node
/**
 * Synthesizes examples/cdktf without ts-node: bundles main.ts with esbuild
 * (dependencies external) and calls its synth().
 *   node examples/cdktf/synth.js [vars.json]      (npm run cdktf:synth)
 * Output: $CDKTF_OUTDIR, else examples/cdktf/cdktf.out.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

function load() {
  const out = join(__dirname, 'cdktf.out', '.build', 'main.js');
  require('esbuild').buildSync({ entryPoints: [join(__dirname, 'main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: out, logLevel: 'error' });
  return require(out);
}

const varsFile = resolve(process.argv[2] || join(__dirname, 'three-tier.vars.json'));
const outdir = resolve(process.env.CDKTF_OUTDIR || join(__dirname, 'cdktf.out'));
try {
  const file = load().synth(outdir, JSON.parse(readFileSync(varsFile, 'utf8')));
  process.stdout.write(`synthesized ${file}\n`);
} catch (e) {
  process.stderr.write(`cdktf synth failed: ${e.message}\n`);
  process.exit(1);
}
