/**
 * Create, read, update, delete and list for every kind under /v1/<collection>,
 * objects addressed by name: the `microseg-crud` plugin. Request schemas are
 * the TypeBox inputs of schemas.ts, and the TypeBox type provider types the
 * handlers from them, so the same definitions validate, type and document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyTypeProvider } from 'fastify';
import fp from 'fastify-plugin';
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { KINDS, NAME_PATTERN, type Kind } from '../model/schemas';
import type { WriteOutcome, WriteSignal } from '../store/store';
import { DomainError } from '../model/errors';

const NameParams = Type.Object({ name: Type.String({ pattern: NAME_PATTERN, description: 'The object name.' }) });
const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'The object id (stable across renames).' }),
});

/** How many objects one list by ids may name: a Terraform refresh batches its reads (provider/client/batch.ts). */
export const MAX_IDS = 100;
const ListQuery = Type.Object({
  ids: Type.Optional(
    Type.String({
      maxLength: MAX_IDS * 65,
      description: `Comma-separated object ids (at most ${MAX_IDS}): only those objects, sorted by name; an id of no object is left out.`,
    }),
  ),
});

function parseIds(text: string): string[] {
  const ids = text.split(',');
  if (ids.length > MAX_IDS)
    throw new DomainError('bad_request', `ids names ${ids.length} objects; at most ${MAX_IDS}`, 'ids');
  const bad = ids.find((id) => id.length === 0 || id.length > 64);
  if (bad !== undefined) throw new DomainError('bad_request', `ids holds "${bad}", which is not an object id`, 'ids');
  return [...new Set(ids)];
}

/** A fresh outcome for one write, and the headers that answer it: the generation and the hosts that must realize it. */
const newOutcome = (): WriteOutcome => ({ generation: 0, hosts: [] });
function outcomeHeaders(reply: { header(k: string, v: string): unknown }, outcome: WriteOutcome): void {
  reply.header('microseg-generation', String(outcome.generation));
  reply.header('microseg-affected-hosts', outcome.hosts.join(','));
}
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The version you read (ETag); the change is refused with 409 if the object has changed since.',
    }),
  ),
});
export const ErrorSchema = Type.Object(
  {
    error: Type.String({
      description:
        'Machine-readable code: bad_request, invalid, unauthorized, forbidden, not_found, already_exists, conflict, in_use, version_conflict.',
    }),
    message: Type.String({ description: 'What is wrong, for humans.' }),
    field: Type.Union([Type.String(), Type.Null()], {
      description: 'The field at fault, as a path like inbound[0].from.cidrs[1].',
    }),
    details: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'Further errors of the same request.',
      }),
    ),
  },
  { description: 'An error.' },
);

/** The PUT body: the whole object, optionally with the version it was read at. */
function replaceBody<T extends TObject>(input: T) {
  const version = Type.Object({
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version you read; 409 if it is stale (alternative to If-Match).' }),
    ),
  });
  return Type.Composite([input, version], { additionalProperties: false });
}

/** `If-Match: 3`, `"3"` or `W/"3"` → 3; `*` or absent → undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = header.trim().match(/^(?:W\/)?"?([1-9][0-9]{0,14})"?$/);
  if (!m) throw new DomainError('bad_request', 'If-Match must be a version number such as "3"', 'If-Match');
  return Number(m[1]);
}

function expectedVersion(request: FastifyRequest, bodyVersion: number | undefined): number | undefined {
  const header = parseIfMatch(request.headers['if-match'] as string | undefined);
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw new DomainError('bad_request', `If-Match (${header}) and version (${bodyVersion}) disagree`, 'version');
  }
  return header ?? bodyVersion;
}

/**
 * Aborted when the client goes away before its answer is sent, so the store does not commit a change nobody
 * waits for. A flag, not an AbortController: Node makes each AbortSignal transferable, which cost a tenth of a
 * create's CPU.
 */
function clientGone(reply: FastifyReply): { signal: WriteSignal } {
  const signal = { aborted: false };
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) signal.aborted = true;
  });
  return { signal };
}

/**
 * @fastify/type-provider-typebox's TypeBoxTypeProvider for the requests (bodies, params, headers typed from
 * their schemas); replies are the store's objects, which fast-json-stringify shapes by the response schemas.
 */
export interface TypeBoxRequests extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: unknown;
}

/**
 * The JSON of each object answered, made once by the route's own serializer (its response schema): the store
 * answers the same object until a write replaces it (SQLite; PostgreSQL reads make a new one each time), and
 * an answered object is never changed, so a GET of an unchanged object costs no serialization.
 */
const answered = new WeakMap<object, Buffer>();
function answer(reply: FastifyReply, obj: object): FastifyReply {
  let body = answered.get(obj);
  if (!body) answered.set(obj, (body = Buffer.from(reply.serialize(obj) as string)));
  return reply.type('application/json; charset=utf-8').send(body);
}

/** The routes of one kind. */
function kindRoutes(untyped: FastifyInstance, kind: Kind): void {
  const app = untyped.withTypeProvider<TypeBoxRequests>();
  const store = app.store;
  const { collection, input, output } = KINDS[kind];
  const base = `/v1/${collection}`;
  const tags = [collection];
  const withEtag = <T extends { version: number }>(reply: { header(k: string, v: string): unknown }, obj: T) => {
    reply.header('etag', `"${obj.version}"`);
    return obj;
  };

  app.get(
    base,
    {
      schema: {
        tags,
        summary: `List ${collection}, or only those with the given ids`,
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(output) }), '4xx': ErrorSchema },
      },
    },
    async (request) => {
      const ids = request.query.ids;
      return { items: ids === undefined ? await store.list(kind) : await store.getByIds(kind, parseIds(ids)) };
    },
  );

  app.post(
    base,
    { schema: { tags, summary: `Create a ${kind}`, body: input, response: { 201: output, '4xx': ErrorSchema } } },
    async (request, reply) => {
      const outcome = newOutcome();
      const created = await store.create(kind, request.body, { ...clientGone(reply), outcome });
      outcomeHeaders(reply, outcome);
      reply.code(201).header('location', `${base}/${encodeURIComponent(created.name)}`);
      return withEtag(reply, created);
    },
  );

  app.get(
    `${base}/:name`,
    { schema: { tags, summary: `Read a ${kind}`, params: NameParams, response: { 200: output, '4xx': ErrorSchema } } },
    async (request, reply) => answer(reply, withEtag(reply, await store.get(kind, request.params.name))),
  );

  app.get(
    `${base}/by-id/:id`,
    {
      schema: {
        tags,
        summary: `Read a ${kind} by its id (which a rename keeps)`,
        params: IdParams,
        response: { 200: output, '4xx': ErrorSchema },
      },
    },
    async (request, reply) => answer(reply, withEtag(reply, await store.getById(kind, request.params.id))),
  );

  app.put(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: `Replace a ${kind} (may rename it)`,
        params: NameParams,
        headers: IfMatchHeaders,
        body: replaceBody(input),
        response: { 200: output, '4xx': ErrorSchema },
      },
    },
    async (request, reply) => {
      const { version, ...body } = request.body;
      const outcome = newOutcome();
      const updated = await store.replace(kind, request.params.name, body, expectedVersion(request, version), {
        ...clientGone(reply),
        outcome,
      });
      outcomeHeaders(reply, outcome);
      return withEtag(reply, updated);
    },
  );

  app.delete(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: `Delete a ${kind}`,
        params: NameParams,
        headers: IfMatchHeaders,
        response: { '4xx': ErrorSchema },
      },
    },
    async (request, reply) => {
      const outcome = newOutcome();
      await store.remove(kind, request.params.name, expectedVersion(request, undefined), {
        ...clientGone(reply),
        outcome,
      });
      outcomeHeaders(reply, outcome);
      reply.code(204).send();
    },
  );
}

export const crudPlugin = fp(
  async (app) => {
    for (const kind of Object.keys(KINDS) as Kind[]) kindRoutes(app, kind);
  },
  { name: 'microseg-crud', dependencies: ['microseg-core'], fastify: '5.x' },
);
