/**
 * The one error type the service raises on purpose. The API turns it into
 * `{ error, message, field }` with its HTTP status; anything else is a bug
 * and answers 500 without details.
 */
export type ErrorCode = 'bad_request' | 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'already_exists' | 'conflict' | 'in_use' | 'version_conflict' | 'unavailable';

export class ServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 503,
    readonly code: ErrorCode,
    message: string,
    readonly field: string | null = null,
    /** Further errors of the same request, when there were several. */
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** Node socket errors that mean the database cannot be reached. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

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
  if (/^Connection terminated|timeout exceeded when trying to connect|not queryable/.test(message)) return 'the connection was lost or timed out';
  for (const inner of [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const reason = unavailableReason(inner, depth + 1);
    if (reason) return reason;
  }
  return null;
}

/** A 503 ServiceError when `err` means the database is unavailable, else null. */
export function asUnavailable(err: unknown): ServiceError | null {
  if (err instanceof ServiceError) return err.status === 503 ? err : null;
  const reason = unavailableReason(err);
  return reason ? new ServiceError(503, 'unavailable', `the database is unavailable: ${reason}; retry later`) : null;
}
