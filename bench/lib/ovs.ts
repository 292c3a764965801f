/**
 * Open vSwitch instances on the dummy datapath for the realization benchmarks
 * (test/support/ovs-dummy.ts: own ovsdb-server and ovs-vswitchd per instance,
 * removed by pid on stop), plus what the baselines push with ovs-ofctl.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OvsDummy } from '../../test/support/ovs-dummy';
import { cpuSeconds } from './measure';

export { OvsDummy };
const run = promisify(execFile);

export const mgmt = (ovs: OvsDummy, bridge: string) => `unix:${join(ovs.dir, `${bridge}.mgmt`)}`;

/** `ovs-ofctl --bundle <command> <bridge> <file>`: what a user would run by hand. */
export async function ofctlBundle(
  ovs: OvsDummy,
  bridge: string,
  command: 'replace-flows' | 'add-flows',
  file: string,
): Promise<void> {
  await run('ovs-ofctl', ['--bundle', command, mgmt(ovs, bridge), file], { maxBuffer: 256 << 20 });
}

export async function flowCount(ovs: OvsDummy, bridge: string): Promise<number> {
  const { stdout } = await run('ovs-ofctl', ['--no-stats', 'dump-flows', mgmt(ovs, bridge)], { maxBuffer: 256 << 20 });
  return stdout.split('\n').filter((l) => l.includes('actions=')).length;
}

export async function writeFlows(file: string, lines: string[]): Promise<string> {
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

/**
 * The changed flows only, as one add-flows bundle: `delete_strict` for flows that
 * went (match and priority, no cookie or actions), then `add` for the new ones.
 */
export function diffBundle(before: readonly string[], after: readonly string[]): string[] {
  const was = new Set(before);
  const now = new Set(after);
  const deletes = before
    .filter((f) => !now.has(f))
    .map((f) => `delete_strict ${f.replace(/^cookie=[^,]+,/, '').replace(/ actions=.*$/, '')}`);
  const adds = after.filter((f) => !was.has(f)).map((f) => `add ${f}`);
  return [...deletes, ...adds];
}

/** CPU seconds the daemons of these instances have used so far. */
export function daemonCpu(instances: OvsDummy[]): number {
  let total = 0;
  for (const o of instances) {
    for (const d of ['ovs-vswitchd', 'ovsdb-server']) {
      try {
        const pid = Number(readFileSync(join(o.dir, `${d}.pid`), 'utf8').trim());
        total += cpuSeconds(pid);
      } catch {
        /* gone */
      }
    }
  }
  return total;
}
