// The strategies a run can measure, and how `--strategies` names them. Ids are split by the one
// parser in src/shared/strategyId.ts; this module knows which families and variants exist.
import { formatStrategyId, parseStrategyId, STRATEGY_ID_GRAMMAR, withStrategyParts } from '../shared/strategyId';
import type { StartMethod, StrategyKind } from './profile';

export interface StrategySpec {
  id: string;
  kind: StrategyKind;
  workers: number;
  startMethod: StartMethod | null;
  /** `+native-N`: every native thread pool limited to N threads per process; null = as the user has it. */
  nativeThreads: number | null;
  /** Whole-script what-ifs: the script's own pools become this kind (`script+processes`). */
  swap?: 'processes' | 'threads' | null;
  /** Whole-script what-ifs: the pools the script sizes itself get this many workers (`script-8`). */
  poolSize?: number | null;
  /** The short name of the interpreter that runs it (`pypy3.9`), null for the main one. */
  interpreter: string | null;
  /** Node: UV_THREADPOOL_SIZE for the run (the `+uv-N` variant); absent or null for libuv's default. */
  uvThreads?: number | null;
}

/**
 * Environment variables that size the common native thread pools, read when the library loads:
 * OpenMP (GNU, Intel, LLVM), OpenBLAS, MKL, BLIS, Apple Accelerate (vecLib) and numexpr. A
 * `+native-N` strategy sets all of them for the interpreter and everything it starts, and also
 * calls threadpoolctl's `threadpool_limits(N)` where threadpoolctl is importable.
 */
export const NATIVE_THREAD_VARIABLES = [
  'OMP_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'MKL_NUM_THREADS',
  'BLIS_NUM_THREADS',
  'VECLIB_MAXIMUM_THREADS',
  'NUMEXPR_NUM_THREADS',
] as const;

const NATIVE_VARIANT = /^native-(\d+)$/;

/** N of a `native-N` variant, null for no variant or another one. */
export function nativeThreadsOfVariant(variant: string | null): number | null {
  const match = variant === null ? null : NATIVE_VARIANT.exec(variant);
  const n = match ? Number(match[1]) : null;
  return n !== null && Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** N of a strategy id's `+native-N`, or null. */
export function nativeThreadsOf(id: string): number | null {
  return nativeThreadsOfVariant(parseStrategyId(id)?.variant ?? null);
}

/** The same strategy with its native pools limited to `threads` each: `threads` -> `threads+native-1`. */
export function withNativeThreads(id: string, threads: number): string {
  const parts = parseStrategyId(id);
  if (!parts) throw new Error(`not a strategy id: ${id}`);
  return formatStrategyId({ ...parts, variant: `native-${threads}` });
}

/** The id without its `+native-N`: what the variant is compared with. */
export function withoutNativeThreads(id: string): string {
  const parts = parseStrategyId(id);
  return parts && nativeThreadsOfVariant(parts.variant) !== null ? formatStrategyId({ ...parts, variant: null }) : id;
}

/** The environment a strategy runs in: the user's, with the native pools limited for `+native-N`. */
export function strategyEnvironment(spec: StrategySpec, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (spec.nativeThreads === null) return base;
  const env = { ...base };
  for (const name of NATIVE_THREAD_VARIABLES) env[name] = String(spec.nativeThreads);
  return env;
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
  /** The whole script's what-if variants; the other families take `+native-N` instead. */
  variants?: readonly ('processes' | 'threads')[];
}

const FAMILIES: Record<string, Family> = {
  serial: { kind: 'serial', startMethod: null, sized: false },
  asyncio: { kind: 'asyncio', startMethod: null, sized: false },
  threads: { kind: 'threads', startMethod: null, sized: true },
  'processes-fork': { kind: 'processes', startMethod: 'fork', sized: true },
  'processes-forkserver': { kind: 'processes', startMethod: 'forkserver', sized: true },
  'processes-spawn': { kind: 'processes', startMethod: 'spawn', sized: true },
  // The whole script: as written, with its pools swapped (+processes, +threads), or resized (-N).
  script: { kind: 'script', startMethod: null, sized: true, variants: ['processes', 'threads'] },
  subinterpreters: { kind: 'subinterpreters', startMethod: null, sized: true },
  // Dask: a LocalCluster of N single-threaded workers, or the cluster of --dask-scheduler.
  'dask-local': { kind: 'dask', startMethod: null, sized: true },
  dask: { kind: 'dask', startMethod: null, sized: false },
};

/** Families that can run on an interpreter other than the main one (`serial@pypy3.9`). */
const ON_OTHER_INTERPRETERS = new Set([
  'serial',
  'asyncio',
  'threads',
  'processes-fork',
  'processes-forkserver',
  'processes-spawn',
  'subinterpreters',
]);

/** The spec for an id the user may name, or null when the engine cannot run it. An `@NAME` part
 * is accepted for the families that run anywhere; whether NAME exists is the caller's check. */
export function parseStrategy(id: string, workers: number): StrategySpec | null {
  const parts = parseStrategyId(id);
  if (!parts) return null;
  const family = FAMILIES[parts.family];
  if (!family || (parts.workers !== null && !family.sized)) return null;
  if (parts.interpreter !== null && !ON_OTHER_INTERPRETERS.has(parts.family)) return null;
  if (family.kind === 'script') {
    const swap = family.variants?.find((v) => v === parts.variant) ?? null;
    if (parts.variant !== null && swap === null) return null;
    // As written the pool's size is the script's own: known once it ran (the result's `workers`).
    return {
      id,
      kind: 'script',
      workers: parts.workers ?? 1,
      startMethod: null,
      nativeThreads: null,
      swap,
      poolSize: parts.workers,
      interpreter: null,
    };
  }
  const nativeThreads = nativeThreadsOfVariant(parts.variant);
  if (parts.variant !== null && nativeThreads === null) return null;
  const size = family.sized ? (parts.workers ?? workers) : 1;
  return {
    id,
    kind: family.kind,
    workers: size,
    startMethod: family.startMethod,
    nativeThreads,
    interpreter: parts.interpreter,
  };
}

/**
 * When serial showed native pools: serial with one native thread (what the pools bring), and the
 * thread pool and the first process pool of the plan with one native thread per worker (the usual
 * cure for workers x native threads oversubscribing the cores).
 */
export function nativeStrategies(plan: StrategySpec[], workers: number): StrategySpec[] {
  const pools = [plan.find((s) => s.kind === 'threads'), plan.find((s) => s.kind === 'processes')];
  return ['serial', ...pools.filter((s) => s !== undefined && s.nativeThreads === null).map((s) => s!.id)]
    .map((id) => withNativeThreads(id, 1))
    .filter((id) => !plan.some((s) => s.id === id))
    .map((id) => parseStrategy(id, workers)!);
}

/** What-ifs for a script whose own code created these pools: each pool kind swapped for the other. */
export function scriptWhatIfs(pools: { kind: 'threads' | 'processes' }[]): string[] {
  const ids: string[] = [];
  if (pools.some((p) => p.kind === 'threads')) ids.push('script+processes');
  if (pools.some((p) => p.kind === 'processes')) ids.push('script+threads');
  return ids;
}

/** The same strategy on another interpreter, or null when its family only runs on the main one. */
export function onInterpreter(spec: StrategySpec, interpreter: string, workers: number): StrategySpec | null {
  const parts = parseStrategyId(spec.id);
  if (!parts || !ON_OTHER_INTERPRETERS.has(parts.family)) return null;
  return parseStrategy(withStrategyParts(spec.id, { interpreter }), workers);
}

export const KNOWN_STRATEGY_FORMS =
  `serial, threads, threads-N, processes-fork, processes-forkserver, processes-spawn, ` +
  `processes-METHOD-N, asyncio, subinterpreters (Python 3.13+), dask-local, dask-local-N, ` +
  `dask (with --dask-scheduler), any of them ` +
  `+native-N (native thread pools limited to N threads) and @INTERPRETER (run ` +
  `by another interpreter of --interpreters); without --function: script, script+processes, ` +
  `script+threads, script-N[+...] (ids follow ${STRATEGY_ID_GRAMMAR})`;
