/**
 * The suites that touch the store, again on PostgreSQL (`npm test` runs this
 * after jest.config.js): every test file that starts a service through
 * test/support/service.ts, except those that already run on both backends
 * themselves (they start their own clusters) or build a SQLite file by hand. One cluster per worker
 * (test/support/worker-postgres.ts).
 */
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const base = require('./jest.config');

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const touchesStore = (text) => /support\/service'|lab-service'/.test(text);
// Own clusters, or a SQLite file made by hand (an older schema): not for this run.
const ownBackends = (text) => /startPostgres|startReplicas|better-sqlite3/.test(text);
// The page at scale: what it measures (drawing, payloads) is served from the in-memory model and the
// observation history on either backend; on PostgreSQL its fixture alone (10,000 entities written one
// by one) took over its 300 s hook bound on a loaded machine, and proved nothing the store suites do not.
const backendFree = new Set(['test/monitoring/ui-scale.test.ts']);
const files = testFiles(join(__dirname, 'test')).filter((f) => {
  const text = readFileSync(f, 'utf8');
  return touchesStore(text) && !ownBackends(text) && !backendFree.has(relative(__dirname, f));
});

module.exports = {
  ...base,
  displayName: 'postgres',
  testMatch: undefined,
  testRegex: files.map((f) => relative(__dirname, f).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$'),
  globalSetup: '<rootDir>/test/support/postgres-setup.js',
  globalTeardown: '<rootDir>/test/support/postgres-teardown.js',
  setupFiles: [...base.setupFiles, '<rootDir>/test/support/postgres-env.js'],
};
