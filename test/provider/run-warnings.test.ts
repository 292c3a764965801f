/**
 * The note the provider processes of one terraform command leave each other
 * (provider/resources/run-warnings.ts), with this test process standing in
 * for terraform: the first process records, a later one leaves out what was
 * recorded and removes the note; notes of ended commands are removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runWarnings, warningKey } from '../../provider/resources/run-warnings';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), `msd-run-warnings-${process.pid}-`));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a later process of the same command leaves out what the first showed, and only that', () => {
  const a = warningKey(['change a', ['flip']]);
  const b = warningKey(['change b', ['flip']]);
  const plan = runWarnings(dir, process.pid, 1001);
  expect(plan.shownBefore(a)).toBe(false);
  expect(plan.shownBefore(a)).toBe(false); // its own warnings are never "before"
  expect(fs.readdirSync(dir)).toHaveLength(1);

  const apply = runWarnings(dir, process.pid, 1002);
  expect(apply.shownBefore(a)).toBe(true);
  expect(apply.shownBefore(b)).toBe(false);
  expect(fs.readdirSync(dir)).toEqual([]); // read once and removed: the command's next plan starts afresh
});

test('another command (another parent, or the same pid started at another time) shares nothing', () => {
  const k = warningKey(['change']);
  runWarnings(dir, process.pid, 1001).shownBefore(k);
  const [note] = fs.readdirSync(dir);
  // The same pid with another start time: what a reused pid looks like.
  const reused = note.replace(/-([0-9]+)\.json$/, (_m, t: string) => `-${Number(t) + 1}.json`);
  fs.renameSync(path.join(dir, note), path.join(dir, reused));
  expect(runWarnings(dir, process.pid, 1002).shownBefore(k)).toBe(false);
  expect(runWarnings(dir, process.ppid, 1003).shownBefore(k)).toBe(false);
});

test('notes of commands that have ended are removed when a new one is written; no /proc entry: nothing shared', () => {
  fs.writeFileSync(path.join(dir, '2147483646-12345.json'), JSON.stringify({ pid: 1, keys: [] }));
  runWarnings(dir, process.pid, 1001).shownBefore(warningKey(['x']));
  expect(fs.readdirSync(dir)).toHaveLength(1);
  expect(fs.readdirSync(dir)[0]).toMatch(new RegExp(`^${process.pid}-[0-9]+\\.json$`));

  const gone = runWarnings(dir, 2147483646, 1002);
  expect(gone.shownBefore(warningKey(['x']))).toBe(false);
  expect(gone.shownBefore(warningKey(['x']))).toBe(false);
});

test('a directory others may write to is not trusted: nothing is read from it or written to it', () => {
  fs.chmodSync(dir, 0o777);
  const k = warningKey(['change']);
  expect(runWarnings(dir, process.pid, 1001).shownBefore(k)).toBe(false);
  expect(fs.readdirSync(dir)).toEqual([]);
  fs.chmodSync(dir, 0o700);
  runWarnings(dir, process.pid, 1001).shownBefore(k);
  fs.chmodSync(dir, 0o777);
  expect(runWarnings(dir, process.pid, 1002).shownBefore(k)).toBe(false);
});
