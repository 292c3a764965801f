#!/usr/bin/env node
// `npm start`: build with tsc when dist/ is missing or older than the sources, then run the service.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'service', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newestMtime(join(root, 'service'))) {
  process.stderr.write('microseg: building (tsc)…\n');
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
  } catch {
    // tsc still emits on type errors elsewhere in the tree; run if the service itself was built.
    if (!existsSync(entry)) process.exit(1);
    process.stderr.write('microseg: tsc reported errors (see above); starting the emitted build anyway\n');
  }
}

const child = spawn(process.execPath, [entry], { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
