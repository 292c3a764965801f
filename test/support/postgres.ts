/**
 * A throwaway PostgreSQL 15 cluster for tests: initdb into a temp dir (as the
 * postgres user, since the tests run as root), pg_ctl start on a free port
 * with its unix socket in that dir, one database per call of `createDatabase`.
 * `stop()` stops the server and removes the dir. Faults for tests: `halt()` /
 * `resume()` stop and restart the server on the same port and data;
 * `freeze()` / `thaw()` SIGSTOP and SIGCONT the postmaster and its backends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, chownSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  port: number;
  dir: string;
  /** A new empty database; returns its postgres:// URL. */
  createDatabase(name?: string): Promise<string>;
  /** One query as the superuser on the `postgres` database (its own connection); the rows. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Stops the server (fast shutdown: sessions are cut). */
  halt(): void;
  /** Starts it again after `halt`. */
  resume(): void;
  /** Freezes the postmaster and every backend (SIGSTOP): connections open but nothing answers. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', timeout: 60_000 });
}

export async function startPostgres(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), `microseg-pg-${process.pid}-`));
  const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
  const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
  chownSync(dir, Number(ids), Number(gid));
  const data = join(dir, 'data');
  const port = await freePort();
  let started = false;
  try {
    asPostgres([
      `${BIN}/initdb`,
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    // Small and fast: no fsync, tiny footprint, only local connections.
    writeFileSync(
      join(data, 'postgresql.auto.conf'),
      [
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        "listen_addresses = '127.0.0.1'",
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 30',
        'shared_buffers = 16MB',
      ].join('\n') + '\n',
    );
    asPostgres([`${BIN}/pg_ctl`, '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    started = true;
  } catch (err) {
    if (started) asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop']);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let counter = 0;
  let frozen: number[] = [];
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of frozen)
      try {
        process.kill(pid, signal);
      } catch {
        /* exited */
      }
  };
  const thaw = () => {
    signalAll('SIGCONT');
    frozen = [];
  };
  const query = async (sql: string, params: unknown[] = []) => {
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    // A server stopping under it must fail the query, not crash the test process.
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      return (await admin.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await admin.end();
    }
  };
  return {
    port,
    dir,
    async createDatabase(name = `microseg_${++counter}`) {
      await query(`CREATE DATABASE "${name}"`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    query,
    halt() {
      asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume() {
      asPostgres([`${BIN}/pg_ctl`, '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    },
    freeze() {
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // The postmaster first, so it forks no backend that would escape.
      process.kill(postmaster, 'SIGSTOP');
      frozen = [postmaster];
      const children = execFileSync('pgrep', ['-P', String(postmaster)])
        .toString()
        .split('\n')
        .filter(Boolean)
        .map(Number);
      for (const pid of children) {
        process.kill(pid, 'SIGSTOP');
        frozen.push(pid);
      }
    },
    thaw,
    async stop() {
      thaw();
      try {
        asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
