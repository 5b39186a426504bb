// The strategies a Node.js run can measure, and how `--strategies` names them. Ids are split by
// the one parser in src/shared/strategyId.ts.
import { formatStrategyId, parseStrategyId, STRATEGY_ID_GRAMMAR } from '../../shared/strategyId';
import type { StrategyKind } from '../profile';
import type { StrategySpec } from '../strategies';

/** libuv's pool size when UV_THREADPOOL_SIZE is not set. */
export const UV_DEFAULT_THREADS = 4;
/** libuv's upper limit for UV_THREADPOOL_SIZE. */
export const UV_MAX_THREADS = 1024;

interface Family {
  kind: StrategyKind;
  /** Whether `-N` (a pool size) applies. */
  sized: boolean;
  /** Whether the `+uv-N` variant (UV_THREADPOOL_SIZE=N) applies. */
  uv: boolean;
}

const FAMILIES: Record<string, Family> = {
  serial: { kind: 'serial', sized: false, uv: true },
  async: { kind: 'async', sized: false, uv: true },
  'worker-threads': { kind: 'worker-threads', sized: true, uv: false },
  'child-processes': { kind: 'child-processes', sized: true, uv: false },
  // Whole-file mode: the file once, as `node FILE`.
  script: { kind: 'script', sized: false, uv: false },
};

/** Ids in the order they run when the user names none; async and a bigger libuv pool are added
 * (or not) once serial has shown whether the function returns promises and uses the pool. */
export const NODE_DEFAULT_STRATEGIES = ['serial', 'worker-threads', 'child-processes'];

export function parseNodeStrategy(id: string, workers: number): StrategySpec | null {
  const parts = parseStrategyId(id);
  if (!parts || parts.interpreter !== null) return null;
  const family = FAMILIES[parts.family];
  if (!family || (parts.workers !== null && !family.sized)) return null;
  let uvThreads: number | null = null;
  if (parts.variant !== null) {
    const uv = /^uv-(\d+)$/.exec(parts.variant);
    if (!uv || !family.uv) return null;
    uvThreads = Number(uv[1]);
    if (uvThreads < 1 || uvThreads > UV_MAX_THREADS) return null;
  }
  return {
    id,
    kind: family.kind,
    workers: family.sized ? (parts.workers ?? workers) : 1,
    startMethod: null,
    nativeThreads: null,
    interpreter: null,
    uvThreads,
  };
}

/** The `async` run with libuv's pool enlarged: twice the default, or one thread per core. */
export function uvPoolId(logicalCores: number): string {
  const threads = Math.max(2 * UV_DEFAULT_THREADS, logicalCores);
  return formatStrategyId({ family: 'async', workers: null, variant: `uv-${threads}`, interpreter: null });
}

export const NODE_STRATEGY_FORMS =
  `serial, async, worker-threads, worker-threads-N, child-processes, ` +
  `child-processes-N, async+uv-N, serial+uv-N; without --function: script (ids follow ${STRATEGY_ID_GRAMMAR})`;
