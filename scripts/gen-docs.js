#!/usr/bin/env node
/**
 * npm run docs:generate — writes docs/index.md, docs/resources/*.md and
 * docs/data-sources/*.md from this checkout's provider schema and examples/
 * (scripts/gen-docs.ts renders; this bundles it with esbuild and writes).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { providerSchema } = require('./demo/provider-schema.js');

const ROOT = path.resolve(__dirname, '..');

function load() {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msf-gendocs-')), 'gen-docs.js');
  require('esbuild').buildSync({
    entryPoints: [path.join(__dirname, 'gen-docs.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outfile: out,
    logLevel: 'error',
  });
  try {
    return require(out);
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

async function main() {
  const gen = load();
  const docs = path.join(ROOT, 'docs');
  const pages = gen.renderDocs(await providerSchema(), gen.readExamples(path.join(ROOT, 'examples')));
  // Pages of resources that no longer exist go too.
  for (const f of gen.listGenerated(docs)) if (!pages.has(f)) fs.rmSync(path.join(docs, f));
  for (const [f, text] of pages) {
    fs.mkdirSync(path.dirname(path.join(docs, f)), { recursive: true });
    fs.writeFileSync(path.join(docs, f), text);
  }
  // docs/pipeline.md: its tables and registers, from the pipeline's declaration.
  const pipelinePage = path.join(docs, 'pipeline.md');
  fs.writeFileSync(pipelinePage, gen.withPipelineTables(fs.readFileSync(pipelinePage, 'utf8')));
  process.stdout.write(`docs: wrote ${pages.size} pages under docs/ and the tables of docs/pipeline.md\n`);
}

main().catch((e) => {
  process.stderr.write(`docs:generate failed: ${e.message}\n`);
  process.exit(1);
});
