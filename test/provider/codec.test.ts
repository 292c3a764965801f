/** The msgpack DynamicValue codec against cty's wire format. */
import fc from 'fast-check';
import { encode as rawEncode } from '@msgpack/msgpack';
import { CodecError, decodeValue, encodeValue, valueFromJson } from '../../provider/cty/msgpack';
import { T, typeFromJson, typeToJson, type CtyType } from '../../provider/cty/types';
import { UNKNOWN, isWhollyKnown, valueEquals, type Value } from '../../provider/cty/value';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('cty msgpack codec', () => {
  test('null, unknown and primitives use the bytes cty uses', () => {
    expect(hex(encodeValue(T.string, null))).toBe('c0');
    expect(hex(encodeValue(T.string, UNKNOWN))).toBe('d40000'); // fixext1, type 0, data 0
    expect(hex(encodeValue(T.string, 'ab'))).toBe('a26162');
    expect(hex(encodeValue(T.bool, true))).toBe('c3');
    expect(hex(encodeValue(T.number, 443))).toBe('cd01bb');
    expect(hex(encodeValue(T.number, -1))).toBe('ff');
    expect(hex(encodeValue(T.number, 1.5))).toBe('cb3ff8000000000000');
  });

  test('objects are maps with every attribute, in name order, absent ones as nil', () => {
    const t = T.object({ b: T.string, a: T.number });
    expect(hex(encodeValue(t, { a: 1 }))).toBe('82a16101a162c0');
    expect(decodeValue(t, encodeValue(t, { a: 1 }))).toEqual({ a: 1, b: null });
  });

  test('unknowns anywhere, and refined unknowns (extension 12), decode as unknown', () => {
    const t = T.object({ id: T.string, tags: T.set(T.string), nested: T.list(T.object({ x: T.number })) });
    const v: Value = { id: UNKNOWN, tags: ['a', UNKNOWN], nested: [{ x: UNKNOWN }] };
    const back = decodeValue(t, encodeValue(t, v));
    expect(back).toEqual(v);
    expect(isWhollyKnown(back)).toBe(false);
    // A refined unknown string that is known not to be null, with a prefix: ext 12 with a msgpack map payload.
    const payload = Buffer.from(rawEncode({ 1: false, 2: 'web' }));
    const refined = Buffer.concat([Buffer.from([0xc7, payload.length, 12]), payload]);
    expect(decodeValue(T.string, refined)).toBe(UNKNOWN);
    const inObject = Buffer.concat([Buffer.from('81a26964', 'hex'), refined]);
    expect(decodeValue(T.object({ id: T.string }), inObject)).toEqual({ id: UNKNOWN });
  });

  test('numbers: integers, floats, beyond 2^53 as bigint, and decimal strings', () => {
    expect(decodeValue(T.number, encodeValue(T.number, 2n ** 60n))).toBe(2n ** 60n);
    expect(decodeValue(T.number, encodeValue(T.number, 0.25))).toBe(0.25);
    expect(decodeValue(T.number, rawEncode('12345678901234567890123'))).toBe(12345678901234567890123n);
    expect(decodeValue(T.number, rawEncode('1.5'))).toBe(1.5);
    expect(hex(encodeValue(T.number, 2n ** 70n))).toBe(hex(rawEncode((2n ** 70n).toString())));
    expect(() => encodeValue(T.number, Number.NaN)).toThrow(CodecError);
  });

  test('sets, lists, maps and nested objects round-trip', () => {
    const t = T.object({
      values: T.set(T.string),
      ips: T.list(T.string),
      categories: T.map(T.set(T.string)),
      inbound: T.set(
        T.object({
          from: T.object({ cidrs: T.set(T.string), any: T.bool }),
          services: T.list(T.object({ protocol: T.string, ports: T.set(T.string) })),
        }),
      ),
    });
    const v: Value = {
      values: ['web', 'db'],
      ips: ['10.0.0.1', 'fd00::1'],
      categories: { AppTier: ['web', 'app'], Env: [] },
      inbound: [
        { from: { cidrs: ['10.0.0.0/8'], any: null }, services: [{ protocol: 'tcp', ports: ['443'] }] },
        { from: { cidrs: null, any: true }, services: [] },
      ],
    };
    expect(decodeValue(t, encodeValue(t, v))).toEqual(v);
  });

  test('a value of dynamic type is decoded from [type JSON, value]', () => {
    const bytes = rawEncode([new TextEncoder().encode(JSON.stringify(['list', 'string'])), ['a', 'b']]);
    expect(decodeValue('dynamic', bytes)).toEqual(['a', 'b']);
  });

  test('type errors name the path', () => {
    const t = T.object({ inbound: T.list(T.object({ port: T.number })) });
    expect(() => encodeValue(t, { inbound: [{ port: 'x' as unknown as number }] })).toThrow(
      'inbound[0].port: expected number',
    );
    expect(() => encodeValue(t, { nope: 'x' })).toThrow('nope: not an attribute');
    expect(() => decodeValue(t, rawEncode({ inbound: 'x' }))).toThrow('inbound: expected an array');
  });

  test('JSON state decodes leniently (attributes an older schema had are dropped)', () => {
    const t = T.object({ name: T.string, values: T.set(T.string) });
    expect(valueFromJson(t, { name: 'a', values: ['x'], gone: 1 }, true)).toEqual({ name: 'a', values: ['x'] });
    expect(() => valueFromJson(t, { name: 'a', gone: 1 })).toThrow('gone: unsupported attribute');
  });

  test('set equality ignores order, list equality does not', () => {
    expect(valueEquals(T.set(T.string), ['a', 'b'], ['b', 'a'])).toBe(true);
    expect(valueEquals(T.list(T.string), ['a', 'b'], ['b', 'a'])).toBe(false);
    const objs = T.set(T.object({ p: T.string, ports: T.set(T.string) }));
    expect(
      valueEquals(
        objs,
        [
          { p: 'tcp', ports: ['1', '2'] },
          { p: 'udp', ports: null },
        ],
        [
          { p: 'udp', ports: null },
          { p: 'tcp', ports: ['2', '1'] },
        ],
      ),
    ).toBe(true);
  });

  test('type JSON round-trips', () => {
    const t: CtyType = T.object({ a: T.set(T.map(T.list(T.number))), b: 'bool' });
    expect(typeToJson(t)).toEqual(['object', { a: ['set', ['map', ['list', 'number']]], b: 'bool' }]);
    expect(typeFromJson(typeToJson(t))).toEqual(t);
  });

  test('property: any value of any type round-trips', () => {
    const leaf = fc.constantFrom<CtyType>('string', 'number', 'bool');
    const typeArb: fc.Arbitrary<CtyType> = fc.letrec<{ t: CtyType }>((tie) => ({
      t: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        tie('t').map((e) => T.list(e)),
        tie('t').map((e) => T.set(e)),
        tie('t').map((e) => T.map(e)),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie('t'), { maxKeys: 4 }).map((o) => T.object(o)),
      ),
    })).t;
    const valueOf = (t: CtyType, depth = 0): fc.Arbitrary<Value> => {
      const wrap = (a: fc.Arbitrary<Value>) =>
        fc.oneof(
          { weight: 8, arbitrary: a },
          { weight: 1, arbitrary: fc.constant<Value>(null) },
          { weight: 1, arbitrary: fc.constant<Value>(UNKNOWN) },
        );
      if (t === 'string') return wrap(fc.string());
      if (t === 'bool') return wrap(fc.boolean());
      if (t === 'number')
        return wrap(
          fc.oneof(
            fc.integer(),
            fc
              .double({ noNaN: true, noDefaultInfinity: true })
              .filter((d) => !Object.is(d, -0) && !(Number.isInteger(d) && !Number.isSafeInteger(d))),
            fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).filter((b) => !Number.isSafeInteger(Number(b))),
          ),
        );
      if (typeof t === 'string') throw new Error('no dynamic here');
      if ('list' in t) return wrap(fc.array(valueOf(t.list, depth + 1), { maxLength: 3 }));
      if ('set' in t) return wrap(fc.array(valueOf(t.set, depth + 1), { maxLength: 3 }));
      if ('map' in t)
        return wrap(fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), valueOf(t.map, depth + 1), { maxKeys: 3 }));
      if ('object' in t)
        return wrap(
          fc.record(
            Object.fromEntries(Object.entries(t.object).map(([k, at]) => [k, valueOf(at, depth + 1)])),
          ) as fc.Arbitrary<Value>,
        );
      throw new Error('unexpected type');
    };
    fc.assert(
      fc.property(
        typeArb.chain((t) => fc.tuple(fc.constant(t), valueOf(t))),
        ([t, v]) => {
          const back = decodeValue(t, encodeValue(t, v));
          expect(back).toEqual(v);
        },
      ),
      { numRuns: 300 },
    );
  });
});
