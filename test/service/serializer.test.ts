/**
 * The response serializers (service/api/serializer.ts) compile nothing after
 * start-up: answering every kind, each union branch present (modes, nulls,
 * a host's status), asks ajv for no validator, and the answers are the
 * objects as stored.
 */
import { dirname } from 'node:path';
import { plainUnions } from '../../service/api/serializer';
import { startService, type TestService } from '../support/service';

// The ajv that fast-json-stringify validates union branches with (its own dependency).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv = require(require.resolve('ajv', { paths: [dirname(require.resolve('fast-json-stringify'))] }));
const ajvProto = (Ajv.default ?? Ajv).prototype as { getSchema(...a: unknown[]): unknown };

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

test('plainUnions: a union of scalars becomes the list of their types; any other union stays', () => {
  const mode = {
    anyOf: [
      { const: 'apply', type: 'string' },
      { const: 'monitor', type: 'string' },
    ],
  };
  const nullable = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }], description: 'd' };
  const count = { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'd' };
  const objects = { anyOf: [{ type: 'object', properties: {} }, { type: 'null' }] };
  const formatted = { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] };
  expect(plainUnions({ type: 'object', properties: { mode, nullable, count, objects, formatted } })).toEqual({
    type: 'object',
    properties: {
      mode: { type: 'string' },
      // What only validates (minimum) goes with the union; a format (how a Date is written) keeps it.
      nullable: { type: ['integer', 'null'], description: 'd' },
      count: { type: ['integer', 'null'], description: 'd' },
      objects,
      formatted,
    },
  });
});

test('answering every kind, every union branch, compiles no validator after start-up', async () => {
  const created = [
    ['categories', { name: 'Tier', values: ['web', 'db'] }],
    ['hosts', { name: 'h1' }],
    ['entities', { name: 'e1', host: 'h1', port: 'p1', ips: ['10.0.0.1'], categories: { Tier: 'web' } }],
    ['application-rules', { name: 'a', mode: 'apply', target: { categories: { Tier: ['web'] } } }],
    ['application-rules', { name: 'm', mode: 'monitor', target: { categories: { Tier: ['web'] } } }],
    [
      'isolation-rules',
      { name: 'i', mode: 'monitor', groups: [{ categories: { Tier: ['web'] } }, { categories: { Tier: ['db'] } }] },
    ],
  ] as const;
  for (const [collection, body] of created) {
    const r = await svc.api('POST', `/v1/${collection}`, body);
    expect([collection, body.name, r.status, r.body?.message]).toEqual([collection, body.name, 201, undefined]);
  }
  const original = ajvProto.getSchema;
  let asked = 0;
  ajvProto.getSchema = function (this: unknown, ...a: unknown[]) {
    asked++;
    return original.apply(this, a);
  };
  try {
    for (const [collection, body] of created) {
      const one = await svc.api('GET', `/v1/${collection}/${body.name}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject(body);
      expect((await svc.api('GET', `/v1/${collection}`)).status).toBe(200);
    }
    // A host never reported: its status has every nullable field null.
    const host = await svc.api('GET', '/v1/hosts/h1');
    expect(host.body.status).toMatchObject({ realized_generation: null, last_error: null });
    expect((await svc.api('GET', '/v1/status')).status).toBe(200);
  } finally {
    ajvProto.getSchema = original;
  }
  expect(asked).toBe(0);
});
