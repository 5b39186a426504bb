// Picks the route: the fastest strategy that is correct and beats serial by the noise margin,
// preferring the simpler one on near-ties; explains the others and every unmeasured route.
// Python kinds and routes: the Node ones are analysed in ./node.
import type { PythonVerdictKind } from '../profile';
import { formatStrategyId, parseStrategyId } from '../../shared/strategyId';
import { nativeThreadsOf } from '../strategies';
import type { Recommendation, RouteCoverage, Verdict, VerdictKind } from '../profile';
import { projectSpeedup } from './projection';
import { codeChange, type CodeTarget } from './codeChange';
import { percent, speedup } from '../../shared/format';
import { label, type Facts, type StrategyFacts } from './facts';
import { SPEEDUP_MARGIN, disturbed, fastest, fastestFirst } from './margin';
import { loopFixRationale, planLoopFix } from './loopFix';
import { routeCoverage } from './routes';
import { pickleFix, failureCaveats, mismatchCaveats, samplingCaveats } from './caveats';
import { interpreterRationale, preferOtherInterpreter, serialElsewhereProjection } from './interpreterChoice';
import { clusterProjection } from './cluster';
import { GIL_WAIT_SHARE_MIN } from './rules/gilContention';
import { gilShareOfDemand } from './rules/gilShare';
import { worstLock } from './rules/lockContention';
import { curveOf, representatives, whyNotMore } from './workers';
import { recommendWhatIf } from './scriptAdvice';
import {
  alreadyParallelRationale,
  dropOversubscribedTwins,
  nativeLimitCode,
  poolProjection,
  relativeToGrowingSerial,
  serialLibraries,
} from './nativeAdvice';
import { mainHelper, oversubscription } from './rules/alreadyParallel';

/** A simpler strategy within 10% of the fastest wins: the gap is inside run-to-run noise, its costs are not. */
export const PREFER_SIMPLER_WITHIN = 1.1;
/** Below this many tasks per worker, an uneven last round costs a visible share of the run. */
export const IMBALANCE_ROUNDS = 4;

/** Lower = simpler to adopt and cheaper to run (no pickling, no worker processes). */
function simplicity(s: StrategyFacts): number {
  switch (s.result.kind) {
    case 'serial':
      return -1; // serial with its native pools limited: no pool at all, only environment variables
    case 'asyncio':
      return 0;
    case 'threads':
      return 1;
    case 'processes':
      return s.result.startMethod === 'fork' ? 2 : s.result.startMethod === 'forkserver' ? 3 : 4;
    case 'subinterpreters':
      return 3;
    case 'dask': // a cluster to run and feed
      return 6;
    default:
      return 5;
  }
}

/** Strategies whose tasks run in interpreters of their own (processes, Dask workers,
 * subinterpreters): each has its own copy of a module-level lock and of the state it guards. */
const OWN_COPY_OF_STATE: ReadonlySet<StrategyFacts['result']['kind']> = new Set([
  'processes',
  'dask',
  'subinterpreters',
]);

/** Usable strategies that may be recommended; a scaling curve takes part through its best worker count. */
function candidates(f: Facts, v: Verdict): StrategyFacts[] {
  return representatives(f, f.all).filter(
    (s) =>
      s.usable &&
      s.speedup !== null &&
      // Serial on another interpreter (PyPy's JIT), or with its native pools limited, is a route of its own.
      (s.result.kind !== 'serial' || s.interpreter !== null || nativeThreadsOf(s.id) !== null) &&
      s.result.kind !== 'script' &&
      // Under lock contention a process pool (or Dask, or subinterpreters) is faster only because
      // every process has its own lock.
      !(v.kind === 'lock-contention' && OWN_COPY_OF_STATE.has(s.result.kind)),
  );
}

/** The strategy kind the verdict predicts will work, or null when it predicts none or several.
 * Without a GIL (a free-threaded build), GIL-bound work needs threads, not processes. */
export function predictedKind(v: Verdict, gil = true): StrategyFacts['result']['kind'] | null {
  switch (v.kind) {
    case 'io-bound':
    case 'cpu-bound-releases-gil':
    case 'copy-bound':
      return 'threads';
    case 'cpu-bound-gil':
      return gil ? 'processes' : 'threads';
    default:
      return null;
  }
}

/** The verdict says this strategy cannot scale: threads for GIL-bound work on an interpreter with a GIL. */
export function ruledOut(f: Facts, v: Verdict, s: StrategyFacts): boolean {
  return v.kind === 'cpu-bound-gil' && s.result.kind === 'threads' && s.gil;
}

/** The main interpreter's choice, then another interpreter's where it clearly beats it. */
function choose(f: Facts, v: Verdict, pool: StrategyFacts[]): StrategyFacts | null {
  const onMain = chooseOn(
    f,
    v,
    pool.filter((s) => s.interpreter === null),
  );
  return preferOtherInterpreter(f, pool, onMain, (runs) => chooseOn(f, v, runs), PREFER_SIMPLER_WITHIN);
}

/** The choice among the runs of one interpreter. */
function chooseOn(f: Facts, v: Verdict, pool: StrategyFacts[]): StrategyFacts | null {
  const best = fastest(pool);
  if (!best || best.speedup! < SPEEDUP_MARGIN) return null;
  const ioish = v.kind === 'io-bound' || (v.kind === 'mixed' && (v.shares?.['io-bound'] ?? 0) >= 0.5);
  if (
    f.isAsync &&
    ioish &&
    f.asyncio &&
    pool.includes(f.asyncio) &&
    f.asyncio.speedup! * SPEEDUP_MARGIN >= best.speedup!
  )
    return f.asyncio;
  let winners = pool.filter((s) => s.speedup! >= SPEEDUP_MARGIN);
  if (disturbed(f, pool)) {
    // A gain the thread states rule out (GIL-bound threads) is the load's doing, not the strategy's.
    winners = winners.filter((s) => !ruledOut(f, v, s));
    const fits = winners.filter((s) => s.result.kind === predictedKind(v, s.gil));
    if (fits.length > 0) return fits.sort((a, b) => b.speedup! - a.speedup!)[0];
    if (winners.length === 0) return null;
  }
  let near = winners.filter((s) => s.speedup! * PREFER_SIMPLER_WITHIN >= best.speedup!);
  // On work already parallel inside, a pool on top oversubscribes the cores; the same pool with one
  // native thread per worker does not, so it wins a near-tie.
  if (v.kind === 'already-parallel') near = dropOversubscribedTwins(near);
  near.sort((a, b) => simplicity(a) - simplicity(b) || b.speedup! - a.speedup!);
  return near[0];
}

function whyLower(s: StrategyFacts, chosen: StrategyFacts | null, busy: boolean, ruledOut: boolean): string {
  const sp = s.speedup!;
  if (sp < SPEEDUP_MARGIN)
    return (
      `${speedup(sp)}: below the ${SPEEDUP_MARGIN}x margin, so not distinguishable ` +
      `from serial on this noisy machine.`
    );
  if (busy && ruledOut)
    return (
      `${speedup(sp)}, but its threads waited for the GIL, so on this busy machine ` +
      `the gain is the load's doing (serial ran slowed), not a real speedup.`
    );
  if (!chosen) return `${speedup(sp)}.`;
  if (sp > chosen.speedup! * PREFER_SIMPLER_WITHIN && busy) {
    return (
      `${speedup(sp)} here, but measured while other programs held the cores; the ` +
      `verdict points to ${chosen.result.kind}, so treat the gap as noise until ` +
      `a quiet re-run confirms it.`
    );
  }
  if (sp > chosen.speedup!) {
    const cost = s.result.kind === 'processes' ? 'pays for worker processes and pickling' : 'is harder to adopt';
    return `${speedup(sp)}, within ${Math.round((PREFER_SIMPLER_WITHIN - 1) * 100)}% of ${label(chosen)} but ${cost}.`;
  }
  return `${speedup(sp)}, slower than ${label(chosen)} (${speedup(chosen.speedup!)}).`;
}

/** The family's measured points (pool size, speedup over the baseline) for the one projection. */
export function familyPoints(family: StrategyFacts[]): { workers: number; speedup: number }[] {
  return family.filter((s) => s.usable && s.speedup !== null).map((s) => ({ workers: s.workers, speedup: s.speedup! }));
}

/** Runs of the same family and variant at other sizes: a slow start method would drag a fast one's
 * fit, and a pool with its native threads limited scales differently from one without. */
function siblingsOf(f: Facts, s: StrategyFacts): StrategyFacts[] {
  const key = (id: string): string => {
    const parts = parseStrategyId(id);
    return parts ? formatStrategyId({ ...parts, workers: null }) : id;
  };
  return f.all.filter(
    (o) =>
      o.result.kind === s.result.kind &&
      o.result.startMethod === s.result.startMethod &&
      o.interpreter === s.interpreter &&
      key(o.id) === key(s.id),
  );
}

function projection(f: Facts, v: Verdict, chosen: StrategyFacts | null): Recommendation['projected'] {
  // Serial that already runs on native pools grows with the cores itself.
  const pools = v.kind === 'already-parallel' ? poolProjection(f) : null;
  if (!chosen && v.kind === 'already-parallel') {
    return (
      pools ?? {
        cores2x: null,
        cores4x: null,
        model: 'not projected',
        assumptions:
          'One call is already parallel inside, and how its own pool grows with more cores was not measured ' +
          '(serial+native-1 runs only when native pools were seen).',
      }
    );
  }
  if (!chosen) {
    return { cores2x: 1, cores4x: 1, model: 'serial', assumptions: 'One task at a time: more cores are not used.' };
  }
  if (chosen.result.kind === 'serial' && nativeThreadsOf(chosen.id) !== null) {
    // serial+native-N: one call at a time on N native threads; the extra cores are not used.
    const fixed = {
      cores2x: chosen.speedup,
      cores4x: chosen.speedup,
      model: 'a fixed thread count',
      assumptions:
        `One call at a time on ${chosen.result.nativeLimit?.threads ?? 1} native thread(s): ` +
        'extra cores are not used.',
    };
    return relativeToGrowingSerial(fixed, pools, f) ?? fixed;
  }
  return relativeToGrowingSerial(poolStrategyProjection(f, v, chosen), pools, f);
}

function poolStrategyProjection(f: Facts, v: Verdict, chosen: StrategyFacts): Recommendation['projected'] {
  const kind = chosen.result.kind;
  if (kind === 'serial') return serialElsewhereProjection(chosen);
  const cluster = kind === 'dask' ? clusterProjection(f, chosen) : null;
  if (cluster) return cluster;
  const gil = gilShareOfDemand(f, f.contentionPool);
  const needsCores =
    kind === 'processes' ||
    kind === 'dask' ||
    kind === 'subinterpreters' ||
    (kind === 'threads' &&
      (v.kind === 'cpu-bound-releases-gil' ||
        !chosen.gil ||
        (gil !== null && gil < GIL_WAIT_SHARE_MIN && v.kind !== 'io-bound')));
  return projectSpeedup({
    points: needsCores ? familyPoints(siblingsOf(f, chosen)) : [{ workers: chosen.workers, speedup: chosen.speedup! }],
    cores: f.logicalCores,
    tasks: f.tasks,
    bound: needsCores ? 'cores' : 'waits',
    cpuShare: f.serialCpuShare,
    subject: parseStrategyId(chosen.id)?.family ?? chosen.id,
  });
}

function targetKind(s: StrategyFacts | null): CodeTarget['kind'] {
  const k = s?.result.kind;
  return k === 'threads' || k === 'processes' || k === 'asyncio' || k === 'dask' || k === 'subinterpreters'
    ? k
    : 'serial';
}

/** The seed's routes, each measured or explained, with the CPU family's projection for the cluster route. */
export function coverRoutes(f: Facts, v: Verdict): RouteCoverage[] {
  // The family that runs the computing in parallel: threads only when the work releases the GIL.
  const family = v.kind === 'cpu-bound-releases-gil' || f.python.freeThreaded ? f.threads : f.processes;
  const cpuFamily = fastest(family);
  const cpuProjection = cpuFamily
    ? projectSpeedup({
        points: familyPoints(family.filter((s) => s.result.startMethod === cpuFamily.result.startMethod)),
        cores: f.logicalCores,
        tasks: f.tasks,
        bound: 'cores',
      })
    : null;
  return routeCoverage(f, v, cpuFamily, cpuProjection);
}

export function recommend(f: Facts, v: Verdict): Recommendation {
  if (f.profile.mode === 'script') return recommendForScript(f, v);
  if (v.kind === 'event-loop-blocked') return recommendLoopFix(f, v);
  const pool = candidates(f, v);
  const chosen = choose(f, v, pool);
  const best = fastest(pool);

  const alternatives = fastestFirst(
    pool.filter((s) => s !== chosen),
    (s) => whyLower(s, chosen, disturbed(f, pool), ruledOut(f, v, s)),
  );
  if (v.kind === 'overhead-bound') {
    alternatives.unshift({
      strategy: 'batching',
      expectedSpeedup: null,
      why:
        'Unmeasured: give each task many items (or pass chunksize to pool.map) so a task runs for ' +
        'milliseconds, then re-measure.',
    });
  }

  const caveats = [...mismatchCaveats(f), ...failureCaveats(f)];
  if (v.kind === 'lock-contention') {
    const faster = f.all.filter(
      (p) => OWN_COPY_OF_STATE.has(p.result.kind) && p.usable && (p.speedup ?? 0) >= SPEEDUP_MARGIN,
    );
    if (faster.length > 0) {
      caveats.push(
        `${faster.map((p) => `${label(p)} (${speedup(p.speedup!)})`).join(', ')} ` +
          `ran faster only because each process or interpreter has its own copy of the lock and of ` +
          `the state it guards: it no longer protects anything across tasks. Not recommended ` +
          `unless that state is per-task.`,
      );
    }
  }
  if (disturbed(f, pool)) {
    const loads = [f.serial, ...pool]
      .filter((s) => s?.externalLoad != null)
      .map((s) => `${label(s!)} ${percent(s!.externalLoad!)}`);
    const picked =
      chosen && predictedKind(v) === chosen.result.kind
        ? `; ${label(chosen)} was picked because the verdict points to it, not for its exact number`
        : '';
    caveats.push(
      `Other programs kept the cores busy while this ran (${loads.join(', ')}): ` +
        `speedups are noisy and usually pessimistic${picked}. Re-run on a quieter machine to confirm.`,
    );
  }
  const idle = chosen && chosen.workers > 1 ? (chosen.workers - (f.tasks % chosen.workers)) % chosen.workers : 0;
  if (chosen && idle > 0 && f.tasks < IMBALANCE_ROUNDS * chosen.workers) {
    caveats.push(
      `${f.tasks} tasks on ${chosen.workers} workers: the last round leaves ${idle} ` +
        `worker(s) idle; more, smaller tasks balance better.`,
    );
  }
  if (chosen?.result.kind === 'processes' && chosen.result.startMethod === 'fork') {
    caveats.push(
      'fork is not available on Windows and not safe on macOS: there the pool uses ' +
        'spawn, with the start-up cost measured for processes-spawn.',
    );
  }
  const crowded = oversubscription(f);
  if (crowded) caveats.push(crowded);
  caveats.push(...samplingCaveats(f.profile));

  const sharesState = f.all.some((s) => s.interpreter === null && s.result.resultsMatchBaseline === false);
  const work = f.serial ? f.inside(f.serial) : null;
  const code = codeChange(f.profile.workload, {
    kind: targetKind(chosen),
    workers: chosen?.workers ?? f.logicalCores,
    startMethod: chosen?.result.startMethod ?? null,
    verdict: v.kind,
    taskSeconds: f.serialTaskSeconds,
    sharesState,
    lock: lockOf(f),
    runWith: chosen?.interpreter ? (f.interpreters.get(chosen.interpreter) ?? null) : null,
    inner: work ? mainHelper(work) : null,
    nativeLimit: nativeLimitCode(chosen?.result ?? null, serialLibraries(f)),
    scheduler: chosen?.result.cluster?.kind === 'remote' ? chosen.result.cluster.scheduler : null,
  });
  const fix = pickleFix(f);

  return {
    strategy: chosen ? chosen.id : 'serial',
    workers: chosen ? chosen.workers : 1,
    expectedSpeedup: chosen ? chosen.speedup : 1,
    projected: projection(f, v, chosen),
    rationale: rationale(f, v, chosen, best),
    alternatives,
    caveats,
    codeChange: code ?? fix,
    routes: coverRoutes(f, v),
  };
}

function lockOf(f: Facts): CodeTarget['lock'] {
  const lock = worstLock(f);
  return lock && { name: lock.name, holder: lock.holders[0]?.function ?? null };
}

/**
 * A blocked event loop: keep asyncio and take the blocking call off the loop. The speedup expected
 * is the one measured for the same tasks by the strategy that runs them the way the fix would.
 */
function recommendLoopFix(f: Facts, v: Verdict): Recommendation {
  const fix = planLoopFix(f)!;
  const standIn = fix.standIn;
  const alternatives = fastestFirst(candidates(f, v), (s) =>
    s.result.kind === 'asyncio'
      ? 'One event loop as the code is now, held up by the blocking call.'
      : s.result.kind === 'threads'
        ? 'A thread (and an event loop) per task, so the blocking calls overlap without ' +
          'changing the coroutine; costs a thread per concurrent task.'
        : 'A process per worker, each with its own event loop; pays for worker start-up and pickling.',
  );
  // What the fix amounts to: overlapping waits (threads), or parallel computing (threads without the GIL, processes).
  const like: Verdict['kind'] =
    fix.kind === 'process-pool' ? 'cpu-bound-gil' : fix.computes ? 'cpu-bound-releases-gil' : 'io-bound';
  const caveats = [...mismatchCaveats(f), ...failureCaveats(f)];
  caveats.push(...samplingCaveats(f.profile));
  return {
    strategy: 'asyncio',
    workers: null,
    expectedSpeedup: standIn?.speedup ?? null,
    projected: standIn?.speedup != null ? projection(f, { ...v, kind: like }, standIn) : null,
    rationale: loopFixRationale(f, fix),
    alternatives,
    caveats,
    codeChange: fix.codeChange,
    routes: coverRoutes(f, v),
  };
}

/**
 * Why the chosen strategy fits the verdict, said of that strategy: a reason that names another
 * route's mechanism ("threads share the cores" for a process pool) would contradict the choice.
 */
export function fitReason(verdict: VerdictKind, kind: StrategyFacts['result']['kind']): string {
  const fits: Partial<Record<StrategyFacts['result']['kind'], Record<PythonVerdictKind, string>>> = {
    threads: {
      'event-loop-blocked': 'it fits because each task gets a thread of its own, so the blocking calls overlap',
      'io-bound': 'it fits because waiting threads release the GIL, so their waits overlap',
      'cpu-bound-gil': 'it fits because this interpreter has no GIL, so threads run Python in parallel',
      'cpu-bound-releases-gil':
        'it fits because the work releases the GIL, so threads share the cores without pickling',
      'lock-contention': 'it was fastest despite the lock',
      'overhead-bound': 'it was fastest despite the per-task overhead',
      'copy-bound': 'it fits because threads share the arguments in memory instead of pickling them',
      'already-parallel': 'it was fastest on top of the work that is already parallel inside each call',
      mixed: 'it fits because its threads overlap the waits, and the computing as far as the GIL allows',
    },
    processes: {
      'event-loop-blocked': 'it was fastest, though a process per worker pays start-up and pickling',
      'io-bound': 'it overlapped the waits fastest, though threads would do that without start-up or pickling',
      'cpu-bound-gil': 'it fits because separate processes each get their own GIL',
      'cpu-bound-releases-gil': 'it was fastest, though threads would avoid its start-up and pickling',
      'lock-contention': 'it was fastest despite the lock',
      'overhead-bound': 'it was fastest despite the per-task overhead',
      'copy-bound': 'it was fastest despite pickling the arguments',
      'already-parallel': 'it was fastest on top of the work that is already parallel inside each call',
      mixed: 'it fits because its processes compute in parallel while others wait',
    },
    dask: {
      'already-parallel': 'it was fastest, though each call is already parallel inside',
      'event-loop-blocked': 'it was fastest, though each task crosses the scheduler',
      'io-bound': 'it overlapped the waits fastest, though threads would do that without a scheduler',
      'cpu-bound-gil':
        'it fits because each worker is a process with its own GIL, and a cluster grows past this machine',
      'cpu-bound-releases-gil': 'it was fastest, though threads would avoid the scheduler and pickling',
      'lock-contention': 'it was fastest despite the lock',
      'overhead-bound': 'it was fastest despite the per-task overhead',
      'copy-bound': 'it was fastest despite sending the arguments',
      mixed: 'it fits because its workers compute in parallel while others wait',
    },
    subinterpreters: {
      'already-parallel': 'it was fastest, though each call is already parallel inside',
      'event-loop-blocked': 'it was fastest of those measured',
      'io-bound': 'it overlapped the waits fastest, though threads would do that without pickling',
      'cpu-bound-gil': 'it fits because each worker interpreter has its own GIL, in one process',
      'cpu-bound-releases-gil': 'it was fastest, though threads would avoid pickling',
      'lock-contention': 'it was fastest despite the lock',
      'overhead-bound': 'it was fastest despite the per-task overhead',
      'copy-bound': 'it was fastest despite pickling the arguments',
      mixed: 'it fits because its interpreters compute in parallel while others wait',
    },
    asyncio: {
      'event-loop-blocked': 'it fits because its event loop overlaps the tasks once the blocking calls are off it',
      'io-bound': 'it fits because one event loop overlaps all the waits',
      'cpu-bound-gil': 'it was fastest of those measured, though computing blocks its event loop',
      'cpu-bound-releases-gil': 'it was fastest of those measured, though computing blocks its event loop',
      'lock-contention': 'it was fastest despite the lock',
      'overhead-bound': 'it was fastest despite the per-task overhead',
      'copy-bound': 'it was fastest of those measured',
      'already-parallel': 'it was fastest of those measured',
      mixed: 'it fits because one event loop overlaps the waits',
    },
  };
  return fits[kind]?.[verdict as PythonVerdictKind] ?? 'it was fastest of those measured';
}

function rationale(f: Facts, v: Verdict, chosen: StrategyFacts | null, best: StrategyFacts | null): string {
  if (!f.serial) return 'The serial baseline failed, so no speedup could be measured; fix the error it reports first.';
  if (v.kind === 'already-parallel') return alreadyParallelRationale(f, chosen, best);
  if (!chosen) {
    if (best && best.speedup! >= SPEEDUP_MARGIN) {
      return (
        `Keep it serial: ${label(best)} reached ${speedup(best.speedup!)}, but its ` +
        `threads waited for the GIL and other programs held the cores meanwhile, ` +
        `so that gain is noise; no other strategy beat serial by the ${SPEEDUP_MARGIN}x margin.`
      );
    }
    const near = best
      ? ` The fastest correct strategy, ${label(best)}, reached ${speedup(best.speedup!)}.`
      : ' No other strategy completed with results matching serial.';
    const predicted = predictedKind(v);
    const busy =
      predicted && disturbed(f, candidates(f, v))
        ? ` The verdict (${v.label}) points to ${predicted}, but other programs held ` +
          `the cores while this ran: re-run on a quieter machine before deciding.`
        : '';
    return (
      `Keep it serial: no strategy beat serial by the ${SPEEDUP_MARGIN}x margin ` +
      `that separates a real gain from run-to-run noise on this machine.${near}${busy}`
    );
  }
  const tie = chosen !== best && best ? ` (${label(best)} reached ${speedup(best.speedup!)}, within noise)` : '';
  if (chosen.interpreter !== null) return `${interpreterRationale(f, chosen)}${tie}`;
  const curve = curveOf(f, chosen);
  const more = curve ? ` ${whyNotMore(f, chosen, curve)}` : '';
  return (
    `${label(chosen)}: ${speedup(chosen.speedup!)} faster than serial${tie}, above the ${SPEEDUP_MARGIN}x margin; ` +
    `${fitReason(v.kind, chosen.result.kind)}.${more}`
  );
}

/**
 * Whole-script mode: with what-ifs (the script created pools of its own), the measured comparison;
 * without, the script ran once and nothing was compared: the advice names the route the thread
 * states point to, unmeasured, and asks for a --function run to measure it.
 */
function recommendForScript(f: Facts, v: Verdict): Recommendation {
  const measured = recommendWhatIf(f, v);
  if (measured) return { ...measured, routes: coverRoutes(f, v) };
  const multiThreaded = f.contentionPool === f.serial && f.serial !== null;
  const strategy =
    v.kind === 'cpu-bound-gil' && multiThreaded
      ? 'free-threaded'
      : v.kind === 'cpu-bound-gil'
        ? 'native-threads'
        : (f.serial?.id ?? 'script');
  const next: Record<PythonVerdictKind, string> = {
    'event-loop-blocked':
      'synchronous calls hold up its event loop: take them off the loop (await ' +
      'asyncio.sleep, an async client, asyncio.to_thread or a process pool)',
    'io-bound': 'threads or asyncio overlap waits like these',
    'cpu-bound-gil': multiThreaded
      ? "the script's threads queue for the GIL: a free-threaded build (or processes) lets them run together"
      : 'pure-Python computing needs processes, or the hot loop in GIL-releasing native code, to use more cores',
    'cpu-bound-releases-gil': 'the work releases the GIL, so threads can share the cores',
    'lock-contention': 'a lock serialises the threads: shorten what runs under it',
    'overhead-bound': 'the units of work are too small to hand out one by one',
    'copy-bound': 'moving data between processes dominates',
    'already-parallel':
      'the script already keeps more than one core busy by itself (native pools, its own threads or ' +
      'processes): more parallelism on top would oversubscribe the cores',
    mixed: 'both waits and computing matter',
  };
  return {
    strategy,
    workers: null,
    expectedSpeedup: null,
    projected: null,
    rationale:
      `Whole-script mode ran the script once, so no strategy was compared; from ` +
      `its thread states, ${next[v.kind as PythonVerdictKind]}. Profile the hot function with --function ` +
      `to measure threads, processes and asyncio.`,
    alternatives: [],
    caveats: samplingCaveats(f.profile),
    codeChange: v.kind === 'event-loop-blocked' ? (planLoopFix(f)?.codeChange ?? null) : null,
    routes: coverRoutes(f, v),
  };
}
