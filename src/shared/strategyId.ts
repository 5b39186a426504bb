// The one parser of strategy ids. Every id follows `family[-N][+variant][@interpreter]`:
//   threads-16                 family threads, 16 workers
//   processes-fork+native-1    family processes-fork, variant native-1 (one native thread per worker)
//   serial@pypy3.9             family serial, run by the interpreter named pypy3.9
//   script+processes           the whole script with its thread pools swapped for process pools
// Families may contain hyphens (`processes-fork`, `dask-local`, `worker-threads`); only a trailing
// `-<digits>` is a worker count. Variants and interpreter names may contain hyphens and dots.
// Which families and variants exist is the engine's business (src/profiler/strategies.ts); this
// module only splits and joins, so the engine, the analysis, the views and the tests agree on it.

export interface StrategyId {
  family: string;
  /** Explicit worker count (`threads-16`), or null for the family's default size. */
  workers: number | null;
  /** What was changed about the run (`native-1`, `processes`, `uv-8`), or null. */
  variant: string | null;
  /** The interpreter's short name (`pypy3.9`, `python3.13t`), or null for the main interpreter. */
  interpreter: string | null;
}

const FAMILY = '[a-z][a-z]*(?:-[a-z][a-z]*)*';
const NAME = '[A-Za-z0-9][A-Za-z0-9._-]*';
const ID_PATTERN = new RegExp(`^(${FAMILY})(?:-(\\d+))?(?:\\+(${NAME}))?(?:@(${NAME}))?$`);

/** Splits an id into its parts, or returns null when it does not follow the grammar. */
export function parseStrategyId(id: string): StrategyId | null {
  const match = ID_PATTERN.exec(id);
  if (!match) return null;
  const workers = match[2] === undefined ? null : Number(match[2]);
  if (workers !== null && (!Number.isSafeInteger(workers) || workers < 1)) return null;
  return { family: match[1]!, workers, variant: match[3] ?? null, interpreter: match[4] ?? null };
}

/** Joins the parts back into the id; `formatStrategyId(parseStrategyId(id)!) === id` for every valid id. */
export function formatStrategyId(parts: StrategyId): string {
  return (
    parts.family +
    (parts.workers === null ? '' : `-${parts.workers}`) +
    (parts.variant === null ? '' : `+${parts.variant}`) +
    (parts.interpreter === null ? '' : `@${parts.interpreter}`)
  );
}

/** The id with some parts replaced, e.g. the same strategy on another interpreter. */
export function withStrategyParts(id: string, change: Partial<StrategyId>): string {
  const parts = parseStrategyId(id);
  if (!parts) throw new Error(`not a strategy id: ${id}`);
  return formatStrategyId({ ...parts, ...change });
}

export const STRATEGY_ID_GRAMMAR = 'family[-N][+variant][@interpreter]';
