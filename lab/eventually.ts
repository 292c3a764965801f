/**
 * Waiting on a loaded machine: poll an observable state with a bound instead
 * of sleeping, and hold promised times to a wide margin. A promise such as
 * "repaired within 2 s" is a figure for `npm run bench`; a test allows
 * `margin(2000)` and logs what it measured.
 */

/** How much slower than promised a busy machine may be before a test fails. */
export const LOAD_MARGIN = 5;
export const margin = (promisedMs: number): number => promisedMs * LOAD_MARGIN;

export interface EventuallyOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Pause between checks (ms, default 25). */
  intervalMs?: number;
}

export class EventuallyTimeout extends Error {
  constructor(what: string, timeoutMs: number, last: unknown) {
    const detail = last instanceof Error ? last.message : JSON.stringify(last);
    super(`${what}: not within ${timeoutMs} ms (last: ${detail})`);
    this.name = 'EventuallyTimeout';
  }
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Calls `check` until it returns a truthy value, at most `timeoutMs`; a check
 * that throws (e.g. an `expect`) counts as not yet. Resolves with the value
 * and the ms it took; on timeout rejects naming `what` and the last result.
 */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  opts: EventuallyOptions,
): Promise<{ value: Truthy<T>; ms: number }> {
  const t0 = Date.now();
  const interval = opts.intervalMs ?? 25;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return { value: value as Truthy<T>, ms: Date.now() - t0 };
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 >= opts.timeoutMs) throw new EventuallyTimeout(what, opts.timeoutMs, last);
    await new Promise<void>((r) => setTimeout(r, interval));
  }
}
