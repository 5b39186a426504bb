// Finds the Python files that ship with the engine and asks the user's interpreter about itself
// and the user's file before anything runs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { killOnExit } from './launcher';

/** dist/python next to the bundled cli.js, or src/profiler/python when run from source. */
export function pythonDir(): string {
  const dir = join(__dirname, 'python');
  if (!existsSync(join(dir, 'cp_harness.py')))
    throw new Error(`the engine's Python files (cp_harness.py) are missing in ${dir}`);
  return dir;
}

export interface SyntaxErrorInfo {
  message: string;
  file: string;
  line: number;
  offset: number | null;
  text: string;
}

/** Which interpreter: what the extension checks before a run, and the start of what the engine's probe says. */
export interface PythonIdentity {
  /** The absolute path of the interpreter (`sys.executable`). */
  executable: string;
  /** major.minor.micro */
  version: string;
}

/** What an interpreter is (`cp_probe.py --about`): fast, and readable from old versions too. */
export interface InterpreterAbout extends PythonIdentity {
  implementation: string;
  /** Built without the GIL (Py_GIL_DISABLED), e.g. python3.13t. */
  freeThreaded: boolean;
  /** sys._is_gil_enabled() (true where it does not exist); after the user's module was imported
   * when the probe imported it, since an extension module can turn the GIL back on. */
  gil: boolean;
  /** InterpreterPoolExecutor (3.14+), 3.13's private _interpreters or 3.12's _xxsubinterpreters exists. */
  subinterpreters: boolean;
  /** A `distributed` package is on the path (it may still fail to import). */
  distributed: boolean;
}

/** What cp_probe.py says about the interpreter and the user's file before any strategy runs. */
export interface ProbeResult extends InterpreterAbout {
  syntaxError: SyntaxErrorInfo | null;
  fileError?: string;
  gilOffsets: number[] | null;
  gilNote: string | null;
  /** With `importModule`: null when the user's module imported, else the error. */
  importError?: string | null;
}

export interface ProbeOptions {
  /** Also import the user's module there, as the harness would with this import plan (another
   * interpreter may lack a package). */
  importPlan?: object;
  timeoutMs?: number;
}

export class UsageError extends Error {}

/** The run was stopped (Ctrl-C, SIGTERM, Cancel) before any strategy ran: there is no profile. */
export class InterruptedError extends Error {}

export const MINIMUM_PYTHON: [number, number] = [3, 8];

/** "3.8" */
export const MINIMUM_PYTHON_TEXT = MINIMUM_PYTHON.join('.');

/** Runs the probe from the run's working directory with its environment (a .env PYTHONPATH ...). */
export function probe(
  python: string,
  file: string,
  where: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      [
        join(pythonDir(), 'cp_probe.py'),
        file,
        ...(options.importPlan ? ['--import', JSON.stringify(options.importPlan)] : []),
      ],
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 4 * 1024 * 1024,
        cwd: where.cwd,
        env: where.env,
        signal: where.signal,
      },
      (error, stdout, stderr) => {
        if (where.signal?.aborted) {
          reject(new InterruptedError('stopped while checking the interpreter, before any strategy ran'));
          return;
        }
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new UsageError(
              `Python not found: ${python}. Install Python ${MINIMUM_PYTHON_TEXT}+ or pass --python PATH.`,
            ),
          );
          return;
        }
        let result: ProbeResult;
        try {
          result = JSON.parse(stdout) as ProbeResult;
        } catch {
          const detail = (stderr || String(error ?? '')).trim().split('\n').slice(-3).join('\n');
          reject(
            new UsageError(
              `${python} could not run the engine's probe (Python ${MINIMUM_PYTHON_TEXT}+ is needed):\n${detail}`,
            ),
          );
          return;
        }
        if (!newEnough(result.version)) {
          reject(
            new UsageError(
              `${python} is Python ${result.version}; ${MINIMUM_PYTHON_TEXT} or newer is ` +
                `needed. Pass --python PATH to another interpreter.`,
            ),
          );
          return;
        }
        resolve(result);
      },
    );
    killOnExit(child);
  });
}

/** Imports a package in an interpreter (where the run would); null when it imported, else why not. */
export function importError(
  python: string,
  name: string,
  where: { cwd: string; env: NodeJS.ProcessEnv },
  timeoutMs = 60_000,
): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', `import ${name}`],
      { timeout: timeoutMs, cwd: where.cwd, env: where.env },
      (error, _out, stderr) => {
        if (!error) resolve(null);
        else resolve(stderr.trim().split('\n').pop() || error.message.split('\n')[0]!);
      },
    );
  });
}

export function newEnough(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor >= MINIMUM_PYTHON[1]);
}

/** Asks an interpreter what it is; rejects with the reason when it cannot run the question. */
export function aboutInterpreter(python: string, timeoutMs = 15_000): Promise<InterpreterAbout> {
  return new Promise((resolve, reject) => {
    execFile(python, [join(pythonDir(), 'cp_probe.py'), '--about'], { timeout: timeoutMs }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as InterpreterAbout);
      } catch {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        const detail =
          code === 'ENOENT' ? 'not found' : (stderr || String(error ?? 'no answer')).trim().split('\n').pop();
        reject(new Error(`${python}: ${detail}`));
      }
    });
  });
}

export function formatSyntaxError(error: SyntaxErrorInfo): string {
  const caret = error.offset ? `\n    ${' '.repeat(Math.max(0, error.offset - 1))}^` : '';
  return (
    `SyntaxError: ${error.message}\n  File "${error.file}", line ${error.line}\n ` +
    `   ${error.text.trimEnd()}${caret}`
  );
}
