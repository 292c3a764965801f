/**
 * Exclusions as higher-priority flows. A peer address set with exclusions
 * ("0.0.0.0/0 except 10.0.0.0/8") is not written as its difference (up to
 * one CIDR per prefix bit for each cut, and again in every entry using it)
 * but looked up once per packet in a table of its own: the excluded CIDRs at
 * a higher priority than the included ones, the include flow setting the
 * set's bit in reg6. The entry's address dimension is then one clause on
 * that bit. Flows grow with what is listed (included + excluded CIDRs), not
 * with the difference.
 *
 * Each side of a host has up to 32 such sets (the bits of reg6). A set whose
 * difference is no larger than its lookup flows, or one beyond the 32nd, is
 * written as the difference instead: same packets, whichever is smaller.
 */
import { addressSet, type AddressSet } from './address-sets';
import { PRIORITY, REG_MATCH, type RegisterName } from './pipeline';
import { flow, type FlowSet } from './flow-set';

export interface AddressFields {
  v4: string;
  v6: string;
}

/** An address set as matches on one pair of fields (host addresses bare, as OVS prints them: see address-sets.ts). */
export function addressMatches(fields: AddressFields, set: AddressSet): string[] {
  return [...set.v4.map((a) => `ip,${fields.v4}=${a}`), ...set.v6.map((a) => `ipv6,${fields.v6}=${a}`)].sort();
}

const MAX_SETS = 32;

/** The side's PEER table and the label registers to clear before looking the peer up in it. */
export interface PeerLookup {
  table: number;
  registers: readonly RegisterName[];
}

interface ExcludingSet {
  bit: number;
  include: string[];
  except: string[];
}

/** One call of ExclusionSets.matches that went through the sets (it had exclusions), and its answer. */
export interface SetCall {
  fields: AddressFields;
  include: string[];
  except: string[];
  all: boolean;
  answer: string[];
}

export class ExclusionSets {
  private readonly sets = new Map<string, ExcludingSet>();
  /** While set, the calls with exclusions are listed here (a piece of flows records what it asked). */
  log?: SetCall[];

  /**
   * Matches for `include` (CIDRs, ranges, addresses; `all`: every address) minus `except`
   * on `fields`: either the difference as plain address matches, or one reg6 bit clause.
   */
  matches(fields: AddressFields, include: string[], except: string[], all = false): string[] {
    if (except.length === 0) return addressMatches(fields, addressSet(include, except, all));
    const answer = this.decide(fields, include, except, all);
    this.log?.push({ fields, include, except, all, answer });
    return answer;
  }

  /** Asks a piece's calls again in order: whether every answer is the one it got (its flows still hold). */
  replay(calls: readonly SetCall[]): boolean {
    return calls.every((c) => {
      const answer = this.matches(c.fields, c.include, c.except, c.all);
      return answer.length === c.answer.length && answer.every((m, i) => m === c.answer[i]);
    });
  }

  private decide(fields: AddressFields, include: string[], except: string[], all: boolean): string[] {
    const difference = addressMatches(fields, addressSet(include, except, all));
    const inc = addressMatches(fields, addressSet(include, [], all));
    const exc = addressMatches(fields, addressSet(except));
    if (difference.length <= inc.length + exc.length) return difference;
    const key = JSON.stringify([inc, exc]);
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= MAX_SETS) return difference;
      set = { bit: this.sets.size, include: inc, except: exc };
      this.sets.set(key, set);
    }
    const bit = `0x${((1 << set.bit) >>> 0).toString(16)}`;
    return [`${REG_MATCH.SETS}=${bit}/${bit}`];
  }

  /**
   * The side's sets table (first the peer's labels when `peer` is given: see peer-labels.ts; clear reg6, look each set up in `lookup`, go on to `next`) and the lookup
   * table: per set, its excluded CIDRs above its included ones, the latter setting its bit.
   */
  emit(fs: FlowSet, table: number, lookup: number, next: number, peer: PeerLookup | null): void {
    const sets = [...this.sets.values()];
    const dispatch = flow(table, PRIORITY.TABLE_MISS);
    if (peer) {
      for (const reg of peer.registers) dispatch.clear(reg);
      dispatch.resubmit(peer.table);
    }
    if (sets.length) dispatch.clear('SETS');
    for (const s of sets) dispatch.load('SET', s.bit).resubmit(lookup);
    fs.add(dispatch.goto(next));
    for (const s of sets) {
      const at = `${REG_MATCH.SET}=0x${s.bit.toString(16)}`;
      // An empty action list ("drop") inside a resubmit only ends that lookup: the bit stays clear.
      for (const m of s.except) fs.add(flow(lookup, PRIORITY.SET_EXCEPT).match(at, m).drop());
      for (const m of s.include) fs.add(flow(lookup, PRIORITY.SET_INCLUDE).match(at, m).setBit('SETS', s.bit).done());
    }
    if (sets.length) fs.add(flow(lookup, PRIORITY.TABLE_MISS).drop());
  }
}
