/**
 * Address parsing for validation: IPv4/IPv6 addresses and CIDRs, with the
 * canonical text form we store (lower-case, RFC 5952 compressed IPv6, host
 * bits zero). Pure functions, no I/O.
 */
import { isIPv6 } from 'node:net';

export interface ParsedAddress { version: 4 | 6; value: bigint }
export interface ParsedCidr extends ParsedAddress { prefix: number }

const V4_OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

export function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_OCTET.test(p))) return null;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

export function parseIPv6(text: string): bigint | null {
  // Zone ids (fe80::1%eth0) are not addresses a firewall rule can name.
  if (!isIPv6(text) || text.includes('%')) return null;
  let s = text.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = parseIPv4(v4[2]);
    if (n === null) return null;
    s = `${v4[1]}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function parseAddress(text: string): ParsedAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIPv6(text);
  if (v6 !== null) return { version: 6, value: v6 };
  return null;
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
}

/** RFC 5952: lower-case, no leading zeros, the longest run (≥2) of zero groups as "::". */
export function formatIPv6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((value >> s) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatAddress(a: ParsedAddress): string {
  return a.version === 4 ? formatIPv4(a.value) : formatIPv6(a.value);
}

/** The canonical text of an address, or null when it is not an address. */
export function canonicalAddress(text: string): string | null {
  const a = parseAddress(text);
  return a ? formatAddress(a) : null;
}

export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!addr || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (addr.version === 4 ? 32 : 128)) return null;
  return { ...addr, prefix };
}

/** Clears the host bits: the network address of a CIDR. */
export function networkOf(c: ParsedCidr): ParsedCidr {
  const bits = BigInt(c.version === 4 ? 32 : 128);
  const hostBits = bits - BigInt(c.prefix);
  const mask = ((1n << bits) - 1n) ^ ((1n << hostBits) - 1n);
  return { ...c, value: c.value & mask };
}

export function formatCidr(c: ParsedCidr): string {
  return `${formatAddress(c)}/${c.prefix}`;
}

export function cidrContains(c: ParsedCidr, a: ParsedAddress): boolean {
  return c.version === a.version && networkOf({ ...a, prefix: c.prefix }).value === networkOf(c).value;
}
