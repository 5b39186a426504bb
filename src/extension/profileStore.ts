// Where the extension keeps the profiles it writes (the extension's storage folder, newest
// MAX_KEPT), and how it reads a profile file back. Free of `vscode`.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Profile } from '../profiler/profile';

const MAX_KEPT = 20;

export class ProfileFormatError extends Error {}

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

export async function readProfile(file: string): Promise<Profile> {
  return parseProfile(await readFile(file, 'utf8'));
}

export function parseProfile(text: string): Profile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProfileFormatError(`not JSON (${(error as Error).message})`);
  }
  if (!isProfileShaped(value))
    throw new ProfileFormatError('not a concurrency profile (no schemaVersion, workload and strategies)');
  return value;
}

function isProfileShaped(value: unknown): value is Profile {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Profile>;
  return (
    typeof candidate.schemaVersion === 'number' &&
    typeof candidate.workload === 'object' &&
    Array.isArray(candidate.strategies)
  );
}
