// overhead-bound: tasks so small that handing them to a pool (submit, wake-ups, pickling) or
// starting the pool costs more than the work itself.
import { label, seconds, type Facts, type StrategyFacts } from '../facts';
import { SPEEDUP_MARGIN, fastest } from '../margin';
import type { Finding } from './types';

/**
 * 1 ms: a ProcessPoolExecutor round trip (pickle, pipe, two wake-ups) costs 0.1-0.5 ms per task
 * and a contended ThreadPoolExecutor hand-off tens of µs; tasks below 1 ms are the same order.
 */
export const SMALL_TASK_SECONDS = 1e-3;
/** 0.5: worker start-up of half the serial run's whole duration leaves no room for a gain on 2 cores. */
export const STARTUP_SHARE_MIN = 0.5;
/** Scores: parallel runs slower than serial confirm the overhead; merely no gain is weaker. */
export const SLOWER_SCORE = 0.9;
export const NO_GAIN_SCORE = 0.6;

function meanStartup(p: StrategyFacts): number | null {
  const s = p.result.processCosts?.workerStartupSeconds;
  return s && s.length > 0 ? s.reduce((a, b) => a + b, 0) / s.length : null;
}

export function taskOverhead(f: Facts): Finding | null {
  const serialWall = f.serial?.result.wallSeconds;
  if (!f.serial || !serialWall) return null;
  const parallel = [...f.threads, ...f.processes, ...(f.asyncio ? [f.asyncio] : [])];
  const best = fastest(parallel);
  if (best && (best.speedup ?? 0) >= SPEEDUP_MARGIN) return null;
  const slower = !best || (best.speedup ?? 0) < 1;
  const evidence: string[] = [];
  const task = f.serialTaskSeconds;
  if (task !== null && task < SMALL_TASK_SECONDS) {
    evidence.push(`${f.tasks} tasks of ${seconds(task)} each on average in serial: less than a pool spends handing one task to a worker.`);
    if (best?.result.wallSeconds != null) {
      const extra = (best.result.wallSeconds - serialWall) / Math.max(1, f.tasks);
      evidence.push(
        `Even the fastest parallel run, ${label(best)}, took ${best.speedup!.toFixed(2)}x serial's speed${extra > 0 ? `: about ${seconds(extra)} extra per task` : ''}.`,
      );
    }
  } else {
    const startups = f.processes.map((p) => [p, meanStartup(p)] as const).filter(([, s]) => s !== null && s >= STARTUP_SHARE_MIN * serialWall);
    if (startups.length === 0) return null;
    for (const [p, s] of startups) {
      evidence.push(`${label(p)}: each worker took ${seconds(s!)} to start, against ${seconds(serialWall)} for the whole serial run.`);
    }
  }
  return { rule: 'taskOverhead', kind: 'overhead-bound', score: slower ? SLOWER_SCORE : NO_GAIN_SCORE, evidence };
}
