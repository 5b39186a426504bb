// already-parallel: one call already keeps more than one core busy by itself, through a native
// thread pool (OpenBLAS, MKL, OpenMP, numexpr), threads it starts, or child processes it starts. A
// pool on top of it mostly oversubscribes the cores; the calling thread's wait for its own pool's
// results is not lock contention, and what a copy or lock rule would read are side effects of it.
import { NATIVE_THREAD_VARIABLES, nativeThreadsOf } from '../../strategies';
import { percent, speedup } from '../../../shared/format';
import { label, type Facts, type StrategyFacts } from '../facts';
import { DISTURBED_LOAD } from '../margin';
import type { Helper, InsideWork } from '../inside';
import type { Finding } from './types';

/**
 * 1.3 threads on a core or queued for one, on average while serial's tasks ran. One task thread
 * alone cannot exceed 1.0: measured 1.00 for pure-Python loops, hashlib and a one-thread BLAS, and
 * 0.02-0.6 for waiting work; a multi-threaded OpenBLAS measured 1.99-2.00 on 2 cores, numexpr 1.97, a
 * multiprocessing.Pool(2) inside the function 1.69, under a load average of 18 on 2 cores (where CPU
 * seconds per wall second fell to 0.25-0.29 for all of them: why cores used is only the fallback).
 */
export const ALREADY_PARALLEL_THREADS_MIN = 1.3;
/** Without thread states: serial's CPU seconds per wall second. */
export const ALREADY_PARALLEL_CORES_MIN = 1.3;
/** A helper kind named in the evidence: at least this share of the task window's CPU. */
export const HELPER_SHARE_MIN = 0.1;
/** Score multiplier without thread states (CPU seconds alone cannot say who did the work). */
export const NO_STATES_FACTOR = 0.7;
/**
 * Task threads queued for a core at least this share of their on-CPU samples, with other programs
 * below DISTURBED_LOAD, is oversubscription by the workload itself even when no extra thread was counted.
 */
export const RUN_QUEUE_SHARE_MIN = 0.2;

const HELPER_WORDS: Record<Helper, string> = {
  native: 'native thread pools',
  threads: 'threads it starts',
  children: 'child processes it starts',
};

/** Which of the three ways of being parallel inside did most of the helpers' work. */
export function mainHelper(work: InsideWork): Helper | null {
  const ranked = (Object.keys(work.helpers) as Helper[]).sort((a, b) => work.helpers[b] - work.helpers[a]);
  return work.helpers[ranked[0]!] > 0 ? ranked[0]! : null;
}

function helperLines(f: Facts, work: InsideWork): string[] {
  const lines: string[] = [];
  const share = (n: number): number => (work.running > 0 ? n / work.running : 0);
  for (const pool of f.serial?.result.nativePools ?? []) {
    if (pool.cpuShare < HELPER_SHARE_MIN) continue;
    const file = pool.path ? ` (${pool.path.split('/').pop()})` : '';
    const limit = pool.maxThreads !== null ? `; threadpoolctl reports a limit of ${pool.maxThreads} per process` : '';
    lines.push(
      `${pool.library}${file}: ${pool.threads} pool thread(s) beside the calling thread did ` +
        `${percent(pool.cpuShare)} of the CPU${limit}.`,
    );
  }
  if (share(work.helpers.threads) >= HELPER_SHARE_MIN) {
    const names = work.threadNames.slice(0, 4).join(', ') + (work.threadNames.length > 4 ? ', ...' : '');
    lines.push(
      `${work.busyHelpers.threads} thread(s) the function started (${names}) did ` +
        `${percent(share(work.helpers.threads))} of the CPU.`,
    );
  }
  if (share(work.helpers.children) >= HELPER_SHARE_MIN) {
    const programs = work.childPrograms.length > 0 ? `, running ${work.childPrograms.join(', ')}` : '';
    lines.push(
      `${work.childProcesses} child process(es) the function started${programs} did ` +
        `${percent(share(work.helpers.children))} of the CPU.`,
    );
  }
  const lock = f.serial?.states?.lock ?? 0;
  if (lock >= 0.3)
    lines.push(
      `The calling thread waited ${percent(lock)} of its samples on a lock or condition: the results of its own ` +
        'pool, not contention with other tasks.',
    );
  return lines;
}

/** What the pool strategies measured on top of the inner parallelism. */
function poolLines(f: Facts): string[] {
  const pools = f.all.filter((s) => s.result.kind !== 'serial' && s.result.kind !== 'script' && s.speedup !== null);
  const plain = pools.filter((s) => nativeThreadsOf(s.id) === null);
  const limited = pools.filter((s) => nativeThreadsOf(s.id) !== null);
  const list = (ss: StrategyFacts[]): string => ss.map((s) => `${label(s)} ${speedup(s.speedup!)}`).join(', ');
  const lines: string[] = [];
  if (plain.length > 0) lines.push(`Pools on top of it: ${list(plain)}.`);
  const native1 = f.all.find((s) => s.result.kind === 'serial' && nativeThreadsOf(s.id) !== null);
  if (limited.length > 0 || native1?.speedup != null) {
    const own =
      native1?.speedup != null && native1.speedup > 0
        ? ` ${label(native1)} ${speedup(native1.speedup)}: serial on the native pools ran ` +
          `${speedup(1 / native1.speedup)} the speed of one native thread.`
        : '';
    lines.push(`${limited.length > 0 ? `With one native thread per worker: ${list(limited)}.` : ''}${own}`.trim());
  }
  return lines;
}

export interface Oversubscription {
  strategy: StrategyFacts;
  /** "threads x2: 3 threads used CPU (2 task threads + 1 openblas thread), 2.2 wanted a core at once, ..." */
  text: string;
}

/**
 * Strategies where workers x helper threads wanted more cores than there are, or whose task threads
 * queued for a core while other programs left the cores alone, each with its figures.
 */
export function oversubscribed(f: Facts): Oversubscription[] {
  const out: Oversubscription[] = [];
  for (const s of f.all) {
    if (s.result.status !== 'ok') continue;
    const work = f.inside(s);
    if (!work) continue;
    const helpers = work.busyHelpers.native + work.busyHelpers.threads + work.busyHelpers.children;
    const st = s.states;
    const queued = st && st.cpu > 0 ? st.runnable / st.cpu : 0;
    const quiet = s.externalLoad !== null && s.externalLoad <= DISTURBED_LOAD;
    const crowded = helpers > 0 && work.busyThreads > f.logicalCores;
    if (!crowded && !(helpers > 0 && quiet && queued >= RUN_QUEUE_SHARE_MIN)) continue;
    const parts: string[] = [];
    if (work.busyCallers > 0) parts.push(`${work.busyCallers} task`);
    for (const [library, n] of Object.entries(work.nativeThreads)) parts.push(`${n} ${library}`);
    if (work.busyHelpers.threads > 0) parts.push(`${work.busyHelpers.threads} started by the tasks`);
    if (work.busyHelpers.children > 0) parts.push(`${work.busyHelpers.children} in child processes`);
    out.push({
      strategy: s,
      text:
        `${label(s)}: ${work.busyThreads} threads on CPU (${parts.join(', ')}), ` +
        `${work.threadsWanted.toFixed(1)} wanting a core at once, task threads queued ${percent(queued)}`,
    });
  }
  return out;
}

/** One sentence with every oversubscribed strategy's figures, or null: for the evidence and the caveats. */
export function oversubscription(f: Facts): string | null {
  const found = oversubscribed(f);
  if (found.length === 0) return null;
  const load =
    f.externalLoad !== null && f.externalLoad > DISTURBED_LOAD
      ? ` (other programs also held ${percent(f.externalLoad)} of the cores during serial)`
      : '';
  return (
    `Oversubscribed: workers x their native or inner threads wanted more than the ${f.logicalCores} cores` +
    `${load}: ${found.map((o) => o.text).join('; ')}.`
  );
}

export function alreadyParallel(f: Facts): Finding | null {
  const serial = f.serial;
  if (!serial) return null;
  const work = f.inside(serial);
  const cores = serial.coresUsed;
  const byStates = !!work && work.ticks > 0 && f.profile.sampling.threadStates === 'proc';
  const wanted = byStates ? work.threadsWanted : null;
  if (
    wanted !== null ? wanted < ALREADY_PARALLEL_THREADS_MIN : !(cores !== null && cores >= ALREADY_PARALLEL_CORES_MIN)
  )
    return null;
  const helper = work ? mainHelper(work) : null;
  const evidence: string[] = [];
  const how = helper ? ` through ${HELPER_WORDS[helper]}` : '';
  const cpuTime = cores !== null ? `; CPU time ${cores.toFixed(2)} cores per second` : '';
  evidence.push(
    wanted !== null
      ? `serial: one call at a time kept ${wanted.toFixed(1)} threads on a core or queued for one, on average ` +
          `(${f.logicalCores} cores)${cpuTime}: each call is already parallel inside${how}.`
      : `serial kept ${cores!.toFixed(2)} cores busy by CPU time with one call at a time: each call is already ` +
          'parallel inside (thread states were unavailable to say how).',
  );
  if (work) evidence.push(...helperLines(f, work));
  evidence.push(...poolLines(f));
  const crowded = oversubscription(f);
  if (crowded) evidence.push(crowded);
  const extra = wanted !== null ? wanted - 1 : cores! - 1;
  const score = Math.min(1, 0.5 + extra / 2) * (byStates ? 1 : NO_STATES_FACTOR);
  return { rule: 'alreadyParallel', kind: 'already-parallel', score, evidence };
}

/** "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 ...": the variables a `+native-N` run set. */
export function nativeVariables(threads: number): string {
  return NATIVE_THREAD_VARIABLES.map((v) => `${v}=${threads}`).join(' ');
}
