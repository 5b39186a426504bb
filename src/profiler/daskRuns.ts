// When the Dask strategies run: `dask-local` (a LocalCluster of K single-threaded workers) is
// offered by the default sweep only when `distributed` imports in the interpreter and the tasks are
// long enough for a cluster's per-task cost; `dask` runs on the cluster of --dask-scheduler. What
// is not offered says why (the profile's leftOut).
import { parseStrategyId } from '../shared/strategyId';
import type { LeftOutRun, StrategyResult } from './profile';
import { UsageError } from './python';
import { parseStrategy, type StrategySpec } from './strategies';

/**
 * 50 ms. A Dask task costs its scheduler about 1-30 ms here (a round trip of a no-op task measured
 * 5-200 ms on this loaded 2-core machine, a burst of them 1-27 ms each): below ~50 ms of work per
 * task that cost, not the work, would be what the run measures.
 */
export const DASK_MIN_TASK_SECONDS = 0.05;

/** A run on a given cluster stops itself at its deadline (cancelling its futures); the engine
 * kills it only this long after, if it did not. */
export const DASK_STOP_GRACE_SECONDS = 10;

const SCHEDULER_ADDRESS = /^(tcp|tls|ws|wss|inproc|ucx):\/\/\S+$/;

/** `--dask-scheduler`: a scheduler address such as tcp://HOST:PORT. */
export function checkSchedulerAddress(address: string): string {
  const trimmed = address.trim();
  if (!SCHEDULER_ADDRESS.test(trimmed))
    throw new UsageError(`--dask-scheduler takes a scheduler address such as tcp://HOST:8786, got "${address}"`);
  return trimmed;
}

/** Mean duration of one task of a run, seconds (null without task spans). */
export function meanTaskSeconds(result: StrategyResult): number | null {
  const { start, end } = result.tasks;
  const n = Math.min(start.length, end.length);
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += end[i]! - start[i]!;
  return sum / n / 1000;
}

export function isRemoteDask(spec: StrategySpec): boolean {
  return parseStrategyId(spec.id)?.family === 'dask';
}

/**
 * The Dask strategies the default sweep adds after the baseline, and the ones it leaves out with
 * the reason. `importError` imports `distributed` in the main interpreter (about a second), asked
 * only when the tasks are long enough or a scheduler was given.
 */
export async function daskOffer(
  baseline: StrategyResult,
  scheduler: string | null,
  workers: number,
  importError: () => Promise<string | null>,
): Promise<{ specs: StrategySpec[]; leftOut: LeftOutRun[] }> {
  const task = meanTaskSeconds(baseline);
  const long = task !== null && task >= DASK_MIN_TASK_SECONDS;
  const ids = [...(long ? ['dask-local'] : []), ...(scheduler ? ['dask'] : [])];
  const leftOut: LeftOutRun[] = [];
  if (!long) {
    leftOut.push({
      strategy: 'dask-local',
      reason:
        `tasks of ${task === null ? 'unknown length' : `${(task * 1000).toFixed(1)} ms`} are shorter than the ` +
        `${DASK_MIN_TASK_SECONDS * 1000} ms a cluster needs to pay its per-task cost (batch several items per ` +
        'task to try it, or name dask-local in --strategies)',
    });
  }
  if (ids.length === 0) return { specs: [], leftOut };
  const error = await importError();
  if (error !== null) {
    const reason =
      `distributed does not import in this interpreter (${error}): pip install "distributed" ` +
      "(or apt-get install python3-distributed for Debian's python3)";
    return { specs: [], leftOut: [...leftOut, ...ids.map((strategy) => ({ strategy, reason }))] };
  }
  return { specs: ids.map((id) => parseStrategy(id, workers)!), leftOut };
}
