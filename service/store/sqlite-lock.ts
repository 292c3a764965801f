/**
 * One service process per SQLite file. A second process on the same file
 * would fail half its writes with "database is locked" and serve a model it
 * cached from before the other's changes. So each process holds an
 * exclusive SQLite lock on `<database>.lock` for as long as it runs (the
 * operating system drops it when the process dies, however it dies), and a
 * second one refuses to start, naming the file.
 */
import { resolve } from 'node:path';

// better-sqlite3 ships no types here; the little used is typed by hand.
interface SqliteConnection {
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { timeout: number }) => SqliteConnection;

export interface SqliteFileLock {
  path: string;
  release(): void;
}

export function lockSqliteFile(database: string): SqliteFileLock {
  const file = resolve(database);
  const path = `${file}.lock`;
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('journal_mode = MEMORY');
    // Exclusive locking mode keeps the lock of the first write until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec(
      'CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; INSERT INTO holder VALUES (' +
        process.pid +
        ')',
    );
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(
        `another microseg service already uses the SQLite database ${file} (it holds ${path}); stop it first, or give each service its own file (several replicas need PostgreSQL)`,
        { cause: err },
      );
    }
    throw err;
  }
  return { path, release: () => db.close() };
}
