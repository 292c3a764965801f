/**
 * Terraform for the demo: a working copy of examples/three-tier (so the
 * example folder gets no state, lock file or tfvars), the lab's variables as
 * `lab.auto.tfvars.json`, and the real terraform CLI.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TfRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function prepareWorkdir(example: string, workdir: string, vars: Record<string, unknown>): void {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  // Only the configuration: never a .terraform/ or state someone left in the example.
  cpSync(example, workdir, {
    recursive: true,
    filter: (src) => !/(^|\/)(\.terraform|terraform\.tfstate[^/]*|\.terraform\.lock\.hcl)$/.test(src),
  });
  writeFileSync(join(workdir, 'lab.auto.tfvars.json'), JSON.stringify(vars, null, 2) + '\n');
}

/** Runs terraform in `dir`; output is appended to `logFile`; a non-zero exit throws with the output's tail. */
export function terraform(dir: string, args: string[], env: Record<string, string>, logFile: string): Promise<TfRun> {
  return new Promise((resolve, reject) => {
    appendFileSync(logFile, `\n$ terraform ${args.join(' ')}\n`);
    const child = spawn('terraform', args, {
      cwd: dir,
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      appendFileSync(logFile, d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      appendFileSync(logFile, d);
    });
    child.on('error', (e) => reject(new Error(`cannot run terraform: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0)
        reject(
          new Error(
            `terraform ${args[0]} failed (exit ${code}):\n${(stderr || stdout).trim().split('\n').slice(-25).join('\n')}`,
          ),
        );
      else resolve({ code: 0, stdout, stderr });
    });
  });
}
