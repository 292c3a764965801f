/**
 * IP address and CIDR math for the evaluator: parse to (version, bigint) and
 * test membership. Pure; no I/O. Inputs come from a validated snapshot, but
 * query addresses come from users, so parsing returns null instead of throwing.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Ip { version: 4 | 6; value: bigint }
export interface Cidr extends Ip { prefix: number }

function v4ToBigint(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function v6ToBigint(text: string): bigint {
  let s = text.toLowerCase();
  const tail4 = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (tail4) {
    const n = v4ToBigint(tail4[2]);
    s = `${tail4[1]}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const zeros = halves.length > 1 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(zeros).fill('0'), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parses an IPv4 or IPv6 address (no zone id); null when it is not one. */
export function parseIp(text: string): Ip | null {
  if (isIPv4(text)) return { version: 4, value: v4ToBigint(text) };
  if (isIPv6(text) && !text.includes('%')) return { version: 6, value: v6ToBigint(text) };
  return null;
}

/** Parses "address/prefix"; null when malformed. Host bits are ignored (masked). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (ip.version === 4 ? 32 : 128)) return null;
  return { ...ip, prefix };
}

export function sameIp(a: Ip, b: Ip): boolean {
  return a.version === b.version && a.value === b.value;
}

export function cidrContains(cidr: Cidr, ip: Ip): boolean {
  if (cidr.version !== ip.version) return false;
  const bits = BigInt(cidr.version === 4 ? 32 : 128);
  const shift = bits - BigInt(cidr.prefix);
  return cidr.value >> shift === ip.value >> shift;
}

/** An inclusive address interval: a CIDR or a range "low-high" of one family. */
export interface Block { version: 4 | 6; low: bigint; high: bigint }

/** Parses a CIDR or "address-address" (low ≤ high, one family); null when it is neither. */
export function parseBlock(text: string): Block | null {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const low = parseIp(text.slice(0, dash));
    const high = parseIp(text.slice(dash + 1));
    if (!low || !high || low.version !== high.version || low.value > high.value) return null;
    return { version: low.version, low: low.value, high: high.value };
  }
  const c = parseCidr(text);
  if (!c) return null;
  const hostBits = BigInt((c.version === 4 ? 32 : 128) - c.prefix);
  const low = (c.value >> hostBits) << hostBits;
  return { version: c.version, low, high: low + (1n << hostBits) - 1n };
}

export function blockContains(block: Block, ip: Ip): boolean {
  return block.version === ip.version && ip.value >= block.low && ip.value <= block.high;
}
