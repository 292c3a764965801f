/**
 * Which plan warnings an earlier provider process of the same terraform
 * command already showed. `terraform apply` plans in one provider process,
 * shows that plan and its warnings, then applies in a new process that plans
 * each change once more and shows that plan's warnings after the apply: the
 * same warning came twice, the second time after the fact. Terraform tells a
 * provider nothing about the walk it is in, so the processes of one command
 * leave each other a note: a file named after their parent (terraform: its
 * pid and start time, so a later command that reuses the pid is another
 * command). The first process that warns writes what it warned about; a
 * later one reads the note once, removes it, and leaves those warnings out.
 *
 * Where the parent's start time cannot be read (no /proc), nothing is
 * shared and every process shows its warnings.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunWarnings {
  /** True when an earlier process of this terraform command showed the warning `key`; otherwise records it as shown. */
  shownBefore(key: string): boolean;
}

/** The same change with the same effect gives the same key; times (last seen…) are left out by the caller. */
export function warningKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22), or null. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

interface Note {
  pid: number;
  keys: string[];
}

export function runWarnings(
  dir = path.join(os.tmpdir(), `microseg-terraform-${os.userInfo().uid}`),
  parent = process.ppid,
  self = process.pid,
): RunWarnings {
  const started = startTime(parent);
  if (started === null) return { shownBefore: () => false };
  const file = path.join(dir, `${parent}-${started}.json`);
  let earlier: Set<string> | null = null; // null until the note is first looked at
  let first = false;
  const mine = new Set<string>();

  const look = (): Set<string> => {
    try {
      if (!ownedPrivately(dir)) throw new Error('not our directory');
      const note = JSON.parse(fs.readFileSync(file, 'utf8')) as Note;
      if (note.pid !== self) {
        fs.rmSync(file, { force: true });
        return new Set(note.keys);
      }
    } catch {
      // no note (or an unreadable one): this is the command's first process to warn
    }
    first = true;
    return new Set();
  };

  const write = () => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedPrivately(dir)) return; // made by someone else in a shared temporary directory: not to be trusted
    if (mine.size === 1) removeStale(dir, file);
    const note: Note = { pid: self, keys: [...mine] };
    fs.writeFileSync(file, JSON.stringify(note), { mode: 0o600 });
  };

  return {
    shownBefore(key) {
      earlier ??= look();
      if (earlier.has(key)) return true;
      mine.add(key);
      if (first) {
        try {
          write();
        } catch {
          // a note that cannot be written only means the apply shows the warning again
        }
      }
      return false;
    },
  };
}

/** The directory is this user's alone (in a shared /tmp another user could have made it, to hide warnings). */
function ownedPrivately(dir: string): boolean {
  const st = fs.lstatSync(dir);
  return st.isDirectory() && st.uid === os.userInfo().uid && (st.mode & 0o077) === 0;
}

/** Notes of terraform commands that have ended (a plan without an apply leaves one). */
function removeStale(dir: string, keep: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^([0-9]+)-([0-9]+)\.json$/.exec(name);
    const p = path.join(dir, name);
    if (m && p !== keep && startTime(Number(m[1])) !== m[2]) fs.rmSync(p, { force: true });
  }
}
