/**
 * A bench figure: one measured value next to its baseline measured in the same
 * run, their ratio, and the target of the scale issue it is judged against.
 * `--json` prints one per line in exactly this shape (plus `note`).
 */
export type Better = 'lower' | 'higher';

export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  /** value / baseline (null when either is missing or the baseline is 0). */
  ratio: number | null;
  /** The bound `ok` checks: on `ratio` when the target is a ratio, else on `value`. */
  target: number | null;
  /** Whether the target is met today (null: no target, or nothing measured). */
  ok: boolean | null;
  /** How it was measured: sizes, samples, extrapolations, what the baseline is. */
  note: string;
}

export interface FigureSpec {
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  target?: number | null;
  /** What `target` bounds: the value (default) or the ratio. */
  targetOn?: 'value' | 'ratio';
  /** Whether lower (default) or higher is better, for `ok`. */
  better?: Better;
  note: string;
}

const round = (x: number | null): number | null =>
  x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(4));

export function figure(s: FigureSpec): Figure {
  const ratio = s.value !== null && s.baseline !== null && s.baseline !== 0 ? s.value / s.baseline : null;
  const target = s.target ?? null;
  const judged = s.targetOn === 'ratio' ? ratio : s.value;
  const ok =
    target === null || judged === null ? null : (s.better ?? 'lower') === 'lower' ? judged <= target : judged >= target;
  return {
    name: s.name,
    value: round(s.value),
    unit: s.unit,
    baseline: round(s.baseline),
    ratio: round(ratio),
    target,
    ok,
    note: s.note,
  };
}

/** A figure for a benchmark that could not run: no value, not ok, the reason in the note. */
export function failed(name: string, unit: string, target: number | null, reason: string): Figure {
  return {
    name,
    value: null,
    unit,
    baseline: null,
    ratio: null,
    target,
    ok: target === null ? null : false,
    note: `not measured: ${reason}`,
  };
}

const show = (x: number | null) =>
  x === null ? '—' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(x);

/** The figures as a Markdown table (what `npm run bench` prints). */
export function table(figures: Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.name} | ${show(f.value)} | ${f.unit} | ${show(f.baseline)} | ${show(f.ratio)} | ${show(f.target)} | ${f.ok === null ? '—' : f.ok ? 'yes' : 'no'} | ${f.note} |`,
  );
  return [
    '| figure | value | unit | baseline | ratio | target | met | how |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
