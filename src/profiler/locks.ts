// Contended locks, named: the lock recorder (python/cp_blocking.py) runs in a re-run of the strategy
// whose threads waited on locks; its report becomes the profile's `locks` (see LockInfo).
import { parseStrategyId } from '../shared/strategyId';
import type { LockInfo, StrategyResult } from './profile';
import { parseStrategy, type StrategySpec } from './strategies';
import type { RawLock } from './traces';

/**
 * 0.05 of a pool's task samples in lockWait: below it, lock waits cost too little to name and the
 * re-run (one more run of the strategy) is not worth it. The lock-contention verdict itself needs 0.3.
 */
export const LOCK_TRACE_SHARE_MIN = 0.05;

/** The run whose lock waits get named: the ok multi-threaded run (a pool, or a script's own threads)
 * of the main interpreter with the largest lock-wait share of at least LOCK_TRACE_SHARE_MIN; null
 * when there is none. (Other interpreters are left out: PyPy's GIL waits count as lock waits.) */
export function lockTraceTarget(strategies: StrategyResult[]): StrategySpec | null {
  let best: StrategyResult | null = null;
  for (const s of strategies) {
    const share = s.threadStates?.lockWait ?? 0;
    const multiThreaded = s.kind === 'threads' ? s.workers >= 2 : s.kind === 'script';
    const main = parseStrategyId(s.id)?.interpreter === null;
    if (s.status !== 'ok' || !multiThreaded || !main || share < LOCK_TRACE_SHARE_MIN) continue;
    if (!best || share > best.threadStates!.lockWait) best = s;
  }
  return (
    best &&
    (best.kind === 'script'
      ? { id: 'script', kind: 'script', workers: 1, startMethod: null, nativeThreads: null, interpreter: null }
      : parseStrategy(best.id, best.workers))
  );
}

const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;

/**
 * The recorder's report as the profile stores it. `taskThreadMs` is the time the task threads of the
 * traced run spent in tasks (what a wait share is a share of); `readLine` gives a site's source line.
 */
export function lockTable(
  raw: RawLock[],
  taskThreadMs: number,
  readLine: (file: string, line: number) => string | null,
): LockInfo[] {
  return raw
    .map((r): LockInfo => ({
      name: r.name,
      kind: r.kind,
      site: { file: r.file, line: r.line },
      function: r.function,
      code: readLine(r.file, r.line),
      instances: r.instances,
      acquisitions: r.acquisitions,
      contended: r.contended,
      waitMs: ms(r.waitNs),
      maxWaitMs: ms(r.maxWaitNs),
      waitShare: taskThreadMs > 0 ? Math.min(1, Math.round((r.waitNs / 1e6 / taskThreadMs) * 1e4) / 1e4) : 0,
      waiters: r.waiters.length,
      conditionWaitMs: ms(r.conditionWaitNs),
      conditionWaiters: r.conditionWaiters.length,
      waitSites: r.waitSites.map(([file, line, fn, count, waitNs]) => ({
        function: fn,
        site: { file, line },
        count,
        waitMs: ms(waitNs),
      })),
      holders: r.holders.map(([file, line, fn, count, totalNs, maxNs, histogram]) => ({
        function: fn,
        site: { file, line },
        count,
        meanHoldMs: count > 0 ? ms(totalNs / count) : 0,
        maxHoldMs: ms(maxNs),
        histogram,
      })),
    }))
    .sort((a, b) => b.waitMs - a.waitMs || b.conditionWaitMs - a.conditionWaitMs);
}

/** Thread time spent in tasks: the task spans; for a whole script (one span, many threads), each
 * thread's first to last task sample. */
export function taskThreadMs(result: StrategyResult): number {
  if (result.kind !== 'script') {
    const { start, end } = result.tasks;
    return start.reduce((sum, s, i) => sum + (end[i]! - s), 0);
  }
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const { t, thread, inTask } = result.samples;
  for (let i = 0; i < t.length; i++) {
    if (!inTask[i]) continue;
    first.set(thread[i]!, Math.min(first.get(thread[i]!) ?? Infinity, t[i]!));
    last.set(thread[i]!, Math.max(last.get(thread[i]!) ?? -Infinity, t[i]!));
  }
  let sum = 0;
  for (const [th, start] of first) sum += last.get(th)! - start;
  return sum;
}

/** "LOCK", or "the Lock created at file.py:7" when the creation line assigns it to no name. */
export function lockName(lock: LockInfo): string {
  return lock.name ?? `the ${lock.kind} created at ${lock.site.file.split(/[\\/]/).pop()}:${lock.site.line}`;
}
