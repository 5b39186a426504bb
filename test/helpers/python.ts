// What an interpreter can import, asked before tests and benchmarks are declared (so synchronous).
import { execFileSync } from 'node:child_process';

/** True when `python -c "import MODULE"` succeeds. */
export function canImport(python: string, module: string): boolean {
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
