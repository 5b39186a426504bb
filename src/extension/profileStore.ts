// Where the extension keeps the profiles it writes (the extension's storage folder, newest
// MAX_KEPT), and how it reads a profile file back. Free of `vscode`.
import { mkdir, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Profile } from '../profiler/profile';
import { loadProfileFile } from '../profiler/profileLoader';

const MAX_KEPT = 20;

export { ProfileFormatError, parseProfile } from '../profiler/profileLoader';

/** A fresh path for the next run's profile, named after the file and function for people. */
export async function newProfilePath(
  folder: string,
  file: string,
  functionName: string | null,
  now = new Date(),
): Promise<string> {
  await mkdir(folder, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const label = `${path.parse(file).name}.${functionName ?? 'script'}`.replace(/[^\w.-]+/g, '_');
  return path.join(folder, `${stamp}.${label}.profile.json`);
}

/** Deletes all but the newest MAX_KEPT profiles (names start with a sortable timestamp). */
export async function pruneProfiles(folder: string): Promise<void> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.profile.json')).sort();
  await Promise.all(names.slice(0, -MAX_KEPT).map((name) => rm(path.join(folder, name), { force: true })));
}

/** Reads a profile file, checked (schema and structure) by the engine's loader. */
export async function readProfile(file: string): Promise<Profile> {
  return loadProfileFile(file);
}
