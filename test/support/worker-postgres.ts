/**
 * `MICROSEG_TEST_DATABASE=postgres` (jest.postgres.config.js): the suites that
 * touch the store run on PostgreSQL. Each jest worker starts one throwaway
 * cluster and keeps it for all its test files (its port and directory are
 * in a file named after the jest run and the worker); the global teardown
 * (postgres-teardown.js) stops them. A SQLite path a test gives maps to one
 * database per path, so a test that restarts the service on "the same file"
 * finds its data again; ':memory:' gets a new database each time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres } from './postgres';

export const onPostgres = (): boolean => process.env.MICROSEG_TEST_DATABASE === 'postgres';

/** The file naming this worker's cluster; the teardown looks for `microseg-pgw-<owner>-*.json`. */
function infoFile(): string {
  const owner = process.env.MICROSEG_TEST_PG_OWNER ?? String(process.pid);
  return join(tmpdir(), `microseg-pgw-${owner}-${process.env.JEST_WORKER_ID ?? '1'}.json`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function workerCluster(): Promise<number> {
  const file = infoFile();
  if (existsSync(file)) {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { port: number; dir: string };
    const pidFile = join(info.dir, 'data', 'postmaster.pid');
    if (existsSync(pidFile) && alive(Number(readFileSync(pidFile, 'utf8').split('\n')[0]))) return info.port;
  }
  const pg = await startPostgres();
  writeFileSync(file, JSON.stringify({ port: pg.port, dir: pg.dir }));
  return pg.port;
}

let fresh = 0;

/** A postgres:// URL standing for `database` (a SQLite path or ':memory:') on this worker's cluster. */
export async function workerDatabase(database: string): Promise<string> {
  const port = await workerCluster();
  const name =
    database === ':memory:'
      ? `mem_${process.pid}_${++fresh}_${Date.now()}`
      : `file_${createHash('sha256').update(database).digest('hex').slice(0, 24)}`;
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // exists: the same path again
  } finally {
    await admin.end();
  }
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}
