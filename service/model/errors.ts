/**
 * The one error type the service raises on purpose: a domain code, a message
 * and the field it is about. `service/api/errors.ts` maps each code to its
 * HTTP status; anything else is a bug and answers 500 without details.
 */
export type ErrorCode =
  | 'bad_request'
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'already_exists'
  | 'conflict'
  | 'in_use'
  | 'version_conflict'
  | 'unavailable'
  /** Another part (a host's agent) did not answer in time. */
  | 'timeout';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field: string | null = null,
    /** Further errors of the same request, when there were several. */
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
