/**
 * Every error the API answers is `{ error, message, field }`: DomainErrors
 * with the status of their code, JSON-schema failures as 400 naming the field path
 * (`inbound[0].from.cidrs[1]`), fastify's own 4xx (bad JSON, media type,
 * size) as they are, anything else as a 500 without details.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../model/errors';
import { describeSchemaErrors, type AjvError } from '../model/schema-errors';
import { asUnavailable } from '../store/errors';

export interface ErrorBody {
  error: string;
  message: string;
  field: string | null;
  details?: { field: string; message: string }[];
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'invalid',
  429: 'too_many_requests',
};

/** The HTTP status of each domain error. */
const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 422 | 503 | 504> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  in_use: 409,
  version_conflict: 409,
  invalid: 422,
  unavailable: 503,
  timeout: 504,
};

export function toErrorBody(err: FastifyError | DomainError | Error): { status: number; body: ErrorBody } {
  if (!(err instanceof DomainError)) err = asUnavailable(err) ?? err;
  if (err instanceof DomainError) {
    const body: ErrorBody = { error: err.code, message: err.message, field: err.field };
    if (err.details.length > 0) body.details = err.details;
    return { status: STATUS[err.code], body };
  }
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const d = describeSchemaErrors(fe.validation, fe.validationContext ?? 'body');
    const body: ErrorBody = { error: 'bad_request', message: d.message, field: d.field };
    if (d.details.length > 0) body.details = d.details;
    return { status: 400, body };
  }
  const status = fe.statusCode;
  if (status && status >= 400 && status < 500) {
    return { status, body: { error: CODES[status] ?? 'bad_request', message: fe.message, field: null } };
  }
  return {
    status: 500,
    body: { error: 'internal', message: 'internal error; the service log has the details', field: null },
  };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorBody(err);
    if (status === 503) {
      request.log.warn({ err }, body.message);
      reply.header('retry-after', '1');
    } else if (status >= 500) request.log.error({ err }, 'request failed');
    reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`,
      field: null,
    } satisfies ErrorBody);
  });
}
