/**
 * The one error type the service raises on purpose. The API turns it into
 * `{ error, message, field }` with its HTTP status; anything else is a bug
 * and answers 500 without details.
 */
export type ErrorCode = 'bad_request' | 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'already_exists' | 'conflict' | 'in_use' | 'version_conflict';

export class ServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422,
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
