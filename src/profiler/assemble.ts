// Joins what one strategy's run produced (the harness's result, the /proc samples, the Python
// traces) into the profile's StrategyResult: thread states while tasks ran, stacks placed on
// cores, per-core series.
import { findNativePools } from './nativePools';
import { lockTable, taskThreadMs } from './locks';
import { loopBlocks, loopLag } from './loopBlocks';
import { SAMPLES_PER_STRATEGY } from './caps';
import type { CoreSampler } from './sampler/coreSampler';
import { sourceLineReader } from './sourceLines';
import { gilRange, type AddressRange } from './sampler/syscalls';
import type { ThreadSampler } from './sampler/threadSampler';
import { NATIVE_THREAD_VARIABLES, type StrategySpec } from './strategies';
import type { TraceData } from './traces';
import {
  THREAD_STATES,
  type ClusterInfo,
  type CoreSeries,
  type ErrorDetail,
  type FirstDifference,
  type NativePool,
  type LeftProcess,
  type ResultsComparison,
  type ProcessCosts,
  type ProcessInfo,
  type SamplerHeldUp,
  type ScriptPool,
  type Samples,
  type StackSamplerStats,
  type StrategyResult,
  type StrategyKind,
  type StrategyStatus,
  type TaskSpans,
  type ThreadInfo,
  type ThreadStateFractions,
} from './profile';

/** What cp_harness.py writes to its result file. */
export interface HarnessResult {
  /** timeout, cancelled: a Dask run on a given cluster stopped itself (its futures cancelled). */
  status: 'ok' | 'failed' | 'usage' | 'skipped' | 'timeout' | 'cancelled';
  error: ErrorDetail | null;
  harnessStartNs: number;
  cluster?: ClusterInfo;
  importStartNs?: number;
  importEndNs?: number;
  taskStartNs?: number;
  taskEndNs?: number;
  endNs: number;
  tasks?: number;
  isAsync?: boolean;
  available?: string[];
  cpuSeconds?: { user: number; system: number };
  pickledBytesSent?: number[];
  pickledBytesReceived?: number[];
  resultsMatchBaseline?: boolean | null;
  firstDifference?: FirstDifference | null;
  /** How the module was imported (cp_harness.decide): recorded before the user's code ran. */
  import?: {
    imported: string | null;
    fileNote: string | null;
    sysPathAdded: string[];
    sysPathAppended: string | null;
  };
  resultsTolerance?: number | null;
  /** `+native-N`: whether threadpoolctl's limit applied too. */
  threadpoolctlLimit?: boolean;
  /** Seconds the harness waited before the clock for native threads to stop spinning. */
  settleSeconds?: number;
  resultsComparison?: ResultsComparison;
  resultsNote?: string | null;
  /** How this process consumed results: 'generator', 'async generator'. */
  consumed?: string[];
  /** Processes the workload left running when its tasks were done, killed by the harness. */
  leftBehind?: LeftProcess[];
  /** What the harness cut (exception text past its cap). */
  capped?: string[];
  /** Whole-script mode: the script's exit code (its SystemExit code; 1 when it raised). */
  exitCode?: number;
  /** Whole-script mode: the pools the script's own code created. */
  pools?: ScriptPool[];
  /** Installed packages the workload imported (cp_harness.installed_packages). */
  packages?: string[];
}

export interface RunRecord {
  spec: StrategySpec;
  /** The profiled file and function (null for a whole script). */
  workload: { file: string; function: string | null };
  t0: bigint;
  endedMs: number;
  status: StrategyStatus;
  error: string | null;
  errorDetail: ErrorDetail | null;
  harness: HarnessResult | null;
  traces: TraceData;
  threadSampler: ThreadSampler | null;
  coreSampler: CoreSampler;
  gilOffsets: number[] | null;
  /** Threads of the runtime itself (Node's platform and libuv pool threads), by name: in whole-script
   * mode they are not the script's task threads. */
  isRuntimeThread?: (name: string) => boolean;
  /** How far (ms) a stack sample may be from a /proc sample it is joined to; STACK_JOIN_WINDOW_MS by default. */
  stackJoinWindowMs?: number;
  output: { stdout: string; stderr: string; truncatedBytes: number };
  leftBehind: LeftProcess[];
}

/** Strategies whose tasks go to workers that are sent arguments and return results by copy. */
const POOL_KINDS = new Set<StrategyKind>(['processes', 'dask', 'worker-threads', 'child-processes']);

/** A stack sample farther than this from a /proc sample is not joined to it. The stack sampler
 * wakes late under the GIL (about the switch interval x busy threads), so allow a few periods. */
export const STACK_JOIN_WINDOW_MS = 30;

function msSince(t0: bigint, ns: number): number {
  return (ns - Number(t0)) / 1e6;
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Index of the first element >= value in a sorted array. */
function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per native tid: sorted times (ms) with their values. */
function byThread(times: number[], tids: number[], values: number[]): Map<number, { t: number[]; v: number[] }> {
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const map = new Map<number, { t: number[]; v: number[] }>();
  for (const i of order) {
    let entry = map.get(tids[i]!);
    if (!entry) map.set(tids[i]!, (entry = { t: [], v: [] }));
    entry.t.push(times[i]!);
    entry.v.push(values[i]!);
  }
  return map;
}

function nearestStack(entry: { t: number[]; v: number[] } | undefined, t: number, windowMs: number): number {
  if (!entry) return -1;
  const i = lowerBound(entry.t, t);
  let best = -1;
  let bestDistance = windowMs;
  for (const j of [i - 1, i]) {
    const candidate = entry.t[j];
    if (candidate !== undefined && Math.abs(candidate - t) <= bestDistance) {
      bestDistance = Math.abs(candidate - t);
      best = entry.v[j]!;
    }
  }
  return best;
}

/** Task spans of one thread merged into sorted, disjoint intervals (asyncio tasks overlap). */
interface Intervals {
  start: number[];
  end: number[];
}

function mergeSpans(spans: { start: number; end: number }[]): Intervals {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Intervals = { start: [], end: [] };
  for (const span of sorted) {
    const last = merged.end.length - 1;
    if (last >= 0 && span.start <= merged.end[last]!) merged.end[last] = Math.max(merged.end[last]!, span.end);
    else {
      merged.start.push(span.start);
      merged.end.push(span.end);
    }
  }
  return merged;
}

function insideSpan(intervals: Intervals | undefined, t: number): boolean {
  if (!intervals) return false;
  const i = lowerBound(intervals.start, t + 1e-9) - 1; // last interval starting at or before t
  return i >= 0 && t <= intervals.end[i]!;
}

/** Each process's GIL address range: its own _PyRuntime (ASLR) plus the learned offsets. */
function gilRangeByPid(traces: TraceData, offsets: number[] | null): Map<number, AddressRange | null> {
  const map = new Map<number, AddressRange | null>();
  if (!offsets) return map;
  for (const p of traces.processes)
    if (p.runtime !== null) map.set(p.pid, gilRange(offsets.map((o) => p.runtime! + o)));
  return map;
}

export function assemble(run: RunRecord): StrategyResult {
  const { spec, t0, harness, traces } = run;
  const threads: ThreadInfo[] = [];
  const processes: ProcessInfo[] = [];
  const samples: Samples = { t: [], thread: [], core: [], state: [], stack: [], inTask: [] };
  const counts = new Array<number>(THREAD_STATES.length).fill(0);
  let taskSamples = 0;
  const capped = [...(harness?.capped ?? [])];
  if (run.output.truncatedBytes > 0)
    capped.push(
      `output: kept the last ${run.output.stdout.length + run.output.stderr.length} ` +
        `characters, ${run.output.truncatedBytes} bytes before them dropped`,
    );

  const spansByTid = new Map<number, { start: number; end: number }[]>();
  for (const task of traces.tasks) {
    const list = spansByTid.get(task.tid) ?? [];
    list.push({ start: msSince(t0, task.startNs), end: msSince(t0, task.endNs) });
    spansByTid.set(task.tid, list);
  }
  const tasksByTid = new Map([...spansByTid].map(([tid, spans]) => [tid, mergeSpans(spans)]));

  // A whole script is one task that may start threads and processes of its own: all of them count.
  const scriptWindow = spec.kind === 'script' ? harnessWindow(run) : null;
  const sampler = run.threadSampler;
  const threadIndexByTid = new Map<number, number>();
  if (sampler) {
    const harnessPids = new Map(traces.processes.map((p) => [p.pid, p.role]));
    const processIndex = new Map<number, number>();
    for (const p of sampler.processes.values()) {
      processIndex.set(p.pid, processes.length);
      processes.push({ pid: p.pid, ppid: p.ppid, role: harnessPids.get(p.pid) ?? 'child', command: p.command });
    }
    for (const t of sampler.threads) {
      // A tid listed twice (exited, then seen again before its process was reaped) keeps its first entry.
      if (!threadIndexByTid.has(t.tid)) threadIndexByTid.set(t.tid, threads.length);
      threads.push({
        pid: t.pid,
        tid: t.tid,
        name: traces.threadNames.get(t.tid) ?? t.name,
        process: processIndex.get(t.pid) ?? -1,
        samples: 0,
        taskSamples: 0,
        nativePool: null,
      });
    }
    const stacksByTid = byThread(
      traces.stackSamples.ns.map((ns) => msSince(t0, ns)),
      traces.stackSamples.tid,
      traces.stackSamples.stack,
    );
    const gil = gilRangeByPid(traces, run.gilOffsets);
    const raw = sampler.samples;
    // Past the cap, whole ticks are dropped evenly (every thread of a kept tick stays): the state
    // shares and per-thread counts still come from every sample.
    const keepEvery = Math.max(1, Math.ceil(raw.length / SAMPLES_PER_STRATEGY));
    const inTaskByThread: number[][] = [];
    let tick = -1;
    for (let i = 0; i < raw.length; i++) {
      if (i === 0 || raw.t[i] !== raw.t[i - 1]) tick++;
      const thread = threads[raw.thread[i]!]!;
      const t = raw.t[i]!;
      const state = sampler.stateOf(i, (pid) => gil.get(pid) ?? null);
      const inTask = (
        scriptWindow
          ? scriptWindow.start <= t &&
            t <= scriptWindow.end &&
            !traces.samplerThreads.has(thread.tid) &&
            !run.isRuntimeThread?.(thread.name)
          : insideSpan(tasksByTid.get(thread.tid), t)
      )
        ? 1
        : 0;
      thread.samples++;
      if (inTask) {
        thread.taskSamples++;
        taskSamples++;
        counts[state]!++;
        (inTaskByThread[raw.thread[i]!] ??= new Array<number>(THREAD_STATES.length).fill(0))[state]!++;
      }
      if (tick % keepEvery !== 0) continue;
      samples.t.push(round(t, 2));
      samples.thread.push(raw.thread[i]!);
      samples.core.push(raw.core[i]!);
      samples.state.push(state);
      samples.stack.push(nearestStack(stacksByTid.get(thread.tid), t, run.stackJoinWindowMs ?? STACK_JOIN_WINDOW_MS));
      samples.inTask.push(inTask);
    }
    if (scriptWindow) taskSamples -= dropWaitingCoordinators(threads, samples, counts, inTaskByThread);
    if (keepEvery > 1)
      capped.push(
        `thread samples: kept every ${keepEvery}th sampler tick (${samples.t.length} ` +
          `of ${raw.length} samples; the cap is ${SAMPLES_PER_STRATEGY}); thread-state ` +
          `shares use them all`,
      );
    if (sampler.unwatched.size > 0)
      capped.push(`${sampler.unwatched.size} threads were not sampled: ${sampler.threads.length} were watched already`);
  }
  const nativePools = sampler ? poolsOf(run, threads, samples, scriptWindow) : null;
  const cores = coreSeries(run.coreSampler, samples, sampler ? 1000 / sampler.hz : null);

  const tasks: TaskSpans = { thread: [], start: [], end: [], failed: [] };
  for (const task of [...traces.tasks].sort((a, b) => a.index - b.index)) {
    tasks.thread.push(threadIndexByTid.get(task.tid) ?? -1);
    tasks.start.push(round(msSince(t0, task.startNs), 2));
    tasks.end.push(round(msSince(t0, task.endNs), 2));
    tasks.failed.push(task.failed);
  }

  const threadStates: ThreadStateFractions | null =
    sampler && taskSamples > 0
      ? (Object.fromEntries(
          THREAD_STATES.map((s, i) => [s, round(counts[i]! / taskSamples, 4)]),
        ) as ThreadStateFractions)
      : null;

  const wallSeconds =
    run.status === 'ok' && harness?.taskStartNs !== undefined && harness.taskEndNs !== undefined
      ? (harness.taskEndNs - harness.taskStartNs) / 1e9
      : null;

  const result: StrategyResult = {
    id: spec.id,
    kind: spec.kind,
    startMethod: spec.startMethod,
    // A cluster's size is its own (a given one), known once connected.
    workers: harness?.cluster ? harness.cluster.threads : spec.workers,
    status: run.status,
    error: run.error,
    errorDetail: run.errorDetail,
    wallSeconds: wallSeconds === null ? null : round(wallSeconds, 6),
    speedup: null,
    efficiency: null,
    cpuSeconds: treeCpuSeconds(spec, harness, traces),
    peakRssBytes: sampler ? sampler.peakRssBytes : null,
    threadStates,
    threadStateSamples: taskSamples,
    resultsMatchBaseline: run.status === 'ok' ? (harness?.resultsMatchBaseline ?? null) : null,
    resultsComparison: run.status === 'ok' ? (harness?.resultsComparison ?? 'not-compared') : 'not-compared',
    resultsNote:
      run.status === 'ok'
        ? (harness?.resultsNote ?? null)
        : `not compared: the strategy did not complete (${run.status})`,
    firstDifference: run.status === 'ok' ? (harness?.firstDifference ?? null) : null,
    resultsTolerance: run.status === 'ok' ? (harness?.resultsTolerance ?? null) : null,
    timing: phaseTimings(run),
    processCosts: POOL_KINDS.has(spec.kind) ? processCosts(traces, harness) : null,
    ...(spec.kind === 'dask' ? { cluster: harness?.cluster ?? null } : {}),
    stackSampler: stackSamplerStats(traces, harness),
    processes,
    threads,
    nativePools,
    nativeLimit:
      spec.nativeThreads === null
        ? null
        : {
            threads: spec.nativeThreads,
            variables: [...NATIVE_THREAD_VARIABLES],
            threadpoolctl: harness?.threadpoolctlLimit ?? false,
          },
    tasks,
    cores,
    samples,
    frames: traces.frames,
    stacks: traces.stacks,
    output: run.output,
    leftBehind: run.leftBehind,
    capped,
  };
  const heldUp = sampler ? heldUpWhileTasksRan(sampler.heldUp, tasksWindow(run, tasks)) : null;
  if (heldUp) result.samplerHeldUp = heldUp;
  addBlocking(result, run);
  return result;
}

/** What the event-loop and lock recorders saw, when they were installed in this run. */
function addBlocking(result: StrategyResult, run: RunRecord): void {
  const { traces, t0 } = run;
  const readLine = sourceLineReader();
  if (traces.loopWatch) {
    result.loopLag = loopLag(traces.loopWatch, traces.loopBeats, traces.untimedLoops);
    result.loopBlocks = loopBlocks({
      callbacks: traces.slowCallbacks.map((c) => ({
        ...c,
        start: msSince(t0, c.startNs),
        end: msSince(t0, c.endNs),
      })),
      stackSamples: {
        t: traces.stackSamples.ns.map((ns) => msSince(t0, ns)),
        tid: traces.stackSamples.tid,
        stack: traces.stackSamples.stack,
      },
      frames: result.frames,
      stacks: result.stacks,
      samples: result.samples,
      threads: result.threads,
      workload: run.workload,
      readLine,
    });
  }
  if (traces.locks) result.locks = lockTable(traces.locks, taskThreadMs(result), readLine);
}

/** The span the wall time covers (ms since t0): the harness's task clock, else the task spans. */
function tasksWindow(run: RunRecord, tasks: TaskSpans): { start: number; end: number } | null {
  const window = harnessWindow(run);
  if (window || tasks.start.length === 0) return window;
  // A loop, not Math.min(...): a run may have more tasks than a call takes arguments.
  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < tasks.start.length; i++) {
    start = Math.min(start, tasks.start[i]!);
    end = Math.max(end, tasks.end[i]!);
  }
  return { start, end };
}

/** The harness's task clock (ms since t0), from before the first task to after the last. */
function harnessWindow({ harness, t0 }: RunRecord): { start: number; end: number } | null {
  return harness?.taskStartNs !== undefined
    ? { start: msSince(t0, harness.taskStartNs), end: msSince(t0, harness.taskEndNs ?? harness.endNs) }
    : null;
}

/** The sampler's hold-ups that overlapped the tasks' window, clipped to it; null when none did. */
export function heldUpWhileTasksRan(
  gaps: readonly { start: number; end: number }[],
  window: { start: number; end: number } | null,
): SamplerHeldUp | null {
  if (!window) return null;
  let count = 0;
  let ms = 0;
  let longestMs = 0;
  for (const gap of gaps) {
    const inside = Math.min(gap.end, window.end) - Math.max(gap.start, window.start);
    if (inside <= 0) continue;
    count++;
    ms += inside;
    longestMs = Math.max(longestMs, inside);
  }
  return count > 0
    ? { count, ms: round(ms, 1), longestMs: round(longestMs, 1), taskMs: round(window.end - window.start, 1) }
    : null;
}

/** Each task process's task window, and the threads Python is known to have started. */
function poolsOf(
  run: RunRecord,
  threads: ThreadInfo[],
  samples: Samples,
  scriptWindow: { start: number; end: number } | null,
): NativePool[] {
  const { traces, t0 } = run;
  const windows = new Map<number, { start: number; end: number }>();
  for (const task of traces.tasks) {
    const window = windows.get(task.pid);
    const start = msSince(t0, task.startNs);
    const end = msSince(t0, task.endNs);
    windows.set(
      task.pid,
      window ? { start: Math.min(window.start, start), end: Math.max(window.end, end) } : { start, end },
    );
  }
  const harnessPid = traces.processes.find((p) => p.role === 'harness')?.pid;
  if (scriptWindow && harnessPid !== undefined) windows.set(harnessPid, scriptWindow);
  const pythonTids = new Set([
    ...traces.threadNames.keys(),
    ...traces.samplerThreads,
    ...traces.tasks.map((t) => t.tid),
  ]);
  for (const p of traces.processes) pythonTids.add(p.pid);
  return findNativePools({
    threads,
    seen: run.threadSampler!.threads.map((t) => ({ library: t.library, path: t.libraryPath })),
    samples,
    windows,
    pythonTids,
    samplerTids: traces.samplerThreads,
    reports: traces.native,
  });
}

/** A whole script's main thread that spent at least this share of its samples waiting on a lock,
 * and at most COORDINATOR_RUNNING_SHARE running, while the script's other threads worked, is
 * waiting for them (join, Future.result, Queue.get): like an idle pool thread in function mode,
 * that is not task work. Only the main thread is judged, so lock-contended workers stay in. */
export const COORDINATOR_LOCK_SHARE = 0.5;
export const COORDINATOR_RUNNING_SHARE = 0.15;

/** Takes a coordinating main thread out of the task samples; returns how many samples it removed.
 * `byThread[thread][state]` counts every in-task sample (also those a cap left out of `samples`). */
function dropWaitingCoordinators(
  threads: ThreadInfo[],
  samples: Samples,
  counts: number[],
  byThread: number[][],
): number {
  const lockWait = THREAD_STATES.indexOf('lockWait');
  const running = THREAD_STATES.indexOf('running');
  const main = threads.findIndex(
    (t, i) =>
      t.tid === t.pid &&
      t.taskSamples > 0 &&
      (byThread[i]?.[lockWait] ?? 0) >= COORDINATOR_LOCK_SHARE * t.taskSamples &&
      (byThread[i]?.[running] ?? 0) <= COORDINATOR_RUNNING_SHARE * t.taskSamples,
  );
  if (main < 0 || !threads.some((t, i) => i !== main && t.taskSamples > 0)) return 0;
  for (let i = 0; i < samples.t.length; i++) if (samples.thread[i] === main) samples.inTask[i] = 0;
  const removed = threads[main]!.taskSamples;
  byThread[main]?.forEach((count, state) => (counts[state]! -= count));
  threads[main]!.taskSamples = 0;
  return removed;
}

/** The harness measures its own CPU and its reaped children's. forkserver workers are children
 * of the fork server, which is only reaped when the harness exits, so theirs are added from what
 * each worker reported at its exit. */
function treeCpuSeconds(
  spec: StrategySpec,
  harness: HarnessResult | null,
  traces: TraceData,
): StrategyResult['cpuSeconds'] {
  if (!harness?.cpuSeconds) return null;
  let { user, system } = harness.cpuSeconds;
  if (spec.startMethod === 'forkserver') {
    for (const worker of traces.workersCpu) {
      user += worker.user;
      system += worker.system;
    }
  }
  return { user: round(user, 4), system: round(system, 4) };
}

/** Busy share of each core from /proc/stat, and the workload's share from its running samples. */
function coreSeries(coreSampler: CoreSampler, samples: Samples, samplePeriodMs: number | null): CoreSeries {
  const interval = coreSampler.intervalMs;
  const ticks = Math.max(0, ...coreSampler.busy.map((series) => series.length));
  const expectedPerTick = samplePeriodMs ? interval / samplePeriodMs : 1; // samples one thread gets per tick
  const running = THREAD_STATES.indexOf('running');
  // Without thread samples (no /proc) the workload's share is unknown: empty lanes, not zeros.
  const workload = coreSampler.busy.map(() => new Array<number>(samplePeriodMs ? ticks : 0).fill(0));
  for (let i = 0; i < samples.t.length; i++) {
    if (samples.state[i] !== running) continue;
    // A sample within one interval past the last reading (the core sampler's timer runs late on a
    // busy machine) counts in the last one: every core a task ran on shows it.
    const at = Math.floor((samples.t[i]! - coreSampler.startMs) / interval);
    const tick = at === ticks ? ticks - 1 : at;
    const lane = workload[samples.core[i]!];
    if (lane && tick >= 0 && tick < ticks) lane[tick]! += 1 / expectedPerTick;
  }
  return {
    intervalMs: interval,
    startMs: round(coreSampler.startMs, 2),
    busy: coreSampler.busy.map((series) => series.map((v) => round(v, 3))),
    workload: workload.map((series) => series.map((v) => round(Math.min(1, v), 3))),
    profiler: coreSampler.profiler.slice(0, ticks).map((v) => round(v, 3)),
  };
}

function phaseTimings(run: RunRecord): StrategyResult['timing'] {
  const h = run.harness;
  const total = run.endedMs / 1000;
  const interpreter = h ? msSince(run.t0, h.harnessStartNs) / 1000 : null;
  const importSeconds =
    h?.importStartNs !== undefined && h.importEndNs !== undefined ? (h.importEndNs - h.importStartNs) / 1e9 : null;
  const tasks = h?.taskStartNs !== undefined && h.taskEndNs !== undefined ? (h.taskEndNs - h.taskStartNs) / 1e9 : null;
  const overhead = interpreter === null ? null : total - interpreter - (importSeconds ?? 0) - (tasks ?? 0);
  return {
    interpreterStartSeconds: interpreter === null ? null : round(interpreter, 4),
    importSeconds: importSeconds === null ? null : round(importSeconds, 4),
    tasksSeconds: tasks === null ? null : round(tasks, 4),
    engineOverheadSeconds: overhead === null ? null : round(overhead, 4),
    totalSeconds: round(total, 4),
  };
}

function processCosts(traces: TraceData, harness: HarnessResult | null): ProcessCosts {
  const sent = harness?.pickledBytesSent ?? [];
  const received = harness?.pickledBytesReceived ?? [];
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    workerStartupSeconds: traces.workersReady.map((w) => round((w.readyNs - w.poolCreatedNs) / 1e9, 4)),
    pickledBytesSentPerTask: Math.round(mean(sent)),
    pickledBytesSentTotal: sum(sent),
    pickledBytesReceivedPerTask: Math.round(mean(received)),
    pickledBytesReceivedTotal: sum(received),
  };
}

function stackSamplerStats(traces: TraceData, harness: HarnessResult | null): StackSamplerStats | null {
  const count = traces.latenessNs.length;
  if (count === 0) return null;
  const perProcess = Math.max(1, traces.processes.length);
  const spanSeconds = harness ? Math.max(1e-3, (harness.endNs - harness.harnessStartNs) / 1e9) : 1;
  const lateMs = traces.latenessNs.map((ns) => ns / 1e6);
  return {
    samples: traces.stackSamples.ns.length,
    hz: round(count / perProcess / spanSeconds, 1),
    meanLatenessMs: round(mean(lateMs), 3),
    p95LatenessMs: round(percentile(lateMs, 0.95), 3),
  };
}
