/**
 * The one duration grammar (agent interval, provider timeout, `since`): one or
 * more <number><unit>, units ms, s, m, h, d — "500ms", "2s", "1.5s", "1h30m".
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const GRAMMAR = /^([0-9]{1,9}(\.[0-9]{1,6})?(ms|s|m|h|d))+$/;

/** Milliseconds (rounded), or null when `text` is not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!GRAMMAR.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/([0-9.]+)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return Math.round(total);
}

/** Like parseDuration, but an error naming `name` when it is not a duration or out of range. */
export function requireDuration(text: string, name: string, range: { minMs: number; maxMs: number }): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`${name}: "${text}" is not a duration (e.g. 2s, 500ms)`);
  if (ms < range.minMs || ms > range.maxMs)
    throw new Error(
      `${name}: ${text} is out of range (${formatDuration(range.minMs)} to ${formatDuration(range.maxMs)})`,
    );
  return ms;
}

/** 50 → "50ms", 3600000 → "1h" (the largest whole unit). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
}
