/** jest.postgres.config.js globalTeardown: stops the clusters the workers of this run started (test/support/worker-postgres.ts). */
const { execFileSync } = require('node:child_process');
const { readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  const prefix = `microseg-pgw-${process.env.MICROSEG_TEST_PG_OWNER}-`;
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix) && n.endsWith('.json'))) {
    const file = join(tmpdir(), name);
    const { dir } = JSON.parse(readFileSync(file, 'utf8'));
    try {
      execFileSync(
        'runuser',
        [
          '-u',
          'postgres',
          '--',
          '/usr/lib/postgresql/15/bin/pg_ctl',
          '-D',
          join(dir, 'data'),
          '-m',
          'immediate',
          '-w',
          'stop',
        ],
        { stdio: 'pipe', timeout: 60_000 },
      );
    } catch {
      /* already stopped */
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
  // And what jest.config.js's own teardown removes (this config replaces it).
  await require('./global-teardown')();
};
