// Native thread pools of one strategy's run: threads of the task processes that Python did not
// start and that used CPU while tasks ran, grouped by the library they belong to. Detection keys on
// those threads' own running samples, never on how many cores the run kept busy, so it holds on a
// machine busy with other programs.
import {
  NATIVE_LIBRARIES,
  THREAD_STATES,
  type NativeLibrary,
  type NativePool,
  type Samples,
  type ThreadInfo,
} from './profile';
import { libraryOfPath } from './sampler/nativeThreads';
import type { NativeReport } from './traces';

/**
 * 2 running samples (10 ms at 200 Hz) inside the task window: one sample can be a thread that woke
 * once (a library's housekeeping), two mean it ran more than once while tasks ran.
 */
export const MIN_POOL_RUNNING_SAMPLES = 2;

const RUNNING = THREAD_STATES.indexOf('running');

export interface PoolInput {
  threads: ThreadInfo[];
  /** Per thread (same order): the library the sampler read from its name or stack, if any. */
  seen: { library: NativeLibrary | null; path: string | null }[];
  samples: Samples;
  /** Per task process (pid): first task start to last task end, ms. */
  windows: Map<number, { start: number; end: number }>;
  /** Threads Python started (threading.enumerate), the task threads and each process's main thread. */
  pythonTids: Set<number>;
  /** The recorder's own sampler threads: not the workload's CPU. */
  samplerTids: Set<number>;
  reports: Map<number, NativeReport>;
}

interface Candidate {
  library: NativeLibrary;
  path: string | null;
  maxThreads: number | null;
}

/** Pool libraries a process had loaded (threadpoolctl's view where there is one, and its maps). */
function loadedPools(report: NativeReport | undefined): Candidate[] {
  if (!report) return [];
  const found = new Map<NativeLibrary, Candidate>();
  for (const pool of report.threadpoolctl ?? []) {
    const library = NATIVE_LIBRARIES.find((name) => name === pool.api) ?? (pool.path ? libraryOfPath(pool.path) : null);
    if (library && library !== 'unknown')
      found.set(library, { library, path: pool.path, maxThreads: pool.threads ?? null });
  }
  for (const path of report.objects) {
    const library = libraryOfPath(path);
    if (library && !found.has(library)) found.set(library, { library, path, maxThreads: null });
  }
  return [...found.values()];
}

/**
 * The pools, largest CPU share first; sets `nativePool` on each pool thread. A thread whose stack
 * the sampler never caught asleep is given its process's one loaded pool library that no other
 * thread's stack already named (a busy OpenBLAS thread spins between calls and is never asleep);
 * with several left it is `unknown`.
 */
export function findNativePools(input: PoolInput): NativePool[] {
  const { threads, samples, windows } = input;
  const running = new Array<number>(threads.length).fill(0);
  let total = 0;
  for (let i = 0; i < samples.t.length; i++) {
    if (samples.state[i] !== RUNNING) continue;
    const thread = threads[samples.thread[i]!]!;
    const window = windows.get(thread.pid);
    if (!window || samples.t[i]! < window.start || samples.t[i]! > window.end) continue;
    if (input.samplerTids.has(thread.tid)) continue;
    running[samples.thread[i]!]!++;
    total++;
  }
  const poolThreads = threads
    .map((thread, index) => index)
    .filter((index) => !input.pythonTids.has(threads[index]!.tid) && running[index]! >= MIN_POOL_RUNNING_SAMPLES);

  const named = new Map<number, Set<NativeLibrary>>(); // pid -> libraries named by stacks
  for (const index of poolThreads) {
    const library = input.seen[index]?.library;
    if (library && library !== 'unknown') {
      const set = named.get(threads[index]!.pid) ?? new Set();
      set.add(library);
      named.set(threads[index]!.pid, set);
    }
  }
  const anyReport = [...input.reports.values()][0];
  const pools = new Map<NativeLibrary, NativePool & { running: number }>();
  for (const index of poolThreads) {
    const thread = threads[index]!;
    const loaded = loadedPools(input.reports.get(thread.pid) ?? anyReport);
    let library = input.seen[index]?.library ?? null;
    let path = input.seen[index]?.path ?? null;
    if (library === null || library === 'unknown') {
      const taken = named.get(thread.pid) ?? new Set();
      // A library threadpoolctl says runs one thread has no pool threads to give.
      const left = loaded.filter((c) => !taken.has(c.library) && (c.maxThreads === null || c.maxThreads > 1));
      if (left.length === 1) {
        library = left[0]!.library;
        path = left[0]!.path;
      } else library = 'unknown';
    }
    thread.nativePool = library;
    const pool = pools.get(library) ?? {
      library,
      threads: 0,
      cpuShare: 0,
      path,
      maxThreads: loaded.find((c) => c.library === library)?.maxThreads ?? null,
      running: 0,
    };
    pool.threads++;
    pool.running += running[index]!;
    pool.path ??= path;
    pools.set(library, pool);
  }
  return [...pools.values()]
    .map(({ running: poolRunning, ...pool }) => ({ ...pool, cpuShare: round(total > 0 ? poolRunning / total : 0) }))
    .sort((a, b) => b.cpuShare - a.cpuShare);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
