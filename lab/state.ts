/**
 * The lab's record of everything it made, written before each thing is made,
 * so `down` can clean up after a crashed run (`lab down --prefix P`).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface LabState {
  prefix: string;
  dir: string;
  /** Every network namespace created, in creation order. */
  namespaces: string[];
  /** OVS instances: run dir and daemon pids (null until started). */
  ovs: { host: string; ns: string; rundir: string; ovsdbPid: number | null; vswitchdPid: number | null }[];
  /** Pids of the VM daemons (node processes inside VM namespaces). */
  daemons: number[];
  /** The spec the lab was built from (for `status` and the demo). */
  spec?: unknown;
  /** The process that built the lab; with `persistent` false, its death means the lab is stale. */
  owner?: number;
  /** Built to outlive its builder (CLI `up`): never swept. */
  persistent?: boolean;
}

export const DEFAULT_BASE = '/tmp';

export function labDir(prefix: string, base = DEFAULT_BASE): string {
  return join(base, `mslab-${prefix}`);
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export function readState(dir: string): LabState | null {
  const f = statePath(dir);
  if (!existsSync(f)) return null;
  return JSON.parse(readFileSync(f, 'utf8')) as LabState;
}

/** Atomic write (rename) so a crash never leaves a half-written record. */
export function writeState(state: LabState): void {
  mkdirSync(state.dir, { recursive: true });
  const f = statePath(state.dir);
  writeFileSync(`${f}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${f}.tmp`, f);
}

/** The lab dirs under `base` (one per prefix). */
export function listLabDirs(base = DEFAULT_BASE): string[] {
  try {
    return readdirSync(base)
      .filter((n) => /^mslab-[a-z0-9]+$/.test(n))
      .map((n) => join(base, n));
  } catch {
    return [];
  }
}
