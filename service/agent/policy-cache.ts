/**
 * The last policy an agent realized, kept on local disk so that a restarted
 * ovs-vswitchd (or agent) is programmed at once even while the service cannot
 * be reached. One file per host in a directory only root can enter (0700), the
 * file itself 0600 (it names every entity and rule); written to a temporary
 * file, fsynced and renamed over the old one, so a crash leaves the old copy
 * or the new one, never half of either.
 */
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PolicySnapshot } from '../model/snapshot';

export interface PolicyCache {
  readonly path: string;
  /** The stored snapshot, or null when there is none; throws when the file is unreadable or not ours. */
  load(): Promise<PolicySnapshot | null>;
  save(snapshot: PolicySnapshot): Promise<void>;
}

interface Stored {
  host: string;
  saved_at: string;
  snapshot: PolicySnapshot;
}

/** `dir` is created (0700) if missing and kept at 0700. */
export function fileCache(dir: string, host: string): PolicyCache {
  const path = join(dir, `${host}.policy.json`);
  return {
    path,
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      const stored = JSON.parse(text) as Partial<Stored>;
      const s = stored.snapshot;
      if (stored.host !== host || !s || typeof s.generation !== 'number' || !Array.isArray(s.hosts))
        throw new Error(`${path} does not hold a policy for host "${host}"`);
      return s;
    },
    async save(snapshot) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const tmp = `${path}.${process.pid}.tmp`;
      const body: Stored = { host, saved_at: new Date().toISOString(), snapshot };
      const f = await open(tmp, 'w', 0o600);
      try {
        await f.chmod(0o600); // a stale temporary file may have had another mode
        await f.writeFile(JSON.stringify(body));
        await f.sync();
      } finally {
        await f.close();
      }
      try {
        await rename(tmp, path);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      // The rename itself must survive a power cut too.
      const d = await open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    },
  };
}
