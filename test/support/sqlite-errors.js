/**
 * jest.config.js, before every test file: better-sqlite3's JavaScript is loaded once per test file (each has
 * its own module registry and globals), its native addon once per worker process, and the addon keeps the
 * SqliteError constructor of the first file that opened a database. In every later file of that worker a
 * failed statement (a duplicate key, say) then threw an error of another realm: not `instanceof Error` there,
 * so `expect(...).rejects.toThrow()` reported "did not throw" (test/store/write-tx.test.ts, only when it was
 * not the worker's first file). Here the addon is given this file's own SqliteError. A service process has one
 * realm and is not concerned.
 */
const { dirname, join } = require('node:path');
const { SqliteError } = require('better-sqlite3');

const addon = require(
  join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node'),
);
addon.setErrorConstructor(SqliteError);
