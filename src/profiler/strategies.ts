// The strategies a run can measure, and how `--strategies` names them. Ids are split by the one
// parser in src/shared/strategyId.ts; this module knows which families and variants exist.
import { parseStrategyId, STRATEGY_ID_GRAMMAR } from '../shared/strategyId';
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

interface Family {
  kind: StrategyKind;
  startMethod: StartMethod | null;
  /** Whether `-N` (a pool size) applies. */
  sized: boolean;
}

const FAMILIES: Record<string, Family> = {
  serial: { kind: 'serial', startMethod: null, sized: false },
  asyncio: { kind: 'asyncio', startMethod: null, sized: false },
  threads: { kind: 'threads', startMethod: null, sized: true },
  'processes-fork': { kind: 'processes', startMethod: 'fork', sized: true },
  'processes-forkserver': { kind: 'processes', startMethod: 'forkserver', sized: true },
  'processes-spawn': { kind: 'processes', startMethod: 'spawn', sized: true },
};

/** The spec for an id the user may name, or null when the engine cannot run it. */
export function parseStrategy(id: string, workers: number): StrategySpec | null {
  const parts = parseStrategyId(id);
  if (!parts || parts.variant !== null || parts.interpreter !== null) return null;
  const family = FAMILIES[parts.family];
  if (!family || (parts.workers !== null && !family.sized)) return null;
  const size = family.sized ? (parts.workers ?? workers) : 1;
  return { id, kind: family.kind, workers: size, startMethod: family.startMethod };
}

export const KNOWN_STRATEGY_FORMS = `serial, threads, threads-N, processes-fork, processes-forkserver, processes-spawn, processes-METHOD-N, asyncio (ids follow ${STRATEGY_ID_GRAMMAR})`;
