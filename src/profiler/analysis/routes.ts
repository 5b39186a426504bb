// Every route around the GIL from the seed, each with what this profile measured about it or
// an honest "not measured here, because ...".
import type { Alternative, Recommendation, UnmeasuredRoute, Verdict } from '../profile';
import { arrayEvidence } from './arrays';
import { bytes, label, seconds, type Facts, type StrategyFacts } from './facts';
import { describeHotLine } from './hotspots';
import { SPEEDUP_MARGIN } from './margin';
import { COPY_BYTES_PER_SECOND } from './rules/copyCost';

/** Projected 4x-cores speedup this many times the measured one means the machine's cores are the cap. */
export const CLUSTER_GAIN_MIN = 1.5;

export interface RouteNote {
  route: 'threads' | 'processes' | UnmeasuredRoute;
  measured: boolean;
  text: string;
  /** Set when the route is worth trying for this verdict: it goes into the ranked alternatives. */
  alternative: Alternative | null;
}

function list(strategies: StrategyFacts[]): string {
  return strategies
    .map((s) => `${label(s)} ${s.speedup !== null ? `${s.speedup.toFixed(2)}x` : s.result.status}`)
    .join(', ');
}

function cpuGil(v: Verdict): boolean {
  return v.kind === 'cpu-bound-gil' || (v.kind === 'mixed' && v.shares?.['cpu-bound-gil'] !== undefined);
}

function cpuAny(v: Verdict): boolean {
  return cpuGil(v) || v.kind === 'cpu-bound-releases-gil' || v.kind === 'copy-bound';
}

function threadsNote(f: Facts, v: Verdict): RouteNote {
  const ran = f.all.filter((s) => s.result.kind === 'threads');
  if (ran.length === 0) {
    return {
      route: 'threads',
      measured: false,
      text: 'Threads: not measured here, because no threads strategy was run (see --strategies).',
      alternative: null,
    };
  }
  const why: Record<Verdict['kind'], string> = {
    'event-loop-blocked': 'a thread per task gives each its own event loop, so the blocking calls overlap.',
    'cpu-bound-gil': 'the GIL lets one thread run Python at a time.',
    'cpu-bound-releases-gil': 'the work releases the GIL, so threads share the cores without copying.',
    'io-bound': 'waiting threads release the GIL, so their waits overlap.',
    'lock-contention': 'they queue on your lock.',
    'overhead-bound': 'handing each tiny task to a thread costs more than running it.',
    'copy-bound': 'threads share the arguments in memory, nothing is copied.',
    mixed: 'the waits overlap, the computing only as far as the GIL allows.',
  };
  return {
    route: 'threads',
    measured: true,
    text: `Threads (measured): ${list(ran)}; ${why[v.kind]}`,
    alternative: null,
  };
}

function processesNote(f: Facts): RouteNote {
  if (f.processes.length === 0) {
    return {
      route: 'processes',
      measured: false,
      text: 'Processes: not measured here, because no processes strategy was run (see --strategies).',
      alternative: null,
    };
  }
  const parts = f.processes.map((p) => {
    const st = p.result.processCosts?.workerStartupSeconds ?? [];
    const start = st.length > 0 && p.result.status === 'ok' ? `, workers ready in ${seconds(Math.max(...st))}` : '';
    return `${label(p)} ${p.speedup !== null ? `${p.speedup.toFixed(2)}x` : p.result.status}${start}`;
  });
  const costs = f.processes
    .filter((p) => p.result.status === 'ok')
    .map((p) => p.result.processCosts)
    .find((c) => c);
  const copy = costs
    ? ` Each task pickled ${bytes(costs.pickledBytesSentPerTask)} of arguments and ${bytes(costs.pickledBytesReceivedPerTask)} of results (${bytes(costs.pickledBytesSentTotal + costs.pickledBytesReceivedTotal)} in all, ~${seconds((costs.pickledBytesSentTotal + costs.pickledBytesReceivedTotal) / COPY_BYTES_PER_SECOND)} of copying at ~${COPY_BYTES_PER_SECOND / 1e6} MB/s).`
    : '';
  const os =
    ' fork (Linux default before Python 3.14) starts workers fastest by copying the parent, but is unsafe once the parent runs threads and does not exist on Windows; macOS defaults to spawn and Windows only has spawn, where each worker starts a fresh interpreter and re-imports your module (it needs the `if __name__ == "__main__":` guard and a module-level, picklable function); forkserver (Linux default from 3.14) forks clean workers from a helper process.';
  return {
    route: 'processes',
    measured: true,
    text: `Processes (measured): ${parts.join('; ')}.${copy}${os}`,
    alternative: null,
  };
}

function nativeNote(f: Facts, v: Verdict): RouteNote {
  if (v.kind === 'cpu-bound-releases-gil') {
    return {
      route: 'native-threads',
      measured: true,
      text: 'Native code releasing the GIL (measured): your work already runs in native code that releases the GIL, which is why threads scale.',
      alternative: null,
    };
  }
  if (!cpuGil(v)) {
    const because =
      v.kind === 'overhead-bound'
        ? 'per-task overhead, not computing, dominates'
        : v.kind === 'copy-bound'
          ? 'moving the data, not computing on it, is what costs'
          : 'the time is not spent computing in Python';
    return {
      route: 'native-threads',
      measured: false,
      text: `Native code releasing the GIL (numpy, numexpr, Cython nogil, Numba nogil): not relevant here, because ${because}.`,
      alternative: null,
    };
  }
  const hot = f.serial ? f.hot(f.serial).running : undefined;
  const where = hot ? `the hot loop (${describeHotLine(hot)})` : 'the hot loop';
  const why = `not measured here, because it needs ${where} rewritten: as numpy/numexpr array operations (numexpr also uses several cores itself), or compiled with Numba @njit(nogil=True) or Cython \`with nogil:\`. Such code runs with the GIL released, so plain threads then scale without pickling or process start-up.`;
  return {
    route: 'native-threads',
    measured: false,
    text: `Native code releasing the GIL: ${why}`,
    alternative: { strategy: 'native-threads', expectedSpeedup: null, why: `Unmeasured: ${why}` },
  };
}

function gpuNote(f: Facts, v: Verdict): RouteNote {
  const arrays = arrayEvidence(f.profile);
  const gpus = f.profile.machine.gpus;
  if (!arrays || !cpuAny(v)) {
    return {
      route: 'gpu',
      measured: false,
      text: `GPU (CuPy, Numba CUDA, PyCUDA): not suitable here, because ${!arrays ? 'the work is not array-shaped (no numpy or other array library seen)' : 'the time is not spent computing'}.`,
      alternative: null,
    };
  }
  const why =
    gpus.length === 0
      ? `not measured here, because this machine has no GPU. The work is array-shaped (${arrays}), so on a machine with one, CuPy (a numpy look-alike) or Numba CUDA could take large arrays; small arrays lose to the host-device copies.`
      : `not measured here, because the engine runs no GPU strategy; this machine has ${gpus.map((g) => `${g.vendor} ${g.model}`).join(', ')} and the work is array-shaped (${arrays}): try CuPy (a numpy look-alike) or Numba CUDA on large arrays.`;
  return {
    route: 'gpu',
    measured: false,
    text: `GPU: ${why}`,
    alternative: { strategy: 'gpu', expectedSpeedup: null, why: `Unmeasured: ${why}` },
  };
}

function clusterNote(
  f: Facts,
  v: Verdict,
  best: StrategyFacts | null,
  projected: Recommendation['projected'],
): RouteNote {
  if (
    !cpuAny(v) ||
    !best ||
    best.speedup === null ||
    best.speedup < SPEEDUP_MARGIN ||
    !projected ||
    projected.cores4x === null
  ) {
    return {
      route: 'cluster',
      measured: false,
      text: `Clusters (Dask, Ray): not relevant here, because no CPU-parallel run beat serial by the ${SPEEDUP_MARGIN}x margin on this machine.`,
      alternative: null,
    };
  }
  const capped = projected.cores4x >= CLUSTER_GAIN_MIN * best.speedup;
  const why = capped
    ? `not measured here, because there is no cluster. ${label(best)} reached ${best.speedup.toFixed(2)}x on ${f.logicalCores} cores and the fit projects ${projected.cores4x}x at 4x the cores, so this machine's cores are the cap: Dask (dask.distributed) or Ray can spread the same function over more machines, for tasks long enough to outweigh sending them.`
    : `would add little: the fit projects only ${projected.cores4x}x at 4x the cores (from ${best.speedup.toFixed(2)}x here).`;
  return {
    route: 'cluster',
    measured: false,
    text: `Clusters (Dask, Ray): ${why}`,
    alternative: capped ? { strategy: 'cluster', expectedSpeedup: null, why: `Unmeasured: ${why}` } : null,
  };
}

function interpreterNotes(f: Facts, v: Verdict): RouteNote[] {
  const py = f.profile.workload.python;
  const gil = cpuGil(v) && v.kind !== 'overhead-bound';
  const arrays = arrayEvidence(f.profile) !== null;
  const notes: RouteNote[] = [];
  if (py.freeThreaded) {
    notes.push({
      route: 'free-threaded',
      measured: true,
      text: `Free-threaded CPython (measured): ${py.implementation} ${py.version} runs without a GIL, so the threads results above are already GIL-free.`,
      alternative: null,
    });
  } else if (gil) {
    const why = `not measured here, because this run used ${py.implementation} ${py.version}, which has a GIL. Rerun with --python pointing at python3.13t or python3.14t: pure-Python threads then run on all cores (about what processes reached, without pickling); single-threaded code runs somewhat slower there and C extensions must support it.`;
    notes.push({
      route: 'free-threaded',
      measured: false,
      text: `Free-threaded CPython: ${why}`,
      alternative: { strategy: 'free-threaded', expectedSpeedup: null, why: `Unmeasured: ${why}` },
    });
  } else {
    notes.push({
      route: 'free-threaded',
      measured: false,
      text: 'Free-threaded CPython (3.13t, 3.14t): not relevant here, because the GIL is not what limits this work.',
      alternative: null,
    });
  }
  if (py.implementation === 'PyPy') {
    notes.push({ route: 'pypy', measured: true, text: 'PyPy (measured): this run used PyPy.', alternative: null });
  } else if (gil && !arrays) {
    const why = `not measured here, because this run used ${py.implementation}. PyPy's JIT often runs pure-Python loops several times faster in one thread; it still has a GIL, so combine it with processes for more cores. Rerun with --python pypy3 to measure.`;
    notes.push({
      route: 'pypy',
      measured: false,
      text: `PyPy: ${why}`,
      alternative: { strategy: 'pypy', expectedSpeedup: null, why: `Unmeasured: ${why}` },
    });
  } else {
    notes.push({
      route: 'pypy',
      measured: false,
      text: `PyPy: not relevant here, because ${arrays ? 'the work lives in numpy-style C extensions, which PyPy does not speed up' : 'the time is not spent running Python bytecode'}.`,
      alternative: null,
    });
  }
  if (gil) {
    const why = `not measured here, because one GIL per interpreter needs Python 3.14's concurrent.futures.InterpreterPoolExecutor (this is ${py.version}); like processes it avoids the shared GIL, with cheaper start-up but the same pickling of arguments.`;
    notes.push({
      route: 'subinterpreters',
      measured: false,
      text: `Subinterpreters: ${why}`,
      alternative: { strategy: 'subinterpreters', expectedSpeedup: null, why: `Unmeasured: ${why}` },
    });
  }
  return notes;
}

export function routeNotes(
  f: Facts,
  v: Verdict,
  cpuBest: StrategyFacts | null,
  cpuProjection: Recommendation['projected'],
): RouteNote[] {
  return [
    threadsNote(f, v),
    processesNote(f),
    nativeNote(f, v),
    gpuNote(f, v),
    clusterNote(f, v, cpuBest, cpuProjection),
    ...interpreterNotes(f, v),
  ];
}
