// Checks that a Python interpreter candidate runs and is new enough for the engine (3.8+), by
// running it, not by trusting that a path exists. Free of `vscode`.
import { execFile } from 'node:child_process';

export interface ProbedPython {
  /** The absolute path of the interpreter (`sys.executable`). */
  executable: string;
  version: string;
}

export type ProbeResult = { ok: true; python: ProbedPython } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 15_000;
const PROBE_SCRIPT =
  'import sys; print(sys.executable); print(".".join(map(str, sys.version_info[:3]))); print(sys.version_info >= (3, 8))';

export function probePython(command: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(command, ['-c', PROBE_SCRIPT], { timeout: PROBE_TIMEOUT_MS }, (error, stdout) => {
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
        resolve({ ok: false, reason: `${command}: Python ${version} is too old (3.8 or newer is needed)` });
      } else {
        resolve({ ok: true, python: { executable, version } });
      }
    });
  });
}
