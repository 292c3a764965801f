#!/usr/bin/env node
// `npm start`: builds when needed (scripts/build.js: type check, then bundle), then runs the service.
'use strict';
const { spawn } = require('node:child_process');
const { ensureBuilt, OUT } = require('./build');

ensureBuilt('microseg');
const child = spawn(process.execPath, ['--enable-source-maps', OUT.service], { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
