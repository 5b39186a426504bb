// The cluster route measured (dask-local, dask): what the scheduler cost per task, and from it how
// many workers would pay off. A Dask scheduler hands tasks out one at a time: with every worker
// busy, about one task per `overheadPerTaskSeconds` leaves it, so a cluster of W workers runs tasks
// of t seconds at most min(W, t / overhead) at a time.
import { seconds, speedup } from '../../shared/format';
import type { ClusterInfo, Recommendation } from '../profile';
import { label, type Facts, type StrategyFacts } from './facts';

/** Runs of the Dask strategies that produced a cluster report. */
export function clusterRuns(f: Facts): StrategyFacts[] {
  return f.all.filter((s) => s.result.kind === 'dask' && s.result.status !== 'skipped');
}

/** Workers the scheduler can keep busy: mean task time over per-task cost (at least 1). */
export function payingWorkers(taskSeconds: number, cluster: ClusterInfo): number {
  if (cluster.overheadPerTaskSeconds <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.floor(taskSeconds / cluster.overheadPerTaskSeconds));
}

/**
 * Speedup on `workers` workers: the parallelism the scheduler allows, min(workers, paying), at the
 * efficiency measured here (speedup over that parallelism at the measured size, at most 1).
 */
export function projectCluster(
  run: StrategyFacts,
  cluster: ClusterInfo,
  taskSeconds: number,
  workers: number,
): number | null {
  if (run.speedup === null) return null;
  const paying = payingWorkers(taskSeconds, cluster);
  const efficiency = Math.min(1, run.speedup / Math.min(cluster.threads, paying));
  return Math.round(Math.min(workers, paying) * efficiency * 100) / 100;
}

/** The recommendation's projection when a Dask run was chosen: 2x and 4x this machine's cores. */
export function clusterProjection(f: Facts, run: StrategyFacts): Recommendation['projected'] | null {
  const cluster = run.result.cluster;
  if (!cluster || f.serialTaskSeconds === null) return null;
  const paying = payingWorkers(f.serialTaskSeconds, cluster);
  return {
    cores2x: projectCluster(run, cluster, f.serialTaskSeconds, 2 * f.logicalCores),
    cores4x: projectCluster(run, cluster, f.serialTaskSeconds, 4 * f.logicalCores),
    model: 'cluster',
    assumptions:
      `Workers on more machines; the scheduler hands out one task per ${seconds(cluster.overheadPerTaskSeconds)} ` +
      `(measured with no-op tasks), so at most ${Number.isFinite(paying) ? paying : 'any number of'} tasks of ` +
      `${seconds(f.serialTaskSeconds)} run at once; each worker as efficient as here.`,
  };
}

/** What the cluster runs measured, and how far the cluster route would scale. */
export function clusterDetail(f: Facts, runs: StrategyFacts[]): { reason: string; detail: string } {
  const ok = runs.filter((s) => s.usable && s.result.cluster);
  const parts = runs.map((s) => `${label(s)} ${s.speedup !== null ? speedup(s.speedup) : s.result.status}`);
  const best = ok.sort((a, b) => b.speedup! - a.speedup!)[0];
  if (!best || f.serialTaskSeconds === null) {
    return { reason: `${parts.join(', ')}`, detail: `Measured: ${parts.join(', ')}.` };
  }
  const cluster = best.result.cluster!;
  const paying = payingWorkers(f.serialTaskSeconds, cluster);
  const at = (workers: number) => speedup(projectCluster(best, cluster, f.serialTaskSeconds!, workers));
  const where = cluster.kind === 'local' ? 'this machine' : `the cluster at ${cluster.scheduler}`;
  const detail =
    `Measured: ${parts.join(', ')} on ${where} (${cluster.workers.length} worker(s), ${cluster.threads} thread(s); ` +
    `started or connected in ${seconds(cluster.startSeconds)}). Each task cost the scheduler ` +
    `${seconds(cluster.overheadPerTaskSeconds)} with every worker busy (one round trip: ` +
    `${seconds(cluster.roundTripSeconds)}) against ${seconds(f.serialTaskSeconds)} of work, so up to ~${paying} ` +
    `workers would pay off: ~${at(4 * f.logicalCores)} projected on ${4 * f.logicalCores} workers, ` +
    `~${at(16 * f.logicalCores)} on ${16 * f.logicalCores}; past ${paying} the scheduler is the limit (batch ` +
    'several items per task to raise it).';
  return { reason: `up to ~${paying} workers pay off (${seconds(cluster.overheadPerTaskSeconds)} a task)`, detail };
}
