// Where results are written: every output path is checked before anything runs (a sweep of
// minutes must not end in "cannot write"), and every file is written atomically (a temporary
// file in the same folder, then a rename), so a reader never sees half a profile and a failed
// write never destroys the previous file.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Creates `folder` and its missing parents, one at a time: Node's own recursive mkdir loops
 * forever where a parent exists but cannot hold folders (`/proc/x` gives ENOENT, again and again). */
export function makeFolders(folder: string): void {
  const missing: string[] = [];
  let current = resolve(folder);
  for (;;) {
    try {
      if (!statSync(current).isDirectory()) throw new Error(`${current} is not a folder`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Why `file` cannot be written, or null when it can: its folder is created when missing. */
export function outputProblem(file: string): string | null {
  const target = resolve(file);
  try {
    if (statSync(target).isDirectory()) return `${target} is a folder`;
  } catch {
    // does not exist yet: fine
  }
  const folder = dirname(target);
  try {
    makeFolders(folder);
  } catch (error) {
    return `cannot create the folder ${folder}: ${(error as Error).message}`;
  }
  // Creating a file is the only honest test of permission (root, ACLs and read-only mounts fool access()).
  const probe = temporaryPath(target);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    return `cannot write in ${folder}: ${(error as Error).message}`;
  }
  return null;
}

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `parts` one after another to `file`, atomically. Parts keep each string small, so a big
 * profile never has to be one string (V8 caps strings at ~512 MB). */
export function writeFileAtomic(file: string, parts: Iterable<string | Uint8Array>): void {
  const target = resolve(file);
  makeFolders(dirname(target));
  const temporary = temporaryPath(target);
  const fd = openSync(temporary, 'wx');
  try {
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, target);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** JSON of an object, written key by key and array item by array item for the keys named in
 * `streamed` (so no single string holds it all). Same text as JSON.stringify(value). */
export function* jsonParts(value: Record<string, unknown>, streamed: string[]): Generator<string> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  yield '{';
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i]!;
    yield `${i ? ',' : ''}${JSON.stringify(key)}:`;
    if (streamed.includes(key) && Array.isArray(item)) {
      yield '[';
      for (let j = 0; j < item.length; j++) yield `${j ? ',' : ''}${JSON.stringify(item[j]) ?? 'null'}`;
      yield ']';
    } else yield JSON.stringify(item);
  }
  yield '}';
}
