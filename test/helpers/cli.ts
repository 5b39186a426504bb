// Runs the built CLI (dist/cli.js) as a user would, with the Debian interpreter that has numpy.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Profile } from '../../src/profiler/profile';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const PYTHON = process.env.CP_TEST_PYTHON ?? '/usr/bin/python3';
export const ENGINE_FIXTURES = join(ROOT, 'test', 'fixtures', 'engine');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Every process a run starts inherits this variable, so leftovers can be found by it. */
export const MARKER_VARIABLE = 'CONCURRENCY_PROFILER_TEST_RUN';

export function runCli(
  args: string[],
  options: {
    onSpawn?: (pid: number) => void;
    onStderr?: (soFar: string) => void;
    cwd?: string;
    marker?: string;
    /** Added to this process's environment. */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env = { ...process.env, ...options.env, [MARKER_VARIABLE]: options.marker ?? 'none' };
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}

/** Profiles `fixture` (a file in test/fixtures/engine) and returns the run and the profile from --out -. */
export async function profileFixture(
  fixture: string,
  args: string[],
  options: Parameters<typeof runCli>[1] = {},
): Promise<{ run: CliRun; profile: Profile }> {
  const run = await runCli(
    ['profile', resolve(ENGINE_FIXTURES, fixture), '--python', PYTHON, '--out', '-', ...args],
    options,
  );
  let profile: Profile;
  try {
    profile = JSON.parse(run.stdout) as Profile;
  } catch {
    throw new Error(`no profile on stdout (exit ${run.code}); stderr:\n${run.stderr}`);
  }
  return { run, profile };
}

export function strategy(profile: Profile, id: string) {
  const found = profile.strategies.find((s) => s.id === id);
  if (!found) throw new Error(`no strategy ${id} in ${profile.strategies.map((s) => s.id).join(', ')}`);
  return found;
}

/** Live (non-zombie) processes started by the run that was given `marker` (read from their environment). */
export function processesWithMarker(marker: string): { pid: number; cmdline: string }[] {
  const needle = `${MARKER_VARIABLE}=${marker}\0`;
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      found.push({
        pid: Number(entry),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' '),
      });
    } catch {
      // exited while listing
    }
  }
  return found;
}

/** The endless stubborn workload of test/fixtures/reliability/hostile.py runs: its harness and the child
 * that ignores SIGTERM (not just the CLI, or the probe it starts first). */
export function stubbornWorkloadRuns(marker: string): boolean {
  const running = processesWithMarker(marker);
  return running.some((p) => p.cmdline.includes('cp_harness.py')) && running.some((p) => p.cmdline.includes('SIG_IGN'));
}
