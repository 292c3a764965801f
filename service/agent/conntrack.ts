/**
 * The parser for what Open vSwitch prints about a bridge's connections, used by
 * the agent-side reporter and revocation: `dpctl/dump-conntrack [-m] [-s]` lines
 * (the rule counters are read in OpenFlow: openflow.ts). Pure functions, no I/O.
 *
 * A conntrack line looks like (OVS 3.1, userspace datapath):
 *   tcp,orig=(src=10.0.0.1,dst=10.0.0.2,sport=40000,dport=5432),reply=(…),id=0,zone=5,
 *   status=0,timeout=29,mark=42,labels=0x1000000020000000300000004,protoinfo=(state=…)
 * `mark` is decimal, `labels` hex; both are absent when zero.
 */

export interface ConntrackEntry {
  /** tcp, udp, icmp, icmpv6, sctp…, or the IP protocol number as text. */
  protocol: string;
  src: string;
  dst: string;
  sport: number | null;
  dport: number | null;
  icmp_type: number | null;
  icmp_code: number | null;
  /** ICMP echo id, when printed (OVS 3.1 flushes an ICMP entry only by its full tuple, id included). */
  icmp_id?: number;
  zone: number;
  mark: number;
  labels: bigint;
  /** TCP state in the original direction, when printed. */
  state: string | null;
}

type Value = string | Fields;
interface Fields {
  [key: string]: Value;
}

/** Splits `a=1,b=(c=2,d=3),e` at top-level commas. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new Error('unbalanced parentheses');
  }
  if (depth !== 0) throw new Error('unbalanced parentheses');
  parts.push(text.slice(start));
  return parts;
}

function parseFields(text: string): Fields {
  const out: Fields = {};
  for (const part of splitTop(text)) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part) out[part] = '';
      continue;
    }
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    out[key] = value.startsWith('(') && value.endsWith(')') ? parseFields(value.slice(1, -1)) : value;
  }
  return out;
}

const str = (v: Value | undefined): string | null => (typeof v === 'string' ? v : null);
const int = (v: Value | undefined): number | null => {
  const s = str(v);
  return s !== null && /^[0-9]+$/.test(s) ? Number(s) : null;
};

/** One line of dump-conntrack; throws an Error saying what is wrong. */
export function parseConntrackLine(line: string): ConntrackEntry {
  const text = line.trim();
  const comma = text.indexOf(',');
  if (comma <= 0) throw new Error(`not a conntrack entry: "${text.slice(0, 80)}"`);
  const protocol = text.slice(0, comma);
  const f = parseFields(text.slice(comma + 1));
  const orig = f.orig;
  if (typeof orig !== 'object') throw new Error(`conntrack entry without orig=(…): "${text.slice(0, 80)}"`);
  const src = str(orig.src);
  const dst = str(orig.dst);
  if (!src || !dst) throw new Error(`conntrack entry without orig src/dst: "${text.slice(0, 80)}"`);
  const labelsText = str(f.labels);
  if (labelsText !== null && !/^0x[0-9a-fA-F]{1,32}$/.test(labelsText)) throw new Error(`bad labels "${labelsText}"`);
  const proto = f.protoinfo;
  const state = typeof proto === 'object' ? (str(proto.state) ?? str(proto.state_orig)) : null;
  return {
    protocol,
    src,
    dst,
    sport: int(orig.sport),
    dport: int(orig.dport),
    icmp_type: int(orig.type),
    icmp_code: int(orig.code),
    ...(int(orig.id) !== null ? { icmp_id: int(orig.id)! } : {}),
    zone: int(f.zone) ?? 0,
    mark: int(f.mark) ?? 0,
    labels: labelsText === null ? 0n : BigInt(labelsText),
    state,
  };
}

/**
 * Every entry of a dump; lines that are not entries (blank, headers) are skipped, malformed ones reported.
 * `known`: entries by line from an earlier dump, reused for a line that is the same (a connection's line
 * does not change while its state does not); the lines of this dump are put into `next`.
 */
export function parseConntrackDump(
  text: string,
  known?: ReadonlyMap<string, ConntrackEntry>,
  next?: Map<string, ConntrackEntry>,
): { entries: ConntrackEntry[]; errors: string[] } {
  const entries: ConntrackEntry[] = [];
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    const had = known?.get(line);
    if (had) {
      entries.push(had);
      next?.set(line, had);
      continue;
    }
    if (!/^[a-z0-9]+,orig=\(/.test(line.trim())) continue;
    try {
      const e = parseConntrackLine(line);
      entries.push(e);
      next?.set(line, e);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { entries, errors };
}
