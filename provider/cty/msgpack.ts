/**
 * The msgpack encoding of Terraform values (DynamicValue.msgpack), following
 * cty's wire format: null is nil, an unknown is extension 0 (a refined
 * unknown, extension 12, is read as a plain unknown), numbers are ints,
 * float64 or, when too large or precise for both, decimal strings; lists,
 * sets and tuples are arrays; maps and objects are maps; a value of dynamic
 * type is [type JSON, value].
 */
import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack';
import { typeFromJson, typeToJson, type CtyType } from './types';
import { UNKNOWN, isObject, type Value } from './value';

const UNKNOWN_EXT = 0;
const REFINED_UNKNOWN_EXT = 12;

class UnknownMarker {}
const extensions = new ExtensionCodec();
extensions.register({
  type: UNKNOWN_EXT,
  encode: (v: unknown) => (v instanceof UnknownMarker ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
extensions.register({ type: REFINED_UNKNOWN_EXT, encode: () => null, decode: () => UNKNOWN });
const MARKER = new UnknownMarker();

const encoder = new Encoder({ extensionCodec: extensions, useBigInt64: true, ignoreUndefined: false });
const decoder = new Decoder({ extensionCodec: extensions, useBigInt64: true });

export class CodecError extends Error {}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Prepares a value for the msgpack encoder according to its type. */
function toWire(t: CtyType, v: Value, path: string): unknown {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return MARKER;
  if (t === 'dynamic') {
    throw new CodecError(`${path || 'value'}: encoding values of dynamic type is not supported`);
  }
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        if (typeof v !== 'string') throw new CodecError(`${path || 'value'}: expected string, got ${typeof v}`);
        return v;
      case 'bool':
        if (typeof v !== 'boolean') throw new CodecError(`${path || 'value'}: expected bool, got ${typeof v}`);
        return v;
      case 'number':
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw new CodecError(`${path || 'value'}: number must be finite`);
          return Number.isSafeInteger(v) || !Number.isInteger(v) ? v : BigInt(v);
        }
        if (typeof v === 'bigint') return v >= INT64_MIN && v <= UINT64_MAX ? v : v.toString();
        if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(v)) return v;
        throw new CodecError(`${path || 'value'}: expected number, got ${typeof v}`);
    }
  }
  if (typeof t === 'object' && ('list' in t || 'set' in t)) {
    if (!Array.isArray(v)) throw new CodecError(`${path || 'value'}: expected a collection`);
    const et = 'list' in t ? t.list : t.set;
    return v.map((e, i) => toWire(et, e, `${path}[${i}]`));
  }
  if (typeof t === 'object' && 'tuple' in t) {
    if (!Array.isArray(v) || v.length !== t.tuple.length)
      throw new CodecError(`${path || 'value'}: expected a tuple of ${t.tuple.length}`);
    return v.map((e, i) => toWire(t.tuple[i], e, `${path}[${i}]`));
  }
  if (!isObject(v)) throw new CodecError(`${path || 'value'}: expected an object or map`);
  if ('map' in t) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = toWire(t.map, v[k], `${path}[${JSON.stringify(k)}]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(t.object).sort()) out[k] = toWire(t.object[k], v[k] ?? null, path ? `${path}.${k}` : k);
  for (const k of Object.keys(v)) {
    if (!(k in t.object) && v[k] !== null && v[k] !== undefined)
      throw new CodecError(`${path ? `${path}.` : ''}${k}: not an attribute of the object type`);
  }
  return out;
}

export function encodeValue(t: CtyType, v: Value): Uint8Array {
  return encoder.encode(toWire(t, v, ''));
}

function parseNumber(raw: unknown, path: string): number | bigint {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
  if (typeof raw === 'string') {
    if (/^-?[0-9]+$/.test(raw)) {
      const b = BigInt(raw);
      return Number.isSafeInteger(Number(b)) ? Number(b) : b;
    }
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  throw new CodecError(`${path || 'value'}: expected number`);
}

/** Turns decoded msgpack into a Value of type t (checking it). */
function fromWire(t: CtyType, raw: unknown, path: string, lenient = false): Value {
  if (raw === null || raw === undefined) return null;
  if (raw === UNKNOWN) return UNKNOWN;
  const where = path || 'value';
  if (t === 'dynamic') {
    if (!Array.isArray(raw) || raw.length !== 2)
      throw new CodecError(`${where}: expected [type, value] for a dynamic value`);
    const typeBytes = raw[0];
    const typeText = typeof typeBytes === 'string' ? typeBytes : new TextDecoder().decode(typeBytes as Uint8Array);
    return fromWire(typeFromJson(JSON.parse(typeText)), raw[1], path, lenient);
  }
  if (typeof t === 'string') {
    if (t === 'number') return parseNumber(raw, path);
    if (t === 'string') {
      if (typeof raw === 'string') return raw;
      throw new CodecError(`${where}: expected string`);
    }
    if (typeof raw === 'boolean') return raw;
    throw new CodecError(`${where}: expected bool`);
  }
  if ('list' in t || 'set' in t || 'tuple' in t) {
    if (!Array.isArray(raw)) throw new CodecError(`${where}: expected an array`);
    return raw.map((e, i) =>
      fromWire('list' in t ? t.list : 'set' in t ? t.set : t.tuple[i], e, `${path}[${i}]`, lenient),
    );
  }
  const entries: [string, unknown][] =
    raw instanceof Map ? [...raw.entries()].map(([k, v]) => [String(k), v]) : isObject(raw) ? Object.entries(raw) : [];
  if (!(raw instanceof Map) && !isObject(raw)) throw new CodecError(`${where}: expected a map`);
  const out: Record<string, Value> = {};
  if ('map' in t) {
    for (const [k, v] of entries) out[k] = fromWire(t.map, v, `${path}[${JSON.stringify(k)}]`, lenient);
    return out;
  }
  for (const k of Object.keys(t.object)) out[k] = null;
  for (const [k, v] of entries) {
    if (!(k in t.object)) {
      if (lenient) continue;
      throw new CodecError(`${path ? `${path}.` : ''}${k}: unsupported attribute`);
    }
    out[k] = fromWire(t.object[k], v, path ? `${path}.${k}` : k, lenient);
  }
  return out;
}

export function decodeValue(t: CtyType, bytes: Uint8Array): Value {
  if (bytes.length === 0) return null;
  return fromWire(t, decoder.decode(bytes), '');
}

/**
 * Decodes the JSON form (DynamicValue.json, and stored state) of a value of
 * type t; `lenient` drops attributes the type no longer has (old state).
 */
export function valueFromJson(t: CtyType, json: unknown, lenient = false): Value {
  return fromWire(t, json, '', lenient);
}

export { typeToJson };
