#!/usr/bin/env node
// Runs a TypeScript bench file: bundles it with esbuild (dependencies left external) into dist/bench and runs it.
'use strict';
const { join, basename } = require('node:path');
const file = process.argv[2];
if (!file) { process.stderr.write('usage: node bench/run-ts.js bench/<name>.ts\n'); process.exit(2); }
const root = join(__dirname, '..');
const out = join(root, 'dist', 'bench', basename(file).replace(/\.ts$/, '.js'));
require('esbuild').buildSync({ entryPoints: [join(root, file)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: out, logLevel: 'error' });
// The bench then sees its own arguments from process.argv[2] on, as if run directly.
process.argv.splice(1, 1);
require(out);
