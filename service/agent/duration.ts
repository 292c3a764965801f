/** "2s", "500ms", "1.5s", "2000" (ms) → milliseconds; anything else is an error naming the option. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new Error(`${option}: "${text}" is not a duration (e.g. 2s, 500ms)`);
  const ms = m[2] === 's' ? Number(m[1]) * 1000 : Number(m[1]);
  if (ms < 50 || ms > 3_600_000) throw new Error(`${option}: ${text} is out of range (50ms to 1h)`);
  return Math.round(ms);
}
