// Advice for work that is already parallel inside one call: what the native pools bring (serial
// against serial+native-N), how they scale on more cores, whether Python threads over one-thread
// native calls beat the library's own pool (the GIL-releasing route), and the code that limits the
// pools the way the measured strategy did.
import type { NativeLibrary, Recommendation, StrategyResult } from '../profile';
import { nativeThreadsOf, withoutNativeThreads } from '../strategies';
import { percent, speedup } from '../../shared/format';
import { label, type Facts, type StrategyFacts } from './facts';
import { mainHelper } from './rules/alreadyParallel';
import { GIL_WAIT_SHARE_MIN } from './rules/gilContention';
import { SPEEDUP_MARGIN } from './margin';
import { projectSpeedup } from './projection';

/** What each library's own thread count is set by, for the text. */
const LIBRARY_VARIABLE: Partial<Record<NativeLibrary, string>> = {
  openblas: 'OPENBLAS_NUM_THREADS',
  mkl: 'MKL_NUM_THREADS',
  blis: 'BLIS_NUM_THREADS',
  openmp: 'OMP_NUM_THREADS',
  numexpr: 'NUMEXPR_NUM_THREADS',
};

/** serial with its native pools limited (serial+native-N), when measured and usable. */
export function serialLimited(f: Facts): StrategyFacts | null {
  return (
    f.all.find(
      (s) => s.result.kind === 'serial' && s.interpreter === null && nativeThreadsOf(s.id) !== null && s.usable,
    ) ?? null
  );
}

/** The libraries serial's pools ran in, largest share first. */
export function serialLibraries(f: Facts): NativeLibrary[] {
  return (f.serial?.result.nativePools ?? []).map((p) => p.library);
}

/** "OpenBLAS's pool" / "the native pools": how the text names what serial ran on. */
export function poolsName(f: Facts): string {
  const libraries = serialLibraries(f).filter((l) => l !== 'unknown');
  return libraries.length === 1 ? `${libraries[0]}'s own pool` : 'the native pools';
}

/**
 * The native pools' own scaling: serial (the calling thread and its pool threads) against
 * serial+native-N, fitted by THE projection, and evaluated at 2x and 4x the cores relative to
 * serial as measured here. Null without serial+native-N or without pool threads.
 */
export function poolProjection(f: Facts): Recommendation['projected'] {
  const limited = serialLimited(f);
  const work = f.serial ? f.inside(f.serial) : null;
  if (!limited?.speedup || !work) return null;
  const threads = Math.min(f.logicalCores, work.busyCallers + work.busyHelpers.native);
  if (threads <= (nativeThreadsOf(limited.id) ?? 1)) return null;
  return projectSpeedup({
    points: [
      { workers: nativeThreadsOf(limited.id)!, speedup: limited.speedup },
      { workers: threads, speedup: 1 },
    ],
    cores: f.logicalCores,
    tasks: Number.MAX_SAFE_INTEGER,
    bound: 'cores',
    subject: poolsName(f),
  });
}

/**
 * A strategy's projection on more cores, relative to serial on that machine: serial already runs
 * on the native pools, which grow with the cores too.
 */
export function relativeToGrowingSerial(
  projected: Recommendation['projected'],
  pool: Recommendation['projected'],
  f: Facts,
): Recommendation['projected'] {
  if (!projected || !pool || projected.cores2x === null || projected.cores4x === null) return projected;
  if (!pool.cores2x || !pool.cores4x) return projected;
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    cores2x: round(projected.cores2x / pool.cores2x),
    cores4x: round(projected.cores4x / pool.cores4x),
    model: `${projected.model}; divided by serial's own gain from ${poolsName(f)} (${pool.model})`,
    assumptions:
      `${projected.assumptions} Serial runs on ${poolsName(f)}, which also uses the extra cores: it projects ` +
      `${speedup(pool.cores2x)} and ${speedup(pool.cores4x)} of today's serial, so the gain over serial there is ` +
      'the ratio.',
  };
}

/**
 * Item 6 of the issue, measured: with one native thread per worker, do Python threads over whole
 * calls (the work releases the GIL) beat the library's own pool splitting each call?
 */
export function threadsAgainstPool(f: Facts): string | null {
  const threads = f.all.find(
    (s) => s.result.kind === 'threads' && s.interpreter === null && nativeThreadsOf(s.id) !== null && s.usable,
  );
  const limited = serialLimited(f);
  if (!threads?.speedup || !limited?.speedup || !f.serial) return null;
  const st = threads.states;
  const gil = st && st.running + st.gil > 0 ? st.gil / (st.running + st.gil) : null;
  const pools = poolsName(f);
  if (gil !== null && gil >= GIL_WAIT_SHARE_MIN)
    return (
      `${label(threads)}: its threads waited for the GIL ${percent(gil)} of the time they wanted to run: the code ` +
      `between the native calls holds the GIL, so ${pools} (serial, 1.00x) is the way this work uses the cores; ` +
      `${label(threads)} reached ${speedup(threads.speedup)}.`
    );
  const releases =
    gil !== null ? `the work releases the GIL (its threads waited for it ${percent(gil)})` : 'the work ran';
  if (threads.speedup >= SPEEDUP_MARGIN)
    return (
      `${label(threads)}: ${speedup(threads.speedup)} against serial on ${pools}: ${releases}, and whole calls on ` +
      `one-thread libraries side by side beat ${pools} splitting each call ` +
      `(measured; ${label(limited)} ${speedup(limited.speedup)}).`
    );
  if (threads.speedup * SPEEDUP_MARGIN <= 1)
    return (
      `${pools} is better: serial on it beat ${label(threads)} (${speedup(threads.speedup)}) although ` +
      `${releases}; the library splits each call better than Python threads share whole calls (measured).`
    );
  return (
    `${label(threads)} (${speedup(threads.speedup)}) and serial on ${pools} are within the ${SPEEDUP_MARGIN}x ` +
    `margin: ${releases}, and both ways of using the cores are about as good here.`
  );
}

/** Why the chosen strategy fits already-parallel work, or why to keep it serial. */
export function alreadyParallelRationale(f: Facts, chosen: StrategyFacts | null, best: StrategyFacts | null): string {
  const work = f.serial ? f.inside(f.serial) : null;
  const helper = work ? mainHelper(work) : null;
  const what =
    helper === 'children'
      ? 'the function already runs its own process pool'
      : helper === 'threads'
        ? 'the function already runs its own threads'
        : `the library already uses the cores (${poolsName(f)})`;
  const ownPool = helper === 'children' || helper === 'threads';
  const nested = ownPool
    ? ' Do not nest pools: a pool around a function that starts its own runs workers x inner workers on the ' +
      'same cores.'
    : '';
  if (!chosen) {
    const near = best ? ` (best: ${label(best)} ${speedup(best.speedup!)})` : '';
    const pooled =
      nested ||
      ' In a pool as it is, workers x native threads oversubscribe the cores: give each worker one native ' +
        'thread (see the code).';
    return `Keep it serial: ${what}, and no strategy beat serial by the ${SPEEDUP_MARGIN}x margin${near}.${pooled}`;
  }
  const limit = chosen.result.nativeLimit;
  const shape =
    chosen.result.kind === 'serial'
      ? `one call at a time on ${limit?.threads ?? 1} native thread(s): here the pools cost more than they ` +
        'bring (small calls, or cores taken by other programs)'
      : `${chosen.workers} workers of ${limit?.threads ?? 1} native thread(s) each`;
  const limitedAtRunTime = limit?.threadpoolctl
    ? `, and threadpoolctl.threadpool_limits(${limit.threads}) after the module loaded`
    : '';
  const elsewhere = chosen.interpreter ? `, on ${chosen.interpreter} (the interpreter is the change)` : '';
  const how = limit
    ? ` It ran ${shape}, with ${limit.variables.map((v) => `${v}=${limit.threads}`).join(', ')} set before the ` +
      `interpreter started${limitedAtRunTime}.`
    : chosen.result.kind === 'serial'
      ? ` It runs one call at a time, as serial does${elsewhere}, with no workers on top of the inner parallelism.`
      : ' It adds workers on top of the inner parallelism: see the oversubscription caveat.';
  const tie = chosen !== best && best ? ` (${label(best)} reached ${speedup(best.speedup!)}, within noise)` : '';
  return (
    `${label(chosen)}: ${speedup(chosen.speedup!)} faster than serial${tie}, above the ${SPEEDUP_MARGIN}x margin, ` +
    `although ${what}.${how}${nested}`
  );
}

/** Among near-equal winners, a pool on top of the native pools loses to the same pool with them limited. */
export function dropOversubscribedTwins(near: StrategyFacts[]): StrategyFacts[] {
  return near.filter(
    (s) =>
      nativeThreadsOf(s.id) !== null ||
      !near.some((o) => o !== s && nativeThreadsOf(o.id) !== null && withoutNativeThreads(o.id) === s.id),
  );
}

/** The first lines of a code change that limits the native pools the way `s` did (null when it did not). */
export function nativeLimitCode(s: StrategyResult | null, libraries: NativeLibrary[]): string | null {
  const limit = s?.nativeLimit;
  if (!limit) return null;
  const named = libraries.map((l) => LIBRARY_VARIABLE[l]).filter((v): v is string => !!v);
  const first = named.length > 0 ? ` (${[...new Set(named)].join(', ')} for the pools seen here)` : '';
  return (
    `# One native thread per worker${first}.\n` +
    '# Set before numpy (or any library with a pool) is imported: at the very top of the entry script,\n' +
    '# or exported in the shell:\n' +
    'import os\n\n' +
    `for variable in (${quotedLines(limit.variables, '                 ')}):\n` +
    `    os.environ[variable] = "${limit.threads}"\n` +
    '# or, with threadpoolctl installed, at run time (for processes: in each worker, e.g. an initializer):\n' +
    `#   from threadpoolctl import threadpool_limits\n#   threadpool_limits(${limit.threads})\n\n`
  );
}

/** Quoted names, three to a line, continuation lines indented to line up inside the parentheses. */
function quotedLines(names: string[], indent: string): string {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 3)
    lines.push(
      names
        .slice(i, i + 3)
        .map((n) => `"${n}"`)
        .join(', '),
    );
  return lines.join(`,\n${indent}`);
}
