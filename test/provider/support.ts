/**
 * Test support for the provider: builds and installs it into a temporary
 * filesystem mirror, writes a CLI configuration that only knows that mirror
 * (no dependence on ~/.terraform.d or the network), and runs the real
 * terraform CLI asynchronously (the service runs in this same process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const install = require('../../scripts/provider-install.js') as {
  installProvider(mirror: string): Promise<string>;
  SOURCE: string;
  VERSION: string;
};

export const PROVIDER_SOURCE = install.SOURCE;
export const FIXTURES = path.join(__dirname, 'fixtures');

export interface TfResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunningTf {
  child: ChildProcess;
  /** What it printed so far, both streams. */
  output(): string;
  done: Promise<TfResult>;
}

export interface Lab {
  root: string;
  mirror: string;
  cliConfig: string;
  executable: string;
  /** A fresh working directory holding the given files. */
  workdir(name: string, files: Record<string, string>): string;
  tf(dir: string, args: string[], env?: Record<string, string>): Promise<TfResult>;
  /** terraform started, not awaited: to signal it while it runs. */
  spawnTf(dir: string, args: string[], env?: Record<string, string>): RunningTf;
  /** Adds variables to every later terraform run (the service URL once it is known). */
  setEnv(env: Record<string, string>): void;
  cleanup(): void;
}

export async function createLab(env: Record<string, string>): Promise<Lab> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `msd-provider-${process.pid}-`));
  const mirror = path.join(root, 'mirror');
  const executable = await install.installProvider(mirror);
  const cliConfig = path.join(root, 'cli.tfrc');
  fs.writeFileSync(
    cliConfig,
    [
      'provider_installation {',
      `  filesystem_mirror {`,
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = ["terraform.local/*/*"]`,
      '  }',
      '  direct {',
      '    exclude = ["terraform.local/*/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: root, // nothing from the user's ~/.terraform.d or ~/.terraformrc
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_DIR: '',
    ...env,
  };
  const lab: Lab = {
    root,
    mirror,
    cliConfig,
    executable,
    setEnv(env) {
      Object.assign(baseEnv, env);
    },
    workdir(name, files) {
      const dir = path.join(root, name);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
      return dir;
    },
    tf(dir, args, extra = {}) {
      return lab.spawnTf(dir, args, extra).done;
    },
    spawnTf(dir, args, extra = {}) {
      const started = Date.now();
      const child = spawn('terraform', [...args], { cwd: dir, env: { ...baseEnv, ...extra } });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const done = new Promise<TfResult>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
      });
      return { child, output: () => stdout + stderr, done };
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return lab;
}

export const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** Every command's output on failure, so a failing assertion says why. */
export function explainFailure(r: TfResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}
