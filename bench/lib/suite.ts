/** What every benchmark suite gets and gives. */
import type { Figure } from './figures';

export interface BenchContext {
  /** --quick: smaller sizes and fewer rounds, same figure names. */
  quick: boolean;
  /** Progress for humans, on stderr (stdout carries the figures). */
  log(msg: string): void;
}

export interface Suite {
  name: string;
  /** The figures it reports, so a suite that fails still reports each of them (value null). */
  figures: { name: string; unit: string; target: number | null }[];
  run(ctx: BenchContext): Promise<Figure[]>;
}
