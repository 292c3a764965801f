/**
 * Every error the API answers is `{ error, message, field }`: ServiceErrors
 * with their status, JSON-schema failures as 400 naming the field path
 * (`inbound[0].from.cidrs[1]`), fastify's own 4xx (bad JSON, media type,
 * size) as they are, anything else as a 500 without details.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, asUnavailable } from '../store/errors';

export interface ErrorBody { error: string; message: string; field: string | null; details?: { field: string; message: string }[] }

interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }

/** `/inbound/0/from/cidrs/1` → `inbound[0].from.cidrs[1]`. */
export function pointerToField(pointer: string): string {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^[0-9]+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/** The field and a human message for the most useful of ajv's errors. */
export function describeSchemaErrors(errors: AjvError[], context: string): { field: string | null; message: string; details: { field: string; message: string }[] } {
  const described = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'const' && e.keyword !== 'if').map((e) => describe(e));
  // A union of literals (protocol, mode…) fails as one `const` error per branch plus `anyOf`: say which values are allowed.
  for (const e of errors.filter((x) => x.keyword === 'anyOf')) {
    const consts = errors.filter((x) => x.keyword === 'const' && x.instancePath === e.instancePath).map((x) => JSON.stringify(x.params.allowedValue));
    if (consts.length > 0) described.unshift({ field: pointerToField(e.instancePath), message: `must be one of ${consts.join(', ')}` });
    else described.push(describe(e));
  }
  if (described.length === 0) described.push({ field: '', message: 'is invalid' });
  const named = described.map((d) => {
    const field = context === 'body' ? d.field : context === 'headers' ? headerName(d.field) : d.field;
    return { field, message: `${field || context}: ${d.message}` };
  });
  return { field: named[0].field || null, message: named[0].message, details: named.slice(1) };
}

function headerName(field: string): string {
  return field === 'if-match' ? 'If-Match' : field;
}

function describe(e: AjvError): { field: string; message: string } {
  const base = pointerToField(e.instancePath);
  switch (e.keyword) {
    case 'required': return { field: join(base, String(e.params.missingProperty)), message: 'is required' };
    case 'additionalProperties': return { field: join(base, String(e.params.additionalProperty)), message: 'is not a known field' };
    case 'pattern': return { field: base, message: `must match ${String(e.params.pattern)}` };
    case 'type': return { field: base, message: `must be ${String(e.params.type)}` };
    default: return { field: base, message: e.message ?? 'is invalid' };
  }
}

const CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 409: 'conflict', 413: 'too_large', 415: 'unsupported_media_type', 422: 'invalid', 429: 'too_many_requests' };

export function toErrorBody(err: FastifyError | ServiceError | Error): { status: number; body: ErrorBody } {
  if (!(err instanceof ServiceError)) err = asUnavailable(err) ?? err;
  if (err instanceof ServiceError) {
    const body: ErrorBody = { error: err.code, message: err.message, field: err.field };
    if (err.details.length > 0) body.details = err.details;
    return { status: err.status, body };
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
  return { status: 500, body: { error: 'internal', message: 'internal error; the service log has the details', field: null } };
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
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split("?")[0].slice(0, 200)}`, field: null } satisfies ErrorBody);
  });
}
