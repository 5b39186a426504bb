// "Compare interpreters...": the engine's list of the interpreters it finds (the CLI's
// `interpreters --json`, run like the engine itself, never through a shell) turned into the items
// of a multi-select quick pick. Free of `vscode`, so it is tested against the real CLI.
import { execFile } from 'node:child_process';
import type { InterpreterListing, ListedInterpreter } from '../profiler/interpreterListing';

export interface InterpreterChoice {
  label: string;
  description: string;
  detail: string;
  picked: boolean;
  executable: string;
}

const LIST_TIMEOUT_MS = 60_000;

/** What the engine would find with `--interpreters auto`, asked of the CLI at `cliPath`. */
export function listInterpreters(cliPath: string, python: string, known: string[]): Promise<InterpreterListing> {
  const args = [cliPath, 'interpreters', '--json', '--python', python];
  if (known.length > 0) args.push('--known-interpreters', known.join(','));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: LIST_TIMEOUT_MS, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as InterpreterListing);
        } catch {
          reject(new Error((stderr || String(error ?? 'no answer')).trim().split('\n').slice(-3).join('\n')));
        }
      },
    );
  });
}

function what(f: ListedInterpreter): string {
  if (!f.about) return 'unknown';
  return `${f.about.implementation} ${f.about.version}${f.about.freeThreaded ? ' free-threaded' : ''}`;
}

/**
 * One item per interpreter that can be measured (3.8+, runs); picked: the ones chosen last time, or
 * on a first use the ones the default would measure (PyPy, free-threaded builds).
 */
export function interpreterChoices(listing: InterpreterListing, remembered: string[] | undefined): InterpreterChoice[] {
  return listing.found
    .filter((f) => f.unusable === null && f.name !== null)
    .map((f) => ({
      label: f.name!,
      description: `${what(f)}${f.byDefault ? ' · measured by default' : ''}`,
      detail: `${f.executable} (${f.source})`,
      picked: remembered ? remembered.includes(f.executable) : f.byDefault,
      executable: f.executable,
    }));
}
