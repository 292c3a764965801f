/**
 * Address sets for flow matches: the union of a peer's addresses (entity IPs,
 * CIDRs, ranges) minus its exclusions, written as the fewest CIDRs that cover
 * it exactly. A range costs at most 2 CIDRs per bit of its width and an
 * exclusion at most one per bit of the block it cuts, so flows grow with the
 * sum of what the rules list, never with a product. Pure.
 */
import { addressOf, formatAddress, parseBlock, type Block } from '../model/net';

type Family = 4 | 6;
const BITS: Record<Family, number> = { 4: 32, 6: 128 };
export const EVERYTHING: Record<Family, Block> = {
  4: { version: 4, low: 0n, high: (1n << 32n) - 1n },
  6: { version: 6, low: 0n, high: (1n << 128n) - 1n },
};

/** Sorted, disjoint, non-adjacent intervals of one family. */
function normalize(blocks: Block[]): Block[] {
  const sorted = blocks.slice().sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
  const out: Block[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last && b.low <= last.high + 1n) {
      if (b.high > last.high) last.high = b.high;
    } else out.push({ ...b });
  }
  return out;
}

/** `blocks` minus `cuts`, both of one family. */
function subtract(blocks: Block[], cuts: Block[]): Block[] {
  let rest = normalize(blocks);
  for (const c of normalize(cuts)) {
    rest = rest.flatMap((b) => {
      if (c.high < b.low || c.low > b.high) return [b];
      const parts: Block[] = [];
      if (c.low > b.low) parts.push({ ...b, high: c.low - 1n });
      if (c.high < b.high) parts.push({ ...b, low: c.high + 1n });
      return parts;
    });
  }
  return rest;
}

/** The fewest CIDRs covering [low, high] exactly; a single address is written bare (as OVS prints it). */
function cover(b: Block): string[] {
  const bits = BITS[b.version];
  const out: string[] = [];
  let low = b.low;
  while (low <= b.high) {
    let size = 0;
    while (
      size < bits &&
      (low & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      low + (1n << BigInt(size + 1)) - 1n <= b.high
    )
      size++;
    // RFC 5952 text, as entity IPs are stored: one spelling per match (see flow-set.ts).
    const addr = formatAddress(addressOf(b.version, low));
    out.push(size === 0 ? addr : `${addr}/${bits - size}`);
    low += 1n << BigInt(size);
  }
  return out;
}

export interface AddressSet {
  v4: string[];
  v6: string[];
}

/**
 * `include` (CIDR/range texts and bare addresses) minus `except` (CIDR texts), as CIDRs per family.
 * Texts that do not parse are ignored (the snapshot is validated).
 */
export function addressSet(include: Iterable<string>, except: Iterable<string> = [], includeAll = false): AddressSet {
  const byFamily: Record<Family, Block[]> = {
    4: includeAll ? [EVERYTHING[4]] : [],
    6: includeAll ? [EVERYTHING[6]] : [],
  };
  const cuts: Record<Family, Block[]> = { 4: [], 6: [] };
  const parse = (t: string) =>
    parseBlock(t.includes('/') || t.includes('-') ? t : `${t}/${t.includes(':') ? 128 : 32}`);
  for (const t of include) {
    const b = parse(t);
    if (b) byFamily[b.version].push(b);
  }
  for (const t of except) {
    const b = parse(t);
    if (b) cuts[b.version].push(b);
  }
  return {
    v4: subtract(byFamily[4], cuts[4]).flatMap(cover),
    v6: subtract(byFamily[6], cuts[6]).flatMap(cover),
  };
}
