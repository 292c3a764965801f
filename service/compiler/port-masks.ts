/**
 * Port ranges as OpenFlow value/mask matches: [low, high] is split into the
 * fewest aligned power-of-two blocks (e.g. 8000-8080 → 0x1f40/0xffc0
 * (8000-8063), 0x1f80/0xfff0 (8064-8079), 8080). Pure.
 */
export function portMasks(low: number, high: number): string[] {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high > 0xffff || low > high) {
    throw new Error(`bad port range ${low}-${high}`);
  }
  const out: string[] = [];
  let start = low;
  while (start <= high) {
    // Largest block aligned at `start` that stays within [start, high].
    let size = 1;
    while (size < 0x10000 && start % (size * 2) === 0 && start + size * 2 - 1 <= high) size *= 2;
    out.push(size === 1 ? String(start) : `0x${start.toString(16)}/0x${(0xffff & ~(size - 1)).toString(16)}`);
    start += size;
  }
  return out;
}
