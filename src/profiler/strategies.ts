// The strategies a run can measure, and how `--strategies` names them.
import type { StartMethod, StrategyKind } from './profile';

export interface StrategySpec {
  id: string;
  kind: StrategyKind;
  workers: number;
  startMethod: StartMethod | null;
}

/** The serial task thread on CPU at least this share of its samples means the work is CPU-bound,
 * and an I/O-sized thread pool would only add contention. */
export const CPU_BOUND_SHARE_FOR_NO_IO_POOL = 0.9;
/** Size of the extra I/O pool, in multiples of the worker count. */
export const IO_POOL_FACTOR = 4;

export function ioPoolId(workers: number): string {
  return `threads-${workers * IO_POOL_FACTOR}`;
}

/** Ids in the order they run when the user names none; the I/O pool and asyncio are added
 * (or not) once the serial run has shown what the function is. */
export const DEFAULT_STRATEGIES = ['serial', 'threads', 'processes-fork', 'processes-forkserver', 'processes-spawn'];

export function parseStrategy(id: string, workers: number): StrategySpec | null {
  if (id === 'serial') return { id, kind: 'serial', workers: 1, startMethod: null };
  if (id === 'asyncio') return { id, kind: 'asyncio', workers: 1, startMethod: null };
  if (id === 'threads') return { id, kind: 'threads', workers, startMethod: null };
  const pool = /^threads-(\d+)$/.exec(id);
  if (pool && Number(pool[1]) >= 1) return { id, kind: 'threads', workers: Number(pool[1]), startMethod: null };
  const processes = /^processes-(fork|forkserver|spawn)$/.exec(id);
  if (processes) return { id, kind: 'processes', workers, startMethod: processes[1] as StartMethod };
  return null;
}

export const KNOWN_STRATEGY_FORMS = 'serial, threads, threads-N, processes-fork, processes-forkserver, processes-spawn, asyncio';
