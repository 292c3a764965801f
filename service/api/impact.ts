/**
 * POST /v1/impact: what a candidate change would do to the connections
 * observed in the window. Each change is checked as its real write would be
 * (the kind's input schema here, as fastify checks POST/PUT; then the store's
 * checks in model/candidate.ts) and applied to a copy of the model; nothing
 * is stored, so a reader may ask.
 */
import fp from 'fastify-plugin';
import Ajv, { type ValidateFunction } from 'ajv';
import { KINDS, type Kind } from '../model/schemas';
import { ImpactRequest, ImpactResult, type ImpactRequestT } from '../model/impact';
import { applyChanges, type CandidateChange } from '../model/candidate';
import { buildSnapshot } from '../model/load-snapshot';
import { describeSchemaErrors, type AjvError } from '../model/schema-errors';
import { requireDuration } from '../model/duration';
import { DomainError } from '../model/errors';
import type { AnyBody } from '../model/validate';
import { impactOf } from '../policy/impact';
import { ErrorSchema, type TypeBoxRequests } from './crud';

const DEFAULT_WINDOW = '24h';

/** The kinds' input schemas compiled with the options the app gives fastify's ajv (service/app.ts). */
function bodyValidators(): Record<Kind, ValidateFunction> {
  const ajv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: true });
  return Object.fromEntries((Object.keys(KINDS) as Kind[]).map((k) => [k, ajv.compile(KINDS[k].input)])) as Record<
    Kind,
    ValidateFunction
  >;
}

function checkedChanges(request: ImpactRequestT, validators: Record<Kind, ValidateFunction>): CandidateChange[] {
  return request.changes.map((c, i) => {
    if (c.action !== 'delete' && c.body !== undefined) {
      const body = structuredClone(c.body);
      const validate = validators[c.kind];
      if (!validate(body)) {
        const d = describeSchemaErrors(validate.errors as AjvError[], 'body');
        const at = (f: string | null) => `changes[${i}].body${f ? `.${f}` : ''}`;
        throw new DomainError(
          'bad_request',
          `${at(d.field)}: ${d.message.replace(/^[^:]*: /, '')}`,
          at(d.field),
          d.details.map((x) => ({ field: at(x.field), message: x.message })),
        );
      }
      return { action: c.action, kind: c.kind, name: c.name, body: body as unknown as AnyBody };
    }
    return { action: c.action, kind: c.kind, name: c.name };
  });
}

/** The `microseg-impact` plugin: POST /v1/impact over app.store. */
export const impactPlugin = fp(
  async (untyped) => {
    const app = untyped.withTypeProvider<TypeBoxRequests>();
    const store = app.store;
    const validators = bodyValidators();
    app.post(
      '/v1/impact',
      {
        config: { access: 'read' }, // it changes nothing
        schema: {
          tags: ['impact'],
          summary: 'What a candidate change would do to the connections observed in the window',
          description:
            'Applies the changes in order to a copy of the current model (each checked as its real write would be, ' +
            'errors naming the field as changes[i].body.…) and replays every connection observed in the window ' +
            'through explain() on the current and on the candidate policy. Answers each connection whose verdict ' +
            'changes, with the deciding rule before and after, and counts by rule. Nothing is stored.',
          body: ImpactRequest,
          response: { 200: ImpactResult, '4xx': ErrorSchema },
        },
      },
      async (request) => {
        const body = request.body;
        const windowMs = requireWindow(body.window ?? DEFAULT_WINDOW);
        const changes = checkedChanges(body, validators);
        const { generation, model } = await store.loadModel();
        const candidate = applyChanges(model, changes);
        // explain() never reads rule ids, so the candidate's new rules need none.
        const noId = () => 0;
        const until = Date.now();
        return impactOf(
          buildSnapshot(generation, model, noId),
          buildSnapshot(generation, candidate, noId),
          await store.flows.all(),
          { since: until - windowMs, until },
        );
      },
    );
  },
  { name: 'microseg-impact', dependencies: ['microseg-core'], fastify: '5.x' },
);

function requireWindow(text: string): number {
  try {
    return requireDuration(text, 'window', { minMs: 1000, maxMs: 366 * 86_400_000 });
  } catch (e) {
    throw new DomainError('bad_request', (e as Error).message, 'window');
  }
}
