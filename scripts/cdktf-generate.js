#!/usr/bin/env node
/**
 * npm run cdktf:generate — TypeScript bindings for the microseg provider with
 * @cdktf/provider-generator, from `terraform providers schema -json` of this
 * checkout's provider, into cdktf/ (tracked; examples/cdktf imports them).
 *
 *   node scripts/cdktf-generate.js [--out <dir>]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { providerSchema } = require('./demo/provider-schema.js');

const ROOT = path.resolve(__dirname, '..');

/**
 * @cdktf/provider-generator 0.21 calls require.resolve('jsii-pacmak/bin/jsii-pacmak') and ('jsii/bin/jsii') when loaded
 * but depends on neither (cdktf-cli normally brings them). It only runs them for JSII languages,
 * which we never ask for: let that one resolution succeed with a path that is never executed.
 */
function loadGenerator() {
  // Its logger reports terraform's CLI-config warnings as errors; the bindings do not depend on them.
  process.env.CDKTF_LOG_LEVEL = process.env.CDKTF_LOG_LEVEL || 'OFF';
  const Module = require('node:module');
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'jsii-pacmak/bin/jsii-pacmak' || request === 'jsii/bin/jsii')
      return path.join(__dirname, 'jsii-not-installed');
    return original.call(this, request, ...rest);
  };
  try {
    return require('@cdktf/provider-generator');
  } finally {
    Module._resolveFilename = original;
  }
}

async function generate(outDir, schema) {
  const { generateProviderBindingsFromSchema } = loadGenerator();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  await generateProviderBindingsFromSchema(outDir, schema ?? (await providerSchema()));
}

module.exports = { generate };

if (require.main === module) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? path.resolve(process.argv[i + 1]) : path.join(ROOT, 'cdktf');
  generate(out).then(
    () => process.stdout.write(`cdktf bindings written to ${path.relative(process.cwd(), out) || '.'}\n`),
    (e) => {
      process.stderr.write(`cdktf:generate failed: ${e.message}\n`);
      process.exit(1);
    },
  );
}
