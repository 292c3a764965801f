/** What every benchmark suite gets and gives. */
import { failed, type Figure } from './figures';

export interface BenchContext {
  /** --quick: smaller sizes and fewer rounds, same figure names. */
  quick: boolean;
  /** Progress for humans, on stderr (stdout carries the figures). */
  log(msg: string): void;
  /** Date.now() by which the suite must have handed over its figures (after that it is reported as not measured). */
  deadline: number;
}

export interface FigureName {
  name: string;
  unit: string;
  target: number | null;
}

export interface Suite {
  name: string;
  /** The figures it reports, so a suite that fails still reports each of them (value null). */
  figures: FigureName[];
  run(ctx: BenchContext): Promise<Figure[]>;
}

/** An independent part of a suite: the figures it names and how to measure them. */
export interface Part {
  figures: FigureName[];
  run(): Promise<Figure[]>;
}

/**
 * Runs the parts in order; one that fails reports its own figures as not measured (with its reason) and
 * the others still run. When any failed, throws the first error carrying every figure (main.ts reports them).
 */
export async function runParts(ctx: BenchContext, suite: string, parts: Part[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  let error: Error | null = null;
  for (const part of parts) {
    try {
      figures.push(...(await part.run()));
    } catch (e) {
      error ??= e as Error;
      const reason = (e as Error).message.split('\n')[0];
      ctx.log(`${suite}: ${part.figures.map((f) => f.name).join(', ')} not measured: ${reason}`);
      figures.push(...part.figures.map((f) => failed(f.name, f.unit, f.target, reason)));
    }
  }
  if (error) throw Object.assign(error, { figures });
  return figures;
}
