/**
 * IP addresses and CIDRs, once for the whole code base (validation, explain,
 * compiler, agent, observations), on ipaddr.js. Canonical text: IPv4 dotted
 * decimal without leading zeros; IPv6 lower-case RFC 5952. Pure.
 */
import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
export type IpVersion = 4 | 6;
/** `address` may have host bits set (see networkOf). */
export interface Cidr {
  address: IpAddress;
  prefix: number;
}

const DOTTED_TAIL = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/;

function parseIPv4(text: string): ipaddr.IPv4 | null {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
}

/** An IPv4 or IPv6 address; null for anything else (zone ids such as fe80::1%eth0 included). */
export function parseAddress(text: string): IpAddress | null {
  const v4 = parseIPv4(text);
  if (v4) return v4;
  if (text.includes('%')) return null;
  // A dotted IPv4 tail becomes two hex groups first: ipaddr.js reads "::1.2.3.4" as "::ffff:1.2.3.4".
  const tail = text.match(DOTTED_TAIL);
  let hex = text;
  if (tail) {
    const t = parseIPv4(tail[2]);
    if (!t) return null;
    const [a, b, c, d] = t.octets;
    hex = `${tail[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  return ipaddr.IPv6.isValid(hex) ? ipaddr.IPv6.parse(hex) : null;
}

export const versionOf = (a: IpAddress): IpVersion => (a.kind() === 'ipv4' ? 4 : 6);
export const hostPrefix = (v: IpVersion): number => (v === 4 ? 32 : 128);

/** The version of an address or CIDR already known to be valid (snapshot data, conntrack output). */
export function ipVersion(text: string): IpVersion {
  const slash = text.indexOf('/');
  const a = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!a) throw new Error(`not an IP address or CIDR: ${JSON.stringify(text)}`);
  return versionOf(a);
}

export const formatAddress = (a: IpAddress): string => a.toString();

/** Canonical texts by text: the same few thousand addresses are read again every observation round. */
const canonical = new Map<string, string | null>();
const CANONICAL_CACHE = 100_000;

/** The canonical text of an address, or null when it is not an address. */
export function canonicalAddress(text: string): string | null {
  let c = canonical.get(text);
  if (c !== undefined) return c;
  const a = parseAddress(text);
  c = a ? formatAddress(a) : null;
  // Bounded: arbitrary input (every address a client ever sent) must not grow it without end.
  if (canonical.size >= CANONICAL_CACHE) canonical.clear();
  canonical.set(text, c);
  return c;
}

export const sameAddress = (a: IpAddress, b: IpAddress): boolean =>
  a.kind() === b.kind() && a.toString() === b.toString();

/** "address/prefix" with a decimal prefix in range; null when malformed. Host bits are kept. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > hostPrefix(versionOf(address))) return null;
  return { address, prefix };
}

/** The network of a CIDR: host bits cleared. */
export function networkOf(c: Cidr): Cidr {
  const text = `${c.address.toString()}/${c.prefix}`;
  const network =
    c.address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  return { address: network, prefix: c.prefix };
}

export const formatCidr = (c: Cidr): string => `${formatAddress(c.address)}/${c.prefix}`;

export function cidrContains(c: Cidr, a: IpAddress): boolean {
  return a.kind() === c.address.kind() && (a as ipaddr.IPv4).match(c.address as ipaddr.IPv4, c.prefix);
}

/** An address as an unsigned integer (32 or 128 bits). */
export function addressValue(a: IpAddress): bigint {
  return a.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** The address of an integer value of one family. */
export function addressOf(version: IpVersion, value: bigint): IpAddress {
  const n = version === 4 ? 4 : 16;
  const bytes = Array.from({ length: n }, (_, i) => Number((value >> BigInt(8 * (n - 1 - i))) & 0xffn));
  return ipaddr.fromByteArray(bytes) as IpAddress;
}

/** An inclusive address interval: a CIDR or a range "low-high" of one family. */
export interface Block {
  version: IpVersion;
  low: bigint;
  high: bigint;
}

/** A CIDR or "address-address" (low ≤ high, one family); null when it is neither. */
export function parseBlock(text: string): Block | null {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const low = parseAddress(text.slice(0, dash));
    const high = parseAddress(text.slice(dash + 1));
    if (!low || !high || versionOf(low) !== versionOf(high) || addressValue(low) > addressValue(high)) return null;
    return { version: versionOf(low), low: addressValue(low), high: addressValue(high) };
  }
  const c = parseCidr(text);
  if (!c) return null;
  const version = versionOf(c.address);
  const hostBits = BigInt(hostPrefix(version) - c.prefix);
  const low = (addressValue(c.address) >> hostBits) << hostBits;
  return { version, low, high: low + (1n << hostBits) - 1n };
}

export function blockContains(block: Block, a: IpAddress): boolean {
  if (versionOf(a) !== block.version) return false;
  const v = addressValue(a);
  return v >= block.low && v <= block.high;
}
