/**
 * How the standalone agent and the CLI get their token and the CA they trust.
 * The token comes from MICROSEG_TOKEN or a file (`--token-file`), never from an
 * argument: `ps` shows every process's arguments to every user of the machine.
 */
import { readFileSync } from 'node:fs';

/** A file's text, or an Error naming the option. */
function readOption(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${option}: cannot read "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      cause: e,
    });
  }
}

/** `--token-file`, else MICROSEG_TOKEN; a `--token` value is refused, saying why. */
export function tokenFrom(o: { token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv): string {
  if (o.token !== undefined)
    throw new Error(
      '--token: refused: a token given as an argument shows in ps to every user of this machine; set MICROSEG_TOKEN or pass --token-file FILE',
    );
  const token = o.tokenFile !== undefined ? readOption('--token-file', o.tokenFile).trim() : env.MICROSEG_TOKEN;
  if (!token)
    throw new Error(
      o.tokenFile !== undefined
        ? `--token-file: "${o.tokenFile}" is empty`
        : 'no token: set MICROSEG_TOKEN or pass --token-file FILE',
    );
  return token;
}

/** The `--ca-cert` file's PEM text (undefined when not given). */
export function caCertFrom(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const pem = readOption('--ca-cert', path);
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--ca-cert: "${path}" holds no PEM certificate`);
  return pem;
}
