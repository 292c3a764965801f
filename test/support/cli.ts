/** `node cli/microseg.js …` as an operator runs it, against a test service: its exit code and both streams. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { TEST_TOKENS } from './service';

export const CLI = join(__dirname, '..', '..', 'cli', 'microseg.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args` on `endpoint` as the reader; `env` adds to (or overrides) that environment. */
export function runCli(
  endpoint: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          PATH: process.env.PATH,
          MICROSEG_ENDPOINT: endpoint,
          MICROSEG_TOKEN: TEST_TOKENS.reader.secret,
          ...opts.env,
        },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (err, stdout, stderr) =>
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}
