// Checks that a Python interpreter candidate runs and is new enough for the engine, by running
// it, not by trusting that a path exists. Free of `vscode`. The engine asks the same interpreter
// much more before a run (src/profiler/python.ts probe).
import { execFile } from 'node:child_process';
import { MINIMUM_PYTHON, MINIMUM_PYTHON_TEXT, type PythonIdentity } from '../profiler/python';

export type InterpreterCheck = { ok: true; python: PythonIdentity } | { ok: false; reason: string };

const CHECK_TIMEOUT_MS = 15_000;
const CHECK_SCRIPT =
  'import sys; print(sys.executable); print(".".join(map(str, sys.version_info[:3]))); ' +
  `print(sys.version_info >= (${MINIMUM_PYTHON.join(', ')}))`;

export function checkPython(command: string): Promise<InterpreterCheck> {
  return new Promise((resolve) => {
    execFile(command, ['-c', CHECK_SCRIPT], { timeout: CHECK_TIMEOUT_MS }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        resolve({
          ok: false,
          reason: code === 'ENOENT' ? `${command}: not found` : `${command}: ${error.message.split('\n')[0]}`,
        });
        return;
      }
      const [executable, version, newEnough] = stdout
        .trim()
        .split('\n')
        .map((line) => line.trim());
      if (!executable || !version) {
        resolve({ ok: false, reason: `${command}: did not report its version` });
      } else if (newEnough !== 'True') {
        resolve({
          ok: false,
          reason: `${command}: Python ${version} is too old (${MINIMUM_PYTHON_TEXT} or newer is needed)`,
        });
      } else {
        resolve({ ok: true, python: { executable, version } });
      }
    });
  });
}
