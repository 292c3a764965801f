/**
 * A pure helper over ovs-ofctl text: the normalized flow list from
 * `dump-flows --no-stats`.
 */

/** The flow lines of a dump, trimmed and sorted: headers (`NXST_FLOW reply…`) dropped. */
export function normalizeDump(dump: string): string[] {
  return dump
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^(NXST|OFPST)_FLOW reply/.test(l))
    .sort();
}
