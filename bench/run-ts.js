#!/usr/bin/env node
// Runs a TypeScript bench file: bundles it with esbuild (dependencies left external) into dist/bench and runs it.
'use strict';
const { join, basename } = require('node:path');
const file = process.argv[2];
if (!file) { process.stderr.write('usage: node bench/run-ts.js bench/<name>.ts\n'); process.exit(2); }
const root = join(__dirname, '..');
const out = join(root, 'dist', 'bench', basename(file).replace(/\.ts$/, '.js'));
require('esbuild').buildSync({ entryPoints: [join(root, file)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: out, logLevel: 'error' });
require(out);
