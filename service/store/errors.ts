/** Which database failures mean "unavailable" (503 at the API), as domain errors. */
import { DomainError } from '../model/errors';

/** Node socket errors that mean the database cannot be reached. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Why `err` (from TypeORM, pg or better-sqlite3) means the database is unavailable, or null when it means something else. */
function unavailableReason(err: unknown, depth = 0): string | null {
  if (!err || typeof err !== 'object' || depth > 3) return null;
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown[] };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === 'MICROSEG_QUERY_DEADLINE' || code === '57014') return 'it did not answer in time';
  if (code === '55P03') return 'a lock was not granted in time';
  if (SOCKET_CODES.has(code)) return `it cannot be reached (${code})`;
  // PostgreSQL: connection exceptions (08…), shutting down / starting up (57P0x), too many connections (53300).
  if (/^08/.test(code) || /^57P0/.test(code) || code === '53300') return `it refused the connection (SQLSTATE ${code})`;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'the SQLite file is locked by another writer';
  if (/^Connection terminated|timeout exceeded when trying to connect|not queryable/.test(message))
    return 'the connection was lost or timed out';
  for (const inner of [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const reason = unavailableReason(inner, depth + 1);
    if (reason) return reason;
  }
  return null;
}

/** An `unavailable` DomainError when `err` means the database is unavailable, else null. */
export function asUnavailable(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err.code === 'unavailable' ? err : null;
  const reason = unavailableReason(err);
  return reason ? new DomainError('unavailable', `the database is unavailable: ${reason}; retry later`) : null;
}
