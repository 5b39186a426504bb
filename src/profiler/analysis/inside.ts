// Who did the CPU work of one strategy while its tasks ran: the task threads themselves, native
// thread pools (OpenBLAS, numexpr, ...), Python threads the tasks started, or child processes they
// started. One pass over the strategy's samples; the already-parallel rule and the oversubscription
// figures read it.
import { THREAD_STATES, type NativeLibrary, type StrategyResult } from '../profile';

/** Names of the profiler's own threads in the workload's processes (the recorder's sampler, the
 * harness's lifeline watcher): not the workload. */
export const PROFILER_THREAD_PREFIX = 'concurrency-profiler-';
/** A thread with fewer running samples in the task window did not take part in the work. */
export const BUSY_THREAD_MIN_SAMPLES = 2;

const RUNNING = THREAD_STATES.indexOf('running');
const RUNNABLE = THREAD_STATES.indexOf('runnable');
const GIL_WAIT = THREAD_STATES.indexOf('gilWait');

export type Helper = 'native' | 'threads' | 'children';

export interface InsideWork {
  /**
   * Mean number of the workload's threads on a core or queued for one, per sampler tick in the task
   * window; a process's Python threads that take turns under its GIL count as fewer (pythonWanted).
   */
  threadsWanted: number;
  ticks: number;
  /** Running samples in the task window: all of the workload's, the task threads', and each helper kind's. */
  running: number;
  callers: number;
  helpers: Record<Helper, number>;
  /** Threads that used CPU in the window (>= BUSY_THREAD_MIN_SAMPLES running samples): all, and per kind. */
  busyThreads: number;
  busyCallers: number;
  busyHelpers: Record<Helper, number>;
  /** Names of the busy Python threads the tasks started; busy child processes and their programs
   * (empty for copies of the interpreter forked by multiprocessing). */
  threadNames: string[];
  childProcesses: number;
  childPrograms: string[];
  /** Busy native threads per library. */
  nativeThreads: Partial<Record<NativeLibrary, number>>;
}

/**
 * What a thread is to the strategy's tasks: a task thread ('caller'), a helper, or neither (null:
 * the profiler's own threads, and the coordinating threads of a pool: the harness's main thread that
 * hands tasks to workers, a process pool's queue threads). Helpers are native pool threads, other
 * threads of a process that ran tasks, and threads of child processes started from one.
 */
function kindsOf(s: StrategyResult): (Helper | 'caller' | null)[] {
  const callers = new Set(s.tasks.thread.filter((t) => t >= 0));
  const taskPids = new Set([...callers].map((t) => s.threads[t]?.pid));
  const parent = new Map(s.processes.map((p) => [p.pid, p.ppid]));
  const underTask = (pid: number): boolean => {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && depth < 64; p = parent.get(p), depth++)
      if (taskPids.has(p)) return true;
    return false;
  };
  return s.threads.map((t, i) => {
    if (t.name.startsWith(PROFILER_THREAD_PREFIX)) return null;
    if (callers.has(i)) return 'caller';
    if (t.nativePool !== null) return 'native';
    if (s.processes[t.process]?.role === 'child') return underTask(t.pid) ? 'children' : null;
    return taskPids.has(t.pid) && t.tid !== t.pid ? 'threads' : null;
  });
}

/** One process's Python threads (task threads and the threads they started) in the task window. */
interface PythonThreadsWanting {
  /** Samples on a core or queued for one, and the ticks with at least one of those. */
  wanting: number;
  ticks: number;
  lastTick: number;
  /** Samples waiting for the GIL, and samples on a core. */
  gilWait: number;
  running: number;
}

/**
 * What a process's Python threads add to threadsWanted, summed over ticks. Under a GIL they take
 * turns, and besides the one holding it a queued thread was mostly woken to contend for it (or
 * preempted holding it); on a busy machine such threads queue for a core for long, and a GIL-bound
 * script running its own threads was once called "already parallel" counting them all. So at a tick
 * the first wanting thread counts whole and each further one by `gilFree`: their GIL waits against
 * their time on a core, 1 without a GIL or in GIL-free native code, near 0 when they fight over it
 * (a busy machine, which preempts the holder, only lowers it further).
 */
function pythonWanted(p: PythonThreadsWanting): number {
  const gilFree = p.gilWait + p.running > 0 ? p.running / (p.gilWait + p.running) : 1;
  return p.ticks + (p.wanting - p.ticks) * gilFree;
}

/** The work split of one strategy's task window (first task start to last task end); null without samples. */
export function insideWork(s: StrategyResult): InsideWork | null {
  const { start, end } = s.tasks;
  if (start.length === 0 || s.samples.t.length === 0) return null;
  const from = Math.min(...start);
  const to = Math.max(...end);
  const kinds = kindsOf(s);
  const running = new Array<number>(s.threads.length).fill(0);
  // Samples come tick by tick, so a new time is a new tick; out of order, they are counted again.
  let ticks = 0;
  let lastTick = NaN;
  let inOrder = true;
  // Each Python thread's process record, looked up once per thread rather than per sample.
  const byPid = new Map<number, PythonThreadsWanting>();
  const pythonOf = s.threads.map((t, i) => {
    if (kinds[i] !== 'caller' && kinds[i] !== 'threads') return null;
    let p = byPid.get(t.pid);
    if (!p) byPid.set(t.pid, (p = { wanting: 0, ticks: 0, lastTick: NaN, gilWait: 0, running: 0 }));
    return p;
  });
  let wanted = 0;
  for (let i = 0; i < s.samples.t.length; i++) {
    const t = s.samples.t[i]!;
    if (t < from || t > to) continue;
    if (t !== lastTick) {
      if (t < lastTick) inOrder = false;
      ticks++;
      lastTick = t;
    }
    const thread = s.samples.thread[i]!;
    const kind = kinds[thread];
    if (kind === null || kind === undefined) continue;
    const state = s.samples.state[i];
    if (state === RUNNING) running[thread]!++;
    const wants = state === RUNNING || state === RUNNABLE;
    const p = pythonOf[thread];
    if (!p) {
      if (wants) wanted++;
      continue;
    }
    if (wants) {
      p.wanting++;
      // Out of order, ticks count more often here, which only weakens the discount.
      if (t !== p.lastTick) p.ticks++;
      p.lastTick = t;
    }
    if (state === RUNNING) p.running++;
    if (state === GIL_WAIT) p.gilWait++;
  }
  for (const p of byPid.values()) wanted += pythonWanted(p);
  if (!inOrder) ticks = distinctTimes(s.samples.t, from, to);
  const work: InsideWork = {
    threadsWanted: ticks > 0 ? wanted / ticks : 0,
    ticks,
    running: 0,
    callers: 0,
    helpers: { native: 0, threads: 0, children: 0 },
    busyThreads: 0,
    busyCallers: 0,
    busyHelpers: { native: 0, threads: 0, children: 0 },
    threadNames: [],
    childProcesses: 0,
    childPrograms: [],
    nativeThreads: {},
  };
  const childPids = new Set<number>();
  running.forEach((count, i) => {
    const kind = kinds[i];
    if (kind === null || kind === undefined) return;
    work.running += count;
    const busy = count >= BUSY_THREAD_MIN_SAMPLES;
    if (busy) work.busyThreads++;
    if (kind === 'caller') {
      work.callers += count;
      if (busy) work.busyCallers++;
      return;
    }
    work.helpers[kind] += count;
    if (!busy) return;
    work.busyHelpers[kind]++;
    const t = s.threads[i]!;
    if (kind === 'native') work.nativeThreads[t.nativePool!] = (work.nativeThreads[t.nativePool!] ?? 0) + 1;
    else if (kind === 'threads') work.threadNames.push(t.name);
    else {
      childPids.add(t.pid);
      const program = programOf(s.processes[t.process]?.command ?? '');
      if (program && !work.childPrograms.includes(program)) work.childPrograms.push(program);
    }
  });
  work.childProcesses = childPids.size;
  return work;
}

function distinctTimes(t: ArrayLike<number>, from: number, to: number): number {
  const seen = new Set<number>();
  for (let i = 0; i < t.length; i++) if (t[i]! >= from && t[i]! <= to) seen.add(t[i]!);
  return seen.size;
}

/** The program a child runs, or null for a copy of the profiled interpreter (multiprocessing). */
function programOf(command: string): string | null {
  if (command.includes('cp_harness.py') || command.includes('multiprocessing')) return null;
  const argv0 = command.split(' ')[0] ?? '';
  return argv0.split('/').pop() || null;
}
