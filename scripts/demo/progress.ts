/**
 * Step display on stderr: "[3/9] bringing up the lab… 4.2s" with a spinner on a
 * TTY, plain start/finish lines otherwise (logs, CI, tests).
 */
export interface Progress {
  step<T>(title: string, work: () => Promise<T>): Promise<T>;
  info(line: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(
  total: number,
  out: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean } = process.stderr,
  quiet = false,
): Progress {
  let n = 0;
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  const secs = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  return {
    async step(title, work) {
      n += 1;
      const label = `[${n}/${total}] ${title}`;
      const t0 = Date.now();
      let timer: NodeJS.Timeout | null = null;
      if (quiet) {
        // nothing while running
      } else if (tty) {
        let f = 0;
        // One terminal line, or the carriage return cannot redraw it.
        const cols = (out as NodeJS.WriteStream).columns ?? 80;
        const short = label.length > cols - 10 ? `${label.slice(0, cols - 11)}…` : label;
        const draw = () => {
          out.write(`\r\x1b[2K${FRAMES[f++ % FRAMES.length]} ${short} ${secs(t0)}`);
        };
        draw();
        timer = setInterval(draw, 100);
      } else {
        out.write(`${label} …\n`);
      }
      try {
        const result = await work();
        if (timer) clearInterval(timer);
        if (!quiet) out.write(tty ? `\r\x1b[2K✔ ${label} ${secs(t0)}\n` : `${label} done in ${secs(t0)}\n`);
        return result;
      } catch (e) {
        if (timer) clearInterval(timer);
        if (!quiet) out.write(tty ? `\r\x1b[2K✘ ${label} ${secs(t0)}\n` : `${label} FAILED after ${secs(t0)}\n`);
        throw e;
      }
    },
    info(line) {
      if (!quiet) out.write(`${line}\n`);
    },
  };
}
