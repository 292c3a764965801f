/** The demo's step display: spinner + elapsed seconds on a TTY, plain lines otherwise, failures marked. */
import { createProgress } from '../../scripts/demo/progress';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    isTTY,
    chunks,
    write: (s: string) => {
      chunks.push(s);
      return true;
    },
  };
}

describe('demo progress', () => {
  test('not a TTY: one start line and one finish line per step, with the step counter', async () => {
    const out = sink(false);
    const p = createProgress(2, out);
    expect(await p.step('first', async () => 7)).toBe(7);
    await expect(
      p.step('second', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const text = out.chunks.join('');
    expect(text).toMatch(
      /^\[1\/2\] first …\n\[1\/2\] first done in \d+\.\ds\n\[2\/2\] second …\n\[2\/2\] second FAILED after \d+\.\ds\n$/,
    );
    expect(text).not.toContain('\r');
  });

  test('TTY: the spinner redraws the line with elapsed seconds, then a ✔ or ✘ line', async () => {
    const out = sink(true);
    const p = createProgress(1, out);
    await p.step('slow', () => new Promise((r) => setTimeout(r, 350)));
    const text = out.chunks.join('');
    expect(
      out.chunks.filter((c) => c.startsWith('\r\x1b[2K') && c.includes('[1/1] slow')).length,
    ).toBeGreaterThanOrEqual(3);
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequences are what is tested
    expect(text).toMatch(/\r\x1b\[2K✔ \[1\/1\] slow 0\.[3-9]s\n$/);
    const fail = sink(true);
    await expect(
      createProgress(1, fail).step('bad', async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    expect(fail.chunks.join('')).toContain('✘ [1/1] bad');
  });

  test('TTY: a long step title is cut to the terminal width so the line can be redrawn', async () => {
    const out = { ...sink(true), columns: 30 };
    await createProgress(1, out).step('a step title much longer than thirty columns', async () => undefined);
    const spinnerLines = out.chunks.filter((c) => !c.includes('✔'));
    expect(spinnerLines.length).toBeGreaterThan(0);
    for (const l of spinnerLines) expect(l.replace('\r\x1b[2K', '').length).toBeLessThanOrEqual(30);
    expect(spinnerLines[0]).toContain('…');
  });

  test('quiet: nothing is written', async () => {
    const out = sink(true);
    const p = createProgress(1, out, true);
    await p.step('x', async () => undefined);
    p.info('y');
    expect(out.chunks).toEqual([]);
  });
});
