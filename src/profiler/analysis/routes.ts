// Every route around the GIL from the seed (profile.ts ROUTES), each with what this profile
// measured about it or an honest "not measured here, because ...", a one-line reason the views
// print as is, and what to install to try it.
// Python kinds and routes: the Node ones are analysed in ./node.
import type { PythonRouteId, PythonVerdictKind } from '../profile';
import { ROUTES, type Recommendation, type RouteCoverage, type RouteId, type Verdict } from '../profile';
import { parseStrategyId } from '../../shared/strategyId';
import { baseName, bytes, percent, seconds, speedup } from '../../shared/format';
import { nativeThreadsOf } from '../strategies';
import { poolsName, serialLimited, threadsAgainstPool } from './nativeAdvice';
import { arrayEvidence } from './arrays';
import { label, type Facts, type StrategyFacts } from './facts';
import { describeHotLine } from './hotspots';
import { SPEEDUP_MARGIN, fastest } from './margin';
import {
  freeThreadedRoute,
  freeThreadedRuns,
  interpreterRoute,
  otherInterpreterRuns,
  subinterpretersRoute,
} from './interpreterRoutes';
import { clusterDetail, clusterRuns } from './cluster';
import { COPY_BYTES_PER_SECOND } from './rules/copyCost';

/** Projected 4x-cores speedup this many times the measured one means the machine's cores are the cap. */
export const CLUSTER_GAIN_MIN = 1.5;

/** What to install or run to try each unmeasured route. */
export const INSTALL: Partial<Record<RouteId, string>> = {
  'native-threads': 'pip install numba (or numexpr, or Cython)',
  'free-threaded': 'uv python install 3.13t (or pyenv install 3.13t); measured by default once found',
  interpreter:
    'apt-get install pypy3 (or pyenv install pypy3.10, uv python install pypy); measured by default once found',
  subinterpreters: 'Python 3.14 (uv python install 3.14; 3.12 and 3.13 measure too), then --interpreters auto',
  cluster: "pip install 'dask[distributed]' (or apt-get install python3-distributed); dask-local then runs by default",
  gpu: 'pip install cupy-cuda12x (or numba for CUDA kernels)',
};

export type Draft = Pick<RouteCoverage, 'fits' | 'reason' | 'detail'> & { strategies?: StrategyFacts[] };

/** The strategies of this profile that measured a route. */
export function routeStrategies(f: Facts, route: RouteId): StrategyFacts[] {
  if (route === 'free-threaded') return freeThreadedRuns(f);
  if (route === 'interpreter') return otherInterpreterRuns(f);
  return f.all.filter((s) => {
    const id = parseStrategyId(s.id);
    switch (route) {
      case 'threads':
      case 'processes':
      case 'asyncio':
        // A whole script with its pools swapped (script+processes) measures that route too.
        return (s.result.kind === route || (s.result.kind === 'script' && id?.variant === route)) && !id?.interpreter;
      case 'native-threads':
        return id?.variant?.startsWith('native') ?? false;
      case 'subinterpreters':
        return s.result.kind === 'subinterpreters' && s.result.status !== 'skipped';
      case 'cluster':
        return s.result.kind === 'dask' && s.result.status !== 'skipped';
      default:
        return id?.family === route;
    }
  });
}

function list(strategies: StrategyFacts[]): string {
  return strategies.map((s) => `${label(s)} ${s.speedup !== null ? speedup(s.speedup) : s.result.status}`).join(', ');
}

function cpuGil(v: Verdict): boolean {
  return v.kind === 'cpu-bound-gil' || (v.kind === 'mixed' && v.shares?.['cpu-bound-gil'] !== undefined);
}

function cpuAny(v: Verdict): boolean {
  return cpuGil(v) || v.kind === 'cpu-bound-releases-gil' || v.kind === 'copy-bound' || v.kind === 'already-parallel';
}

/** On already-parallel work a pool fits only with one native thread per worker, measured faster. */
function limitedPoolFits(f: Facts, route: RouteId): boolean {
  return routeStrategies(f, route).some(
    (s) => nativeThreadsOf(s.id) !== null && s.usable && (s.speedup ?? 0) >= SPEEDUP_MARGIN,
  );
}

function waits(v: Verdict): boolean {
  return v.kind === 'io-bound' || (v.kind === 'mixed' && (v.shares?.['io-bound'] ?? 0) > 0);
}

/** Tasks an event loop can overlap: they wait, or they block the loop with calls that can move off it. */
function loopFits(v: Verdict): boolean {
  return waits(v) || v.kind === 'event-loop-blocked';
}

const NOT_RUN = 'not run here (add it to --strategies)';

function threadsRoute(f: Facts, v: Verdict): Draft {
  const ran = routeStrategies(f, 'threads');
  if (ran.length === 0)
    return { fits: false, reason: NOT_RUN, detail: 'No threads strategy was run: add threads to --strategies.' };
  const why: Record<PythonVerdictKind, [boolean, string]> = {
    'event-loop-blocked': [true, 'a thread per task gives each its own event loop'],
    'cpu-bound-gil': [false, 'the GIL lets one thread run Python at a time'],
    'cpu-bound-releases-gil': [true, 'the work releases the GIL: threads share the cores'],
    'io-bound': [true, 'waiting threads release the GIL: their waits overlap'],
    'lock-contention': [false, 'the threads queue on your lock'],
    'overhead-bound': [false, 'handing a tiny task to a thread costs more than it'],
    'copy-bound': [true, 'threads share the arguments: nothing is copied'],
    'already-parallel': limitedPoolFits(f, 'threads')
      ? [true, 'one native thread each: threads share the cores']
      : [false, 'each call already uses the cores: more threads compete'],
    mixed: [true, 'waits overlap; computing only as far as the GIL allows'],
  };
  let [fits, reason] = why[v.kind as PythonVerdictKind];
  if (f.python.freeThreaded && cpuAny(v)) {
    [fits, reason] = [true, 'no GIL in this build: threads run Python on every core'];
  }
  return { fits, reason, detail: `Measured: ${list(ran)}; ${reason}.` };
}

function processesRoute(f: Facts, v: Verdict): Draft {
  const ran = routeStrategies(f, 'processes');
  if (ran.length === 0) {
    return {
      fits: cpuGil(v),
      reason: NOT_RUN,
      detail: 'No processes strategy was run: add processes-fork (or -forkserver, -spawn) to --strategies.',
    };
  }
  const why: Record<PythonVerdictKind, [boolean, string]> = {
    'event-loop-blocked': [false, 'an event loop per process, at the cost of start-up'],
    'cpu-bound-gil': [true, 'each process has its own interpreter and GIL'],
    'cpu-bound-releases-gil': [false, 'threads do it without start-up or pickling'],
    'io-bound': [false, 'threads overlap the waits without start-up or pickling'],
    'lock-contention': [false, 'each process has its own copy of the lock: it guards nothing'],
    'overhead-bound': [false, 'pickling a tiny task costs more than running it'],
    'copy-bound': [false, 'pickling arguments and results costs as much as the work'],
    'already-parallel': limitedPoolFits(f, 'processes')
      ? [true, 'one native thread each: workers share the cores']
      : [false, 'each call already uses the cores: workers oversubscribe'],
    mixed: [cpuGil(v), 'computes in parallel, at the cost of start-up and pickling'],
  };
  let [fits, reason] = why[v.kind as PythonVerdictKind];
  if (f.python.freeThreaded && cpuAny(v)) {
    [fits, reason] = [false, 'threads run in parallel on this build, without pickling'];
  }
  const parts = ran.map((p) => {
    const st = p.result.processCosts?.workerStartupSeconds ?? [];
    const start = st.length > 0 && p.result.status === 'ok' ? `, workers ready in ${seconds(Math.max(...st))}` : '';
    return `${label(p)} ${p.speedup !== null ? speedup(p.speedup) : p.result.status}${start}`;
  });
  const costs = ran
    .filter((p) => p.result.status === 'ok')
    .map((p) => p.result.processCosts)
    .find((c) => c);
  const moved = costs ? costs.pickledBytesSentTotal + costs.pickledBytesReceivedTotal : 0;
  const copy = costs
    ? ` Each task pickled ${bytes(costs.pickledBytesSentPerTask)} of arguments and ` +
      `${bytes(costs.pickledBytesReceivedPerTask)} of results (${bytes(moved)} in all, ` +
      `~${seconds(moved / COPY_BYTES_PER_SECOND)} of copying at ~${COPY_BYTES_PER_SECOND / 1e6} MB/s).`
    : '';
  const os =
    ' fork (Linux default before Python 3.14) starts workers fastest by copying the parent, but is unsafe once' +
    ' the parent runs threads and does not exist on Windows; macOS defaults to spawn and Windows only has' +
    ' spawn, where each worker starts a fresh interpreter and re-imports your module (it needs the' +
    ' `if __name__ == "__main__":` guard and a module-level, picklable function); forkserver (Linux default' +
    ' from 3.14) forks clean workers from a helper process.';
  return { fits, reason, detail: `Measured: ${parts.join('; ')}; ${reason}.${copy}${os}` };
}

function asyncioRoute(f: Facts, v: Verdict): Draft {
  const ran = routeStrategies(f, 'asyncio');
  const overlaps = loopFits(v);
  if (ran.length > 0) {
    const reason = overlaps
      ? v.kind === 'event-loop-blocked'
        ? 'blocking calls hold up the loop: move them off it'
        : 'one event loop overlaps the waits without threads'
      : cpuAny(v)
        ? 'the computing blocks the one event loop'
        : 'the tasks take turns on one event loop';
    return { fits: overlaps, reason, detail: `Measured: ${list(ran)}; ${reason}.` };
  }
  if (f.profile.mode === 'script') {
    return {
      fits: false,
      reason: 'whole-script mode compares no strategies',
      detail: 'Whole-script mode runs the script once: profile an async def with --function to measure asyncio.',
    };
  }
  if (f.isAsync) return { fits: overlaps, reason: NOT_RUN, detail: 'asyncio was not in --strategies.' };
  const reason = overlaps
    ? 'needs an async def: async I/O (aiohttp, httpx) overlaps waits'
    : 'needs an async def, and the time is not spent waiting';
  return {
    fits: false,
    reason,
    detail:
      `Not measured here, because ${f.profile.workload.function ?? 'the function'} is not an async def. ` +
      (overlaps
        ? 'Waits like these can overlap on one thread once the I/O calls are awaitable (asyncio streams, ' +
          'aiohttp or httpx for HTTP, asyncpg for PostgreSQL); threads overlap them without a rewrite.'
        : 'An event loop only helps while tasks wait.'),
  };
}

function nativeRoute(f: Facts, v: Verdict): Draft {
  const measured = routeStrategies(f, 'native-threads');
  const pools = f.serial?.result.nativePools ?? [];
  if (pools.length > 0) {
    // Serial itself ran on native pools: this route is what each call already does, measured
    // against the same calls on one native thread (serial+native-1) and against Python threads.
    const limited = serialLimited(f);
    const own =
      limited?.speedup != null && limited.speedup > 0
        ? ` Serial on ${poolsName(f)} ran ${speedup(1 / limited.speedup)} the speed of ${label(limited)}.`
        : '';
    const against = threadsAgainstPool(f);
    const names = pools.map((p) => `${p.library} (${p.threads} thread(s), ${percent(p.cpuShare)} of the CPU)`);
    const reason = `each call already runs on ${poolsName(f)}`;
    return {
      fits: true,
      reason,
      detail:
        `Measured: each call already runs on ${names.join(', ')}.${own}${against ? ` ${against}` : ''}` +
        (measured.length > 0 ? ` One native thread per worker: ${list(measured)}.` : ''),
      strategies: [...(f.serial ? [f.serial] : []), ...measured],
    };
  }
  if (measured.length > 0) {
    const reason = 'measured with native pools of one thread per worker';
    return {
      fits: v.kind === 'cpu-bound-releases-gil',
      reason,
      detail: `Measured: ${list(measured)}; ${reason}.`,
      strategies: measured,
    };
  }
  if (v.kind === 'cpu-bound-releases-gil') {
    const reason = 'the work already runs native code that releases the GIL';
    return {
      fits: true,
      reason,
      detail: `Measured by the threads runs: ${list(f.threads)}; ${reason}, which is why threads scale.`,
      strategies: f.threads,
    };
  }
  if (!cpuGil(v)) {
    const reason =
      v.kind === 'overhead-bound'
        ? 'per-task overhead, not computing, dominates'
        : v.kind === 'copy-bound'
          ? 'moving the data, not computing on it, is what costs'
          : 'the time is not spent computing in Python';
    return {
      fits: false,
      reason,
      detail:
        `Native code releasing the GIL (numpy, numexpr, Cython nogil, Numba nogil): ` +
        `not relevant, because ${reason}.`,
    };
  }
  const hot = f.serial ? f.hot(f.serial).running : undefined;
  const where = hot ? `the hot loop (${describeHotLine(hot)})` : 'the hot loop';
  return {
    fits: true,
    reason: `the hot loop${hot ? ` (${baseName(hot.file)}:${hot.line})` : ''} in numpy, Numba or Cython nogil`,
    detail:
      `Not measured here, because it needs ${where} rewritten: as numpy/numexpr array operations (numexpr ` +
      'also uses several cores itself), or compiled with Numba @njit(nogil=True) or Cython `with nogil:`. Such ' +
      'code runs with the GIL released, so plain threads then scale without pickling or process start-up.',
  };
}

function gpuRoute(f: Facts, v: Verdict): Draft {
  const arrays = arrayEvidence(f.profile);
  const gpus = f.profile.machine.gpus;
  if (!arrays || !cpuAny(v)) {
    const reason = !arrays ? 'not array-shaped work (no numpy or the like seen)' : 'the time is not spent computing';
    return { fits: false, reason, detail: `GPU (CuPy, Numba CUDA, PyCUDA): not suitable, because ${reason}.` };
  }
  const here =
    gpus.length === 0
      ? 'this machine has no GPU'
      : `the engine runs no GPU strategy; this machine has ${gpus.map((g) => `${g.vendor} ${g.model}`).join(', ')}`;
  return {
    fits: true,
    reason: 'array-shaped work: CuPy or Numba CUDA on large arrays',
    detail:
      `Not measured here, because ${here}. The work is array-shaped (${arrays}): CuPy (a numpy look-alike) ` +
      'or Numba CUDA can take large arrays; small arrays lose to the host-device copies.',
  };
}

function clusterRoute(f: Facts, v: Verdict, best: StrategyFacts | null, projected: Recommendation['projected']): Draft {
  const runs = clusterRuns(f);
  if (runs.length > 0) {
    const { reason, detail } = clusterDetail(f, runs);
    return {
      fits: cpuAny(v) && runs.some((s) => (s.speedup ?? 0) >= SPEEDUP_MARGIN),
      reason,
      detail,
      strategies: runs,
    };
  }
  // Why the default sweep did not run dask-local (not installed, tasks too short), when it said so.
  const leftOut = f.profile.leftOut?.find((l) => l.strategy === 'dask-local');
  const notRun = leftOut ? ` dask-local was not run: ${leftOut.reason}.` : '';
  const noCluster = leftOut
    ? `dask-local was not run (${leftOut.reason})`
    : 'no cluster ran (dask-local, or --dask-scheduler for yours)';
  const sp = best?.speedup ?? null;
  if (!cpuAny(v) || !best || sp === null || sp < SPEEDUP_MARGIN || !projected || projected.cores4x === null) {
    const reason = `no CPU-parallel run beat serial by ${SPEEDUP_MARGIN}x here`;
    return { fits: false, reason, detail: `Clusters (Dask, Ray): not relevant, because ${reason}.${notRun}` };
  }
  if (projected.cores4x < CLUSTER_GAIN_MIN * sp) {
    const reason = `only ${speedup(projected.cores4x)} projected at 4x the cores (${speedup(sp)} here)`;
    return { fits: false, reason, detail: `Clusters (Dask, Ray) would add little: ${reason}.${notRun}` };
  }
  return {
    fits: true,
    reason: `cores are the cap: ${speedup(projected.cores4x)} projected at 4x the cores`,
    detail:
      `Not measured here, because ${noCluster}. ${label(best)} reached ${speedup(sp)} on ` +
      `${f.logicalCores} cores and the fit projects ${speedup(projected.cores4x)} at 4x the cores, so this ` +
      "machine's cores are the cap: Dask (dask.distributed) or Ray can spread the same function over more " +
      'machines, for tasks long enough to outweigh sending them.',
  };
}

export function routeCoverage(
  f: Facts,
  v: Verdict,
  cpuBest: StrategyFacts | null,
  cpuProjection: Recommendation['projected'],
): RouteCoverage[] {
  const drafts: Record<PythonRouteId, Draft> = {
    threads: threadsRoute(f, v),
    processes: processesRoute(f, v),
    asyncio: asyncioRoute(f, v),
    'native-threads': nativeRoute(f, v),
    'free-threaded': freeThreadedRoute(f, v),
    interpreter: interpreterRoute(f, v),
    subinterpreters: subinterpretersRoute(f, v),
    cluster: clusterRoute(f, v, cpuBest, cpuProjection),
    gpu: gpuRoute(f, v),
  };
  return ROUTES.map((route) => {
    const { strategies = routeStrategies(f, route), fits, reason, detail } = drafts[route];
    const measured = strategies.length > 0;
    return {
      route,
      status: measured ? 'measured' : 'unmeasured',
      strategies: strategies.map((s) => s.id),
      bestSpeedup: fastest(strategies)?.speedup ?? null,
      fits,
      reason,
      detail,
      install: measured ? null : fits ? (INSTALL[route] ?? null) : null,
    };
  });
}
