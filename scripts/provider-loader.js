#!/usr/bin/env node
/**
 * The installed provider's executable (scripts/provider-install.js copies it
 * beside the bundle): runs provider.js with V8's code cache of it,
 * provider.js.cache, which the installer made by starting the provider once.
 * Compiling the 1.4 MB bundle was a quarter of each start, and Terraform
 * starts the provider three times per plan and four per apply. A cache that
 * does not fit this node (another version or flags) is refused by V8 and the
 * bundle is compiled as without one.
 *
 * MICROSEG_PROVIDER_CODE_CACHE=write (the installer only): start, write the
 * cache once the handshake line is out (so it holds what the start ran), exit.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { setImmediate } = require('node:timers');

const file = path.join(__dirname, 'provider.js');
const cacheFile = `${file}.cache`;
const writing = process.env.MICROSEG_PROVIDER_CODE_CACHE === 'write';
delete process.env.MICROSEG_PROVIDER_CODE_CACHE;

let cachedData;
if (!writing) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache: compiled as usual
  }
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });

if (writing) {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (...args) => {
    setImmediate(() => {
      fs.writeFileSync(cacheFile, script.createCachedData());
      process.exit(0);
    });
    return write(...args);
  };
}

const bundle = new Module(file, module);
bundle.filename = file;
script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, file, __dirname);
