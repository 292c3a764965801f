#!/usr/bin/env node
// Runs a TypeScript bench file: bundles it with esbuild (dependencies left external) into dist/bench and runs it.
// Required as a module, it only exports `bundle` (the bench bundles its child-process entries the same way).
'use strict';
const { join, basename, dirname } = require('node:path');
const { readFile } = require('node:fs/promises');
const root = join(__dirname, '..');

// Each module keeps its own __dirname (the lab and the provider installer find files beside their sources), as under jest.
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.[jt]s$/ }, async (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text.replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))),
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
      };
    });
  },
};

/** Bundles `file` (relative to the repository) into dist/bench; resolves to the output path. */
async function bundle(file) {
  const out = join(root, 'dist', 'bench', basename(file).replace(/\.ts$/, '.js'));
  await require('esbuild').build({
    entryPoints: [join(root, file)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    plugins: [ownDirname],
    outfile: out,
    logLevel: 'error',
  });
  return out;
}
module.exports = { bundle };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/run-ts.js bench/<name>.ts [args]\n');
    process.exit(2);
  }
  // The bench then sees its own arguments from process.argv[2] on, as if run directly.
  process.argv.splice(1, 1);
  bundle(file).then(
    (out) => require(out),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
