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

/**
 * Where a value is, for error messages: the steps from the root (".name", an index, '["key"]'), pushed and popped
 * while walking and written out only for an error (building every path eagerly was a good part of the codec's cost).
 */
type At = (string | number)[];
function where(at: At): string {
  const p = at.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('');
  return p === '' ? 'value' : p.startsWith('.') ? p.slice(1) : p;
}

/** An object type's attribute names in the order the wire wants (sorted) and their path steps, once per type. */
const objectKeys = new WeakMap<object, { keys: string[]; steps: Record<string, string> }>();
function keysOf(object: Record<string, CtyType>): { keys: string[]; steps: Record<string, string> } {
  let k = objectKeys.get(object);
  if (!k) {
    const keys = Object.keys(object).sort();
    objectKeys.set(object, (k = { keys, steps: Object.fromEntries(keys.map((n) => [n, `.${n}`])) }));
  }
  return k;
}

/** Prepares a value for the msgpack encoder according to its type. */
function toWire(t: CtyType, v: Value, at: At): unknown {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return MARKER;
  if (t === 'dynamic') {
    throw new CodecError(`${where(at)}: encoding values of dynamic type is not supported`);
  }
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        if (typeof v !== 'string') throw new CodecError(`${where(at)}: expected string, got ${typeof v}`);
        return v;
      case 'bool':
        if (typeof v !== 'boolean') throw new CodecError(`${where(at)}: expected bool, got ${typeof v}`);
        return v;
      case 'number':
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw new CodecError(`${where(at)}: number must be finite`);
          return Number.isSafeInteger(v) || !Number.isInteger(v) ? v : BigInt(v);
        }
        if (typeof v === 'bigint') return v >= INT64_MIN && v <= UINT64_MAX ? v : v.toString();
        if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(v)) return v;
        throw new CodecError(`${where(at)}: expected number, got ${typeof v}`);
    }
  }
  if (typeof t === 'object' && ('list' in t || 'set' in t || 'tuple' in t)) {
    if ('tuple' in t && (!Array.isArray(v) || v.length !== t.tuple.length))
      throw new CodecError(`${where(at)}: expected a tuple of ${t.tuple.length}`);
    if (!Array.isArray(v)) throw new CodecError(`${where(at)}: expected a collection`);
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      at.push(i);
      out[i] = toWire('list' in t ? t.list : 'set' in t ? t.set : t.tuple[i], v[i], at);
      at.pop();
    }
    return out;
  }
  if (!isObject(v)) throw new CodecError(`${where(at)}: expected an object or map`);
  const out: Record<string, unknown> = {};
  if ('map' in t) {
    for (const k of Object.keys(v).sort()) {
      at.push(`[${JSON.stringify(k)}]`);
      out[k] = toWire(t.map, v[k], at);
      at.pop();
    }
    return out;
  }
  const { keys, steps } = keysOf(t.object);
  for (const k of keys) {
    at.push(steps[k]);
    out[k] = toWire(t.object[k], v[k] ?? null, at);
    at.pop();
  }
  for (const k in v) {
    if (!(k in t.object) && v[k] !== null && v[k] !== undefined)
      throw new CodecError(`${where([...at, `.${k}`])}: not an attribute of the object type`);
  }
  return out;
}

export function encodeValue(t: CtyType, v: Value): Uint8Array {
  return encoder.encode(toWire(t, v, []));
}

function parseNumber(raw: unknown, at: At): number | bigint {
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
  throw new CodecError(`${where(at)}: expected number`);
}

/** Turns decoded msgpack into a Value of type t (checking it). */
function fromWire(t: CtyType, raw: unknown, at: At, lenient = false): Value {
  if (raw === null || raw === undefined) return null;
  if (raw === UNKNOWN) return UNKNOWN;
  if (t === 'dynamic') {
    if (!Array.isArray(raw) || raw.length !== 2)
      throw new CodecError(`${where(at)}: expected [type, value] for a dynamic value`);
    const typeBytes = raw[0];
    const typeText = typeof typeBytes === 'string' ? typeBytes : new TextDecoder().decode(typeBytes as Uint8Array);
    return fromWire(typeFromJson(JSON.parse(typeText)), raw[1], at, lenient);
  }
  if (typeof t === 'string') {
    if (t === 'number') return parseNumber(raw, at);
    if (t === 'string') {
      if (typeof raw === 'string') return raw;
      throw new CodecError(`${where(at)}: expected string`);
    }
    if (typeof raw === 'boolean') return raw;
    throw new CodecError(`${where(at)}: expected bool`);
  }
  if ('list' in t || 'set' in t || 'tuple' in t) {
    if (!Array.isArray(raw)) throw new CodecError(`${where(at)}: expected an array`);
    const out = new Array<Value>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      at.push(i);
      out[i] = fromWire('list' in t ? t.list : 'set' in t ? t.set : t.tuple[i], raw[i], at, lenient);
      at.pop();
    }
    return out;
  }
  if (!(raw instanceof Map) && !isObject(raw)) throw new CodecError(`${where(at)}: expected a map`);
  const entries: Iterable<[unknown, unknown]> = raw instanceof Map ? raw.entries() : Object.entries(raw);
  const out: Record<string, Value> = {};
  if ('map' in t) {
    for (const [key, v] of entries) {
      const k = String(key);
      at.push(`[${JSON.stringify(k)}]`);
      out[k] = fromWire(t.map, v, at, lenient);
      at.pop();
    }
    return out;
  }
  const { keys, steps } = keysOf(t.object);
  for (const k of keys) out[k] = null;
  for (const [key, v] of entries) {
    const k = String(key);
    if (!(k in t.object)) {
      if (lenient) continue;
      throw new CodecError(`${where([...at, `.${k}`])}: unsupported attribute`);
    }
    at.push(steps[k]);
    out[k] = fromWire(t.object[k], v, at, lenient);
    at.pop();
  }
  return out;
}

export function decodeValue(t: CtyType, bytes: Uint8Array): Value {
  if (bytes.length === 0) return null;
  return fromWire(t, decoder.decode(bytes), []);
}

/**
 * Decodes the JSON form (DynamicValue.json, and stored state) of a value of
 * type t; `lenient` drops attributes the type no longer has (old state).
 */
export function valueFromJson(t: CtyType, json: unknown, lenient = false): Value {
  return fromWire(t, json, [], lenient);
}

export { typeToJson };
