// Whole-script what-ifs: the script as written (`script`) and again with its own pools swapped
// (`script+processes`, `script+threads`) or resized (`script-N`). A what-if counts only when the
// script behaved the same: same exit code, same stdout.
import type { HarnessResult } from './assemble';
import type { StrategyResult } from './profile';

/** Longest line quoted in a first difference. */
const QUOTE_CHARS = 300;

/** The first line where two outputs differ, as a first difference (task 0: the script is one task). */
export function firstOutputDifference(expected: string, actual: string): StrategyResult['firstDifference'] {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const quote = (line: string | undefined) =>
        line === undefined ? '(no such line)' : JSON.stringify(line.slice(0, QUOTE_CHARS));
      return {
        task: 0,
        expected: `stdout line ${i + 1}: ${quote(a[i])}`,
        actual: `stdout line ${i + 1}: ${quote(b[i])}`,
      };
    }
  }
  return null;
}

/**
 * Fills what a script run adds to its result: the pools its code created, its pool size as
 * `workers` (the first pool the script sized, else the first pool; 1 without pools), and for a
 * what-if the comparison with the baseline's exit code and stdout. `stdoutDropped`: bytes of stdout
 * beyond the kept tail, compared too, so that a long output is not judged by its tail alone.
 */
export function completeScriptResult(
  result: StrategyResult,
  harness: HarnessResult | null,
  baseline: { result: StrategyResult; exitCode: number | undefined; stdoutDropped: number } | null,
  stdoutDropped: number,
): void {
  const pools = harness?.pools ?? [];
  result.pools = pools;
  const sized = pools.find((p) => p.sized) ?? pools[0];
  if (sized) result.workers = sized.workers;
  if (result.status !== 'ok') return;
  if (!baseline) {
    result.resultsMatchBaseline = true;
    return;
  }
  if (baseline.result.status !== 'ok') return;
  if (harness?.exitCode !== baseline.exitCode) {
    result.resultsMatchBaseline = false;
    result.firstDifference = {
      task: 0,
      expected: `exit code ${baseline.exitCode}`,
      actual: `exit code ${harness?.exitCode}`,
    };
    return;
  }
  const difference =
    firstOutputDifference(baseline.result.output.stdout, result.output.stdout) ??
    (stdoutDropped !== baseline.stdoutDropped
      ? {
          task: 0,
          expected: `${baseline.stdoutDropped} bytes of stdout before the last 16 KiB`,
          actual: `${stdoutDropped} bytes`,
        }
      : null);
  result.resultsMatchBaseline = difference === null;
  result.firstDifference = difference;
}
