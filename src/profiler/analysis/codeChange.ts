// Copyable snippets that apply the recommended route to the user's own function.
import type { StartMethod, VerdictKind, Workload } from '../profile';
import { SMALL_TASK_SECONDS } from './rules/taskOverhead';

/** A pool's map gets this many chunks per worker for small tasks: enough to balance, few round trips. */
export const CHUNKS_PER_WORKER = 4;

export interface CodeTarget {
  kind:
    'threads' | 'processes' | 'asyncio' | 'dask' | 'subinterpreters' | 'serial' | 'free-threaded' | 'native-threads';
  workers: number;
  startMethod: StartMethod | null;
  verdict: VerdictKind;
  /** Mean serial task duration, seconds. */
  taskSeconds: number | null;
  /** Results differed from serial under some strategy: shared mutable state. */
  sharesState: boolean;
  /** The contended lock the lock recorder named: its variable and the function that held it longest. */
  lock?: { name: string | null; holder: string | null } | null;
  /** For `dask`: the scheduler of a given cluster, null for a LocalCluster on this machine. */
  scheduler?: string | null;
  /** Another interpreter the route needs (`pypy3.9`), or null for the one the user runs. */
  runWith?: { name: string; executable: string } | null;
  /** How one call is already parallel inside (native pools, its own threads or processes), if it is. */
  inner?: 'native' | 'threads' | 'children' | null;
  /** Lines that limit the native pools as the recommended `+native-N` strategy did, placed first. */
  nativeLimit?: string | null;
}

function moduleName(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.py$/, '');
}

/** The callable expression and the lines that make it available (a module-level name or Class.method). */
function callable(w: Workload): { name: string; setup: string } {
  const fn = w.function ?? 'main';
  const dot = fn.indexOf('.');
  if (dot < 0) return { name: fn, setup: '' };
  return { name: 'fn', setup: `fn = ${fn.slice(0, dot)}()${fn.slice(dot)}\n` };
}

function callsLine(w: Workload, indent: string): string {
  return w.args
    ? `${indent}calls = [a if isinstance(a, tuple) else (a,) for a in (${w.args})]  # one argument tuple per task\n`
    : `${indent}calls = [()] * ${w.tasks}  # one argument tuple per task\n`;
}

export function chunksize(t: CodeTarget, tasks: number): number {
  if (t.taskSeconds === null || t.taskSeconds >= SMALL_TASK_SECONDS) return 1;
  return Math.max(1, Math.ceil(tasks / (Math.max(1, t.workers) * CHUNKS_PER_WORKER)));
}

export function codeChange(w: Workload, t: CodeTarget): string | null {
  if (w.function === null) return null;
  const code = routeCode(w, w.function, t);
  return t.nativeLimit && code ? t.nativeLimit + code : code;
}

function routeCode(w: Workload, fn: string, t: CodeTarget): string | null {
  const mod = moduleName(w.file);
  const { name, setup } = callable(w);
  const runWith = t.runWith
    ? `# run with ${t.runWith.name} instead: ${t.runWith.executable} ${mod}.py (its packages installed for it)\n`
    : '';
  const header = `${runWith}# at the bottom of ${mod}.py (or: from ${mod} import ${fn.split('.')[0]})\n`;
  if (t.kind === 'serial' && t.runWith)
    return (
      `${header}${setup}${callsLine(w, '')}results = [${name}(*a) for a in calls] ` +
      ` # the same loop: the interpreter is the change\n`
    );
  switch (t.kind) {
    case 'processes': {
      const chunks = chunksize(t, w.tasks);
      const method = t.startMethod ?? 'fork';
      const run =
        chunks > 1 && w.args
          ? `        results = list(pool.map(${name}, *zip(*calls), chunksize=${chunks})) ` +
            ` # batches of ${chunks}: tasks are tiny\n`
          : `        results = [f.result() for f in [pool.submit(${name}, *a) for a in calls]]\n`;
      return (
        header +
        'import multiprocessing as mp\nfrom concurrent.futures import ProcessPoolExecutor\n' +
        `${setup}if __name__ == "__main__":  # required: spawn/forkserver workers re-import this file\n` +
        callsLine(w, '    ') +
        `    # "${method}" measured best (macOS, Windows: "spawn"); ${name} must be a module-level def\n` +
        `    with ProcessPoolExecutor(max_workers=${t.workers}, mp_context=mp.get_context("${method}")) as pool:\n` +
        run
      );
    }
    case 'threads':
    case 'free-threaded':
    case 'native-threads': {
      const prefix =
        t.kind === 'free-threaded'
          ? '# run with python3.13t / python3.14t (free-threaded build): threads then use every core\n'
          : t.kind === 'native-threads'
            ? '# after moving the hot loop into code that releases the GIL, e.g.:\n#   ' +
              'from numba import njit\n#   @njit(nogil=True)\n#   def kernel(...): ...\n'
            : '';
      return (
        header +
        prefix +
        'from concurrent.futures import ThreadPoolExecutor\n\n' +
        setup +
        callsLine(w, '') +
        `with ThreadPoolExecutor(max_workers=${t.workers}) as pool:\n` +
        `    results = list(pool.map(lambda a: ${name}(*a), calls))\n`
      );
    }
    case 'subinterpreters':
      return (
        header +
        "# Python 3.14+: each worker is an interpreter with its own GIL, in this process (your module's\n" +
        '# C extensions must support subinterpreters); arguments and results are pickled\n' +
        'from concurrent.futures import InterpreterPoolExecutor\n\n' +
        setup +
        callsLine(w, '') +
        `with InterpreterPoolExecutor(max_workers=${t.workers}) as pool:\n` +
        `    results = [f.result() for f in [pool.submit(${name}, *a) for a in calls]]\n`
      );
    case 'asyncio':
      return (
        header +
        'import asyncio\n\n' +
        setup +
        'async def main():\n' +
        callsLine(w, '    ') +
        `    return await asyncio.gather(*(${name}(*a) for a in calls))  # all tasks on one event loop\n\n` +
        'results = asyncio.run(main())\n'
      );
    case 'dask': {
      const connect = t.scheduler
        ? `    with Client("${t.scheduler}") as client:\n` +
          `        client.upload_file("${mod}.py")  # the workers need not have it installed\n`
        : `    with LocalCluster(n_workers=${t.workers}, threads_per_worker=1) as cluster, ` +
          'Client(cluster) as client:\n';
      return (
        header +
        `from dask.distributed import Client${t.scheduler ? '' : ', LocalCluster'}\n\n` +
        `${setup}if __name__ == "__main__":  # required: the workers start by re-importing this file\n` +
        callsLine(w, '    ') +
        connect +
        `        futures = [client.submit(${name}, *a, pure=False) for a in calls]` +
        '  # pure=False: equal calls all run\n' +
        '        results = client.gather(futures)\n'
      );
    }
    case 'serial':
      return serialAdvice(w, t, name);
  }
}

function serialAdvice(w: Workload, t: CodeTarget, name: string): string | null {
  if (t.verdict === 'already-parallel') {
    // With the pools limited (serial+native-N won), the limit above the loop is the change.
    return t.nativeLimit
      ? callsLine(w, '') + `results = [${name}(*a) for a in calls]\n`
      : alreadyParallelAdvice(w, t, name);
  }
  if (t.sharesState) {
    return (
      '# Make each task independent: return what it produces instead of changing shared state,\n' +
      '# and combine the results in the caller (then threads/processes give the same answer).\n' +
      callsLine(w, '') +
      `results = [${name}(*a) for a in calls]\n` +
      'total = combine(results)  # e.g. sum(...), a dict merge, ...\n'
    );
  }
  if (t.verdict === 'lock-contention') {
    const lock = t.lock?.name ?? 'lock';
    const holder = t.lock?.holder?.split('.').pop() ?? 'task';
    return (
      `# Hold ${lock} only around the shared update, never around slow work (I/O, sleeps, computing):\n` +
      `def ${holder}(x):\n` +
      '    value = slow_part(x)      # outside the lock: tasks overlap here\n' +
      `    with ${lock}:\n` +
      '        shared.update(value)  # short critical section\n' +
      '    return value\n'
    );
  }
  if (t.verdict === 'overhead-bound') {
    const chunks = Math.max(1, Math.ceil(w.tasks / (Math.max(2, t.workers) * CHUNKS_PER_WORKER)));
    return (
      '# Tasks this small are fastest in a plain loop. To parallelise, make each task bigger (a batch):\n' +
      `#   with ProcessPoolExecutor() as pool:\n#       results = list(pool.map(${name}, ` +
      `*zip(*calls), chunksize=${chunks}))\n` +
      callsLine(w, '') +
      `results = [${name}(*a) for a in calls]\n`
    );
  }
  return null;
}

/** Keep one call at a time: the call already uses the cores; how not to nest pools if you must. */
function alreadyParallelAdvice(w: Workload, t: CodeTarget, name: string): string {
  const calls = callsLine(w, '') + `results = [${name}(*a) for a in calls]\n`;
  if (t.inner === 'children' || t.inner === 'threads') {
    const inner = t.inner === 'children' ? 'process pool' : 'threads';
    return (
      `# ${name} already runs its own ${inner}: call it one at a time. Do not put it in another pool\n` +
      '# (workers x inner workers compete for the same cores); if an outer pool is needed, make the\n' +
      '# inner one single-worker instead (processes=1, max_workers=1, n_jobs=1).\n' +
      calls
    );
  }
  return (
    `# Each call of ${name} already uses every core (its native library's threads): call it one at a time.\n` +
    '# In a pool anyway, give each worker one native thread before numpy is imported: OMP_NUM_THREADS=1\n' +
    "# (and OPENBLAS_, MKL_, BLIS_, NUMEXPR_NUM_THREADS, VECLIB_MAXIMUM_THREADS), or threadpoolctl's\n" +
    '# threadpool_limits(1) at run time.\n' +
    calls
  );
}
