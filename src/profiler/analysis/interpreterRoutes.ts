// The interpreter routes of recommendation.routes (free-threaded CPython, another interpreter such
// as PyPy or another CPython version, subinterpreters): measured where the run had such an
// interpreter (`--interpreters`, or found by default), else an honest "not measured here, because"
// none was found, the run did not look, or the module does not import there, with what to install.
import { speedup } from '../../shared/format';
import { condenseError } from '../interpreters';
import type { InterpreterInfo, Verdict } from '../profile';
import { arrayEvidence } from './arrays';
import { label, type Facts, type StrategyFacts } from './facts';
import { ownScaling } from './interpreterChoice';
import type { Draft } from './routes';

function cpuGil(v: Verdict): boolean {
  return v.kind === 'cpu-bound-gil' || (v.kind === 'mixed' && v.shares?.['cpu-bound-gil'] !== undefined);
}

/** GIL-bound pure Python: what the interpreter routes address. */
function gilBound(v: Verdict): boolean {
  return cpuGil(v) && v.kind !== 'overhead-bound';
}

const others = (f: Facts, keep: (i: InterpreterInfo) => boolean): InterpreterInfo[] =>
  [...f.interpreters.values()].filter((i) => !i.main && keep(i));

/** The strategies that measured free-threading: threads on a main interpreter without a GIL, or any
 * run on a free-threaded build. */
export function freeThreadedRuns(f: Facts): StrategyFacts[] {
  const mainFree = f.python.freeThreaded;
  return f.all.filter((s) =>
    s.interpreter === null
      ? mainFree && s.result.kind === 'threads'
      : (f.interpreters.get(s.interpreter)?.freeThreaded ?? false),
  );
}

/** The strategies that measured another interpreter (PyPy, another CPython version). */
export function otherInterpreterRuns(f: Facts): StrategyFacts[] {
  const mainOther = f.python.implementation !== 'CPython';
  return f.all.filter((s) =>
    s.interpreter === null ? mainOther : !(f.interpreters.get(s.interpreter)?.freeThreaded ?? false),
  );
}

/** "serial@pypy3.9 9.00x, threads@pypy3.9 x2 8.50x (0.94x over its own serial)". */
function figures(f: Facts, runs: StrategyFacts[]): string {
  return runs
    .map((s) => {
      if (s.speedup === null) return `${label(s)} ${s.result.status}`;
      const own = s.result.kind === 'serial' || s.interpreter === null ? null : ownScaling(f, s);
      const differs = s.result.resultsMatchBaseline === false ? ', results differ' : '';
      const scaled = own !== null ? ` (${speedup(own)} over its own serial)` : '';
      return `${label(s)} ${speedup(s.speedup)}${scaled}${differs}`;
    })
    .join(', ');
}

function mainName(f: Facts): string {
  const py = f.python;
  return f.interpreters.get(null)?.name ?? `${py.implementation} ${py.version}`;
}

/** Why none of `what` ran: none was found, or the run did not look. */
function notFound(f: Facts, what: string): string {
  const py = f.python;
  switch (f.profile.settings.interpreterSearch) {
    case 'off':
      return (
        'this run did not look for other interpreters (a --strategies list without ' +
        '--interpreters, or --interpreters without auto)'
      );
    case 'default':
    case 'auto':
      return `no ${what} was found on PATH or in pyenv, uv or conda folders`;
    default: // a profile from before interpreters were measured
      return `this run used only ${py.implementation} ${py.version}`;
  }
}

/** When the module did not import there: the short reason and what to do. */
function importFailure(infos: InterpreterInfo[], runs: StrategyFacts[]): { reason: string; detail: string } | null {
  const broken = infos.find((i) => i.importError);
  if (!broken) {
    const failed = runs.find((s) => s.result.status !== 'ok');
    return failed
      ? {
          reason: `${failed.id} ${failed.result.status}`,
          detail: `${failed.id} ${failed.result.status}: ${failed.result.error ?? ''}`,
        }
      : null;
  }
  return {
    reason: `the module does not import in ${broken.name}`,
    detail:
      `the module does not import in ${broken.name} (${condenseError(broken.importError!)}): ` +
      `install its packages for that interpreter (${broken.executable} -m pip install ` +
      `...) and rerun`,
  };
}

export function freeThreadedRoute(f: Facts, v: Verdict): Draft {
  const py = f.python;
  const runs = freeThreadedRuns(f);
  const builds = others(f, (i) => i.freeThreaded);
  if (runs.length > 0 && runs.some((s) => s.result.status === 'ok')) {
    if (py.freeThreaded && runs.every((s) => s.interpreter === null)) {
      const reason = `${py.implementation} ${py.version} has no GIL: the threads ran free of it`;
      return {
        fits: gilBound(v) || v.kind === 'cpu-bound-releases-gil',
        reason,
        detail: `Measured: ${figures(f, runs)}; ${reason}.`,
        strategies: runs,
      };
    }
    const reenabled = builds.filter((i) => i.gil);
    const reason = reenabled.length
      ? `${reenabled.map((i) => i.name).join(', ')} turned its GIL back on at import`
      : 'its threads are judged on their own scaling: no GIL there';
    const detail =
      `Measured: ${figures(f, runs)} against serial on ${mainName(f)}.` +
      (reenabled.length
        ? ` ${reenabled.map((i) => i.name).join(', ')} turned its GIL back on when ` +
          `your module was imported (an extension module without free-threading support), ` +
          `so its threads share one GIL.`
        : ' Its thread states show no GIL waits (there is none): futex waits there count as lock waits.');
    return { fits: gilBound(v) && reenabled.length === 0, reason, detail, strategies: runs };
  }
  if (!gilBound(v)) {
    const reason = 'the GIL is not what limits this work';
    return {
      fits: false,
      reason,
      detail: `Free-threaded CPython (3.13t, 3.14t): not relevant, because ${reason}.`,
      strategies: [],
    };
  }
  const failed = importFailure(builds, runs);
  const because = failed?.detail ?? notFound(f, 'free-threaded build (python3.13t, python3.14t)');
  return {
    fits: true,
    reason: failed?.reason ?? 'python3.13t/3.14t runs Python threads without a GIL',
    strategies: [],
    detail:
      `Not measured here, because ${because}. Pure-Python threads run on all cores there (about what processes ` +
      'reached, without pickling); single-threaded code runs somewhat slower and C extensions must support it. ' +
      'Once installed it is measured by default.',
  };
}

export function interpreterRoute(f: Facts, v: Verdict): Draft {
  const py = f.python;
  const runs = otherInterpreterRuns(f);
  const infos = others(f, (i) => !i.freeThreaded);
  if (runs.length > 0 && runs.some((s) => s.result.status === 'ok')) {
    if (runs.every((s) => s.interpreter === null)) {
      const reason = `this run used ${py.implementation} ${py.version}`;
      return { fits: gilBound(v), reason, detail: `Measured: ${figures(f, runs)}; ${reason}.`, strategies: runs };
    }
    const pypy = infos.some((i) => i.implementation === 'PyPy');
    const best = runs.filter((s) => s.usable && s.speedup !== null).sort((a, b) => b.speedup! - a.speedup!)[0];
    const reason = best
      ? `${label(best)} ${speedup(best.speedup)} against serial on ${mainName(f)}`
      : 'measured on another interpreter';
    const detail =
      `Measured: ${figures(f, runs)} against serial on ${mainName(f)}.` +
      (pypy ? " PyPy's JIT speeds up pure-Python loops; it still has a GIL, so its threads do not add cores." : '');
    return { fits: gilBound(v), reason, detail, strategies: runs };
  }
  const arrays = arrayEvidence(f.profile) !== null;
  const failed = importFailure(infos, runs);
  if (!gilBound(v) || arrays) {
    const reason = arrays
      ? 'PyPy does not speed up numpy-style C extensions'
      : 'the time is not spent running Python bytecode';
    return {
      fits: false,
      reason,
      detail: `PyPy: not relevant, because ${reason}${failed ? ` (and ${failed.detail})` : ''}.`,
      strategies: [],
    };
  }
  return {
    fits: true,
    reason: failed?.reason ?? "PyPy's JIT often runs pure-Python loops much faster",
    strategies: [],
    detail:
      `Not measured here, because ${failed?.detail ?? notFound(f, 'PyPy')}. PyPy's JIT often runs pure-Python ` +
      'loops several times faster in one thread; it still has a GIL, so combine it with processes for more ' +
      'cores. Once installed it is measured by default (or name it: --interpreters pypy3).',
  };
}

export function subinterpretersRoute(f: Facts, v: Verdict): Draft {
  const runs = f.all.filter((s) => s.result.kind === 'subinterpreters' && s.result.status !== 'skipped');
  if (runs.length > 0) {
    const reason = 'each worker interpreter has its own GIL';
    const before314 = runs.filter((s) => olderThan(versionOf(f, s), 3, 14));
    const privateApi =
      before314.length > 0
        ? ` ${before314.map((s) => `${label(s)} ran on ${privateModule(f, s)}`).join(', ')} (one isolated ` +
          "interpreter per worker thread); in your code, Python 3.14's concurrent.futures.InterpreterPoolExecutor " +
          'is the supported way.'
        : '';
    return {
      fits: gilBound(v),
      reason,
      detail:
        `Measured: ${figures(f, runs)}; ${reason}, in one process; arguments and ` +
        `results are pickled between them, and C extensions must support subinterpreters.${privateApi}`,
      strategies: runs,
    };
  }
  if (!gilBound(v)) {
    const reason = 'the GIL is not what limits this work';
    return { fits: false, reason, detail: `Subinterpreters: not relevant, because ${reason}.` };
  }
  const newest = [...f.interpreters.values()]
    .map((i) => i.version)
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))[0];
  const found =
    f.profile.settings.interpreterSearch === 'auto' ? 'no 3.12 or newer was found' : 'this run did not look for one';
  return {
    fits: true,
    reason: "Python 3.14's InterpreterPoolExecutor: a GIL per worker",
    detail:
      "Not measured here, because one GIL per interpreter needs Python 3.14's " +
      'concurrent.futures.InterpreterPoolExecutor (or the private modules of 3.12 and 3.13, which the profiler can ' +
      `measure) and ${found} (the newest interpreter of this run is ` +
      `${newest ?? f.python.version}); like processes it avoids the shared GIL, with cheaper ` +
      'start-up but the same pickling of arguments.',
  };
}

/** The private module a run before 3.14 used: 3.13's _interpreters, 3.12's _xxsubinterpreters. */
function privateModule(f: Facts, s: StrategyFacts): string {
  return olderThan(versionOf(f, s), 3, 13)
    ? "3.12's private _xxsubinterpreters module"
    : "3.13's private _interpreters module";
}

/** The version of the interpreter a run used. */
function versionOf(f: Facts, s: StrategyFacts): string {
  return f.interpreters.get(s.interpreter)?.version ?? (s.interpreter === null ? f.python.version : '');
}

/** Whether a version string ("3.13.0") is below major.minor; false when unknown. */
function olderThan(version: string | undefined, major: number, minor: number): boolean {
  const [a, b] = (version ?? '').split('.').map(Number);
  return a !== undefined && b !== undefined && !Number.isNaN(b) && (a < major || (a === major && b < minor));
}
