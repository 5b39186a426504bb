// libuv's thread pool (crypto, zlib, fs, dns.lookup) seen in a strategy's thread samples: how many
// of its threads worked while the tasks ran, their share of the workload's CPU, and how many were
// busy at once. The engine records it as the strategy's `nativePools` entry `libuv`; the analysis
// reads the same numbers.
import { THREAD_STATES, type NativePool, type StrategyResult } from '../profile';

/** The name the harness gives libuv's pool threads (it tells them apart as the pool starts). */
export const LIBUV_THREAD_NAME = 'libuv-worker';
/** The pool counts as working when its threads were busy at least this many thread-samples per
 * tick of the task window (0.05: one pool thread busy 5% of the time); less is start-up noise. */
export const LIBUV_BUSY_MIN = 0.05;

const RUNNING = THREAD_STATES.indexOf('running');
/** On a core, queued for one, or in I/O: a pool thread doing a job (idle ones wait on a futex). */
const BUSY = new Set(
  ['running', 'runnable', 'io'].map((s) => THREAD_STATES.indexOf(s as (typeof THREAD_STATES)[number])),
);

export interface LibuvActivity {
  /** Pool threads with a busy sample while tasks ran. */
  threads: number;
  /** Their indices in the strategy's `threads`. */
  busyThreads: number[];
  /** Pool threads' running samples over all running samples of the workload's threads. */
  cpuShare: number;
  /** Mean number of pool threads busy per sampler tick while tasks ran. */
  meanBusy: number;
}

/** The tasks' window in ms: first start to last end, null without tasks. */
function taskWindow(result: StrategyResult): { start: number; end: number } | null {
  const { start, end } = result.tasks;
  if (start.length === 0) return null;
  return { start: Math.min(...start), end: Math.max(...end) };
}

export function libuvActivity(result: StrategyResult): LibuvActivity | null {
  const window = taskWindow(result);
  const pool = new Set(result.threads.flatMap((t, i) => (t.name === LIBUV_THREAD_NAME ? [i] : [])));
  if (!window || pool.size === 0) return null;
  // The sampler visits every thread once per tick: the main thread's samples count the ticks.
  const main = result.threads.findIndex((t) => t.tid === t.pid && result.processes[t.process]?.role === 'harness');
  const sampler = new Set(result.threads.flatMap((t, i) => (t.name.startsWith('V8 tick profiler') ? [i] : [])));
  let ticks = 0;
  let running = 0;
  let poolRunning = 0;
  let busy = 0;
  const busyThreads = new Set<number>();
  const s = result.samples;
  for (let i = 0; i < s.t.length; i++) {
    const t = s.t[i]!;
    if (t < window.start || t > window.end) continue;
    const thread = s.thread[i]!;
    if (thread === main) ticks++;
    if (sampler.has(thread)) continue;
    const state = s.state[i]!;
    if (state === RUNNING) running++;
    if (!pool.has(thread)) continue;
    if (state === RUNNING) poolRunning++;
    if (BUSY.has(state)) {
      busy++;
      busyThreads.add(thread);
    }
  }
  if (ticks === 0) return null;
  return {
    threads: busyThreads.size,
    busyThreads: [...busyThreads],
    cpuShare: running > 0 ? Math.round((poolRunning / running) * 1000) / 1000 : 0,
    meanBusy: Math.round((busy / ticks) * 1000) / 1000,
  };
}

/**
 * The strategy's `nativePools`: libuv's pool when it worked while the tasks ran (its threads then
 * marked `nativePool: 'libuv'`, the others null). `maxThreads` is the pool's size: the threads the
 * harness of the main process saw start.
 */
export function markNativePools(result: StrategyResult): NativePool[] {
  for (const thread of result.threads) thread.nativePool = null;
  const uv = libuvActivity(result);
  if (!uv || uv.meanBusy < LIBUV_BUSY_MIN) return [];
  for (const index of uv.busyThreads) result.threads[index]!.nativePool = 'libuv';
  const main = result.processes.findIndex((p) => p.role === 'harness');
  const size = result.threads.filter((t) => t.name === LIBUV_THREAD_NAME && t.process === main).length;
  return [{ library: 'libuv', threads: uv.threads, cpuShare: uv.cpuShare, path: null, maxThreads: size || null }];
}
