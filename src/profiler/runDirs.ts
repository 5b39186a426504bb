// The temporary folder of each run (configs, results, traces of its strategies). Each names its
// owner (pid and start time); at start, folders whose owner is dead (an engine killed with -9, a
// machine that lost power) are removed, never one of a run still going in another window.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_DIR_PREFIX = 'concurrency-profiler-';
const OWNER_FILE = 'owner.json';
/** Folders of versions that did not name their owner are removed once this old. */
const UNOWNED_MAX_AGE_MS = 24 * 3600 * 1000;

interface Owner {
  pid: number;
  /** Start time of the owner (field 22 of /proc/PID/stat), null where there is no /proc. */
  startTicks: number | null;
}

function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

function alive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid may belong to a later process by now: the start time tells.
  return owner.startTicks === null || startTicks(owner.pid) === owner.startTicks;
}

/** A fresh run folder owned by this process; stale ones are removed first. */
export function createRunDir(root = tmpdir()): string {
  removeStaleRunDirs(root);
  const dir = mkdtempSync(join(root, `${RUN_DIR_PREFIX}${process.pid}-`));
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, startTicks: startTicks(process.pid) }));
  return dir;
}

/** Removes the run folders under `root` whose owner is gone; returns their paths. */
export function removeStaleRunDirs(root = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => name.startsWith(RUN_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(root, name);
    if (isFolder(dir) && ownerIsGone(dir, name)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function ownerIsGone(dir: string, name: string): boolean {
  let owner: Owner | null = null;
  try {
    const parsed = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof parsed.pid === 'number')
      owner = { pid: parsed.pid, startTicks: typeof parsed.startTicks === 'number' ? parsed.startTicks : null };
  } catch {
    // not written yet (a run starting right now), or a folder of an older version
  }
  if (owner) return !alive(owner);
  const pid = /^concurrency-profiler-(\d+)-/.exec(name)?.[1];
  if (pid) return !alive({ pid: Number(pid), startTicks: null });
  try {
    return Date.now() - statSync(dir).mtimeMs > UNOWNED_MAX_AGE_MS;
  } catch {
    return false;
  }
}
