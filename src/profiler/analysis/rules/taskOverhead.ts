// overhead-bound: tasks so small that handing them to a pool (submit, wake-ups, pickling)
// costs more than the work itself.
import { seconds, speedup } from '../../../shared/format';
import { label, type Facts } from '../facts';
import { SPEEDUP_MARGIN, fastest } from '../margin';
import type { Finding } from './types';

/**
 * 1 ms: a ProcessPoolExecutor round trip (pickle, pipe, two wake-ups) costs 0.1-0.5 ms per task
 * and a contended ThreadPoolExecutor hand-off tens of µs; tasks below 1 ms are the same order.
 */
export const SMALL_TASK_SECONDS = 1e-3;
/** Scores: parallel runs slower than serial confirm the overhead; merely no gain is weaker. */
export const SLOWER_SCORE = 0.9;
export const NO_GAIN_SCORE = 0.6;

export function taskOverhead(f: Facts): Finding | null {
  const serialWall = f.serial?.result.wallSeconds;
  if (!f.serial || !serialWall) return null;
  const parallel = [...f.threads, ...f.processes, ...(f.asyncio ? [f.asyncio] : [])];
  const best = fastest(parallel);
  if (best && (best.speedup ?? 0) >= SPEEDUP_MARGIN) return null;
  const slower = !best || (best.speedup ?? 0) < 1;
  const task = f.serialTaskSeconds;
  if (task === null || task >= SMALL_TASK_SECONDS) return null;
  const evidence = [
    `${f.tasks} tasks of ${seconds(task)} each on average in serial: less than ` +
      `a pool spends handing one task to a worker.`,
  ];
  if (best?.result.wallSeconds != null) {
    const extra = (best.result.wallSeconds - serialWall) / Math.max(1, f.tasks);
    const perTask = extra > 0 ? `: about ${seconds(extra)} extra per task` : '';
    evidence.push(`Even the fastest parallel run, ${label(best)}, reached ${speedup(best.speedup)}${perTask}.`);
  }
  return { rule: 'taskOverhead', kind: 'overhead-bound', score: slower ? SLOWER_SCORE : NO_GAIN_SCORE, evidence };
}
