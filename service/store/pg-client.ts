/**
 * Time bounds for PostgreSQL. The server enforces `statement_timeout`,
 * `lock_timeout` and `idle_in_transaction_session_timeout`, but a frozen or
 * partitioned server enforces nothing: so each client query also has a
 * deadline, past which the connection is destroyed. A destroyed connection
 * leaves the pool, and its open transaction cannot commit later (the server
 * rolls back when it next reads the closed socket).
 */
import { Client, type ClientConfig } from 'pg';

export interface DbTimeouts {
  /** A query (server side: a statement or a lock wait) may take this long. */
  queryMs: number;
  /** Opening a connection may take this long. */
  connectMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { queryMs: 5000, connectMs: 2000 };

/** The code of the error a query fails with when its client-side deadline passed. */
export const QUERY_DEADLINE = 'MICROSEG_QUERY_DEADLINE';

/** Server-side limits, as libpq startup options. */
export function serverOptions(t: DbTimeouts): string {
  return [
    `statement_timeout=${t.queryMs}`,
    `lock_timeout=${t.queryMs}`,
    `idle_in_transaction_session_timeout=${t.queryMs * 2}`,
  ]
    .map((o) => `-c ${o}`)
    .join(' ');
}

/** A pg Client class whose queries fail after `queryMs` plus a margin for the server's own timeout to answer first. */
export function boundedClient(t: DbTimeouts): typeof Client {
  const deadline = t.queryMs + 1000;
  return class BoundedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      // Its holder listens too (the pool while it is idle, TypeORM's query runner while it is checked out); this
      // one keeps an error on a client no holder listens to (e.g. the server's "terminating connection" reaching
      // one left connected) from crashing the process. Such a client is unusable anyway: its next query fails.
      this.on('error', () => undefined);
    }

    // Only the promise form is wrapped: TypeORM uses no other.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's query has many overloads; this passes them all through
    query(...args: unknown[]): any {
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (!(result instanceof Promise)) return result;
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`the database did not answer within ${deadline} ms`), {
          code: QUERY_DEADLINE,
        });
        (this as unknown as { connection: { stream: { destroy(e: Error): void } } }).connection.stream.destroy(err);
      }, deadline);
      timer.unref();
      return result.finally(() => clearTimeout(timer));
    }
  } as typeof Client;
}
