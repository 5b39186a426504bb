// Hand-built profiles for the analysis unit tests: each test states only the numbers its rule reads.
import {
  type InterpreterInfo,
  PROFILE_SCHEMA_VERSION,
  THREAD_STATES,
  type Profile,
  type StrategyResult,
  type ThreadState,
  type NativeLibrary,
  type ThreadStateFractions,
} from '../../src/profiler/profile';
import { NATIVE_THREAD_VARIABLES, nativeThreadsOf } from '../../src/profiler/strategies';
import { parseStrategyId } from '../../src/shared/strategyId';

export type States = Partial<Record<ThreadState, number>>;

export interface StrategySpec {
  id: string;
  kind?: StrategyResult['kind'];
  workers?: number;
  speedup?: number | null;
  states?: States | null;
  stateSamples?: number;
  status?: StrategyResult['status'];
  startMethod?: StrategyResult['startMethod'];
  match?: boolean | null;
  firstDifference?: StrategyResult['firstDifference'];
  errorDetail?: StrategyResult['errorDetail'];
  processCosts?: Partial<NonNullable<StrategyResult['processCosts']>>;
  latenessMs?: number;
  cpuSeconds?: number;
  /** Mean task duration in ms (serial: spans are built from it). */
  taskMs?: number;
  /** Share of both cores other programs kept busy during the run. */
  externalLoad?: number;
  /** Share of one core the profiler's own process used (with externalLoad: part of the busy cores). */
  profilerCpu?: number;
  /** Times the thread sampler was held up while tasks ran. */
  samplerHeldUp?: StrategyResult['samplerHeldUp'];
  /** A Dask run's cluster report. */
  cluster?: StrategyResult['cluster'];
  nativePools?: StrategyResult['nativePools'];
  /** What the event-loop and lock recorders found. */
  loopBlocks?: StrategyResult['loopBlocks'];
  loopLag?: StrategyResult['loopLag'];
  locks?: StrategyResult['locks'];
  /** Threads and their states through the task window: samples are built from these (thread 0 is the first caller). */
  work?: WorkThread[];
}

/** One thread of a built strategy: what it is and the share of sampler ticks it spent running / queued. */
export interface WorkThread {
  role: 'caller' | 'native' | 'thread' | 'child';
  library?: NativeLibrary;
  running: number;
  runnable?: number;
  /** Share in lockWait, then in gilWait (the rest of the time it sleeps). */
  lock?: number;
  gil?: number;
  /** Where in its cycle of states the thread starts (0-1): threads that take turns. */
  offset?: number;
  name?: string;
}

/** Sampler ticks of built work: every 5 ms across the task window. */
export const WORK_TICK_MS = 5;

export interface ProfileSpec {
  strategies: StrategySpec[];
  serialWall?: number;
  tasks?: number;
  cores?: number;
  isAsync?: boolean;
  args?: string | null;
  mode?: Profile['mode'];
  freeThreaded?: boolean;
  /** false: the sampler did not recognise the GIL (its waits count as lock waits). */
  gilDetected?: boolean;
  /** Other interpreters of the run (the main one is added first, named python3.11). */
  interpreters?: (Partial<InterpreterInfo> & { name: string })[];
  interpreterSearch?: Profile['settings']['interpreterSearch'];
}

/** An interpreter entry: CPython with a GIL unless the spec says otherwise. */
export function interpreter(spec: Partial<InterpreterInfo> & { name: string }): InterpreterInfo {
  return {
    executable: `/usr/bin/${spec.name}`,
    implementation: 'CPython',
    version: '3.11.2',
    freeThreaded: false,
    gil: true,
    gilDetection: null,
    note: null,
    main: false,
    source: 'given',
    moduleImports: true,
    importError: null,
    subinterpreters: false,
    ...spec,
  };
}

function fractions(s: States): ThreadStateFractions {
  const out = {} as ThreadStateFractions;
  for (const k of THREAD_STATES) out[k] = s[k] ?? 0;
  return out;
}

function kindOf(id: string): StrategyResult['kind'] {
  const family = parseStrategyId(id)?.family ?? id;
  if (family === 'serial') return 'serial';
  if (family === 'threads') return 'threads';
  if (family.startsWith('processes')) return 'processes';
  if (family === 'asyncio') return 'asyncio';
  if (family === 'subinterpreters') return 'subinterpreters';
  if (family === 'dask' || family === 'dask-local') return 'dask';
  return 'script';
}

/** Processes, threads and samples for `work`: a harness process with the callers, helper threads and
 * native pool threads, and one child process per child thread. */
function builtWork(work: WorkThread[], windowMs: number): Pick<StrategyResult, 'processes' | 'threads' | 'samples'> {
  const processes: StrategyResult['processes'] = [
    { pid: 100, ppid: 1, role: 'harness', command: 'python3 cp_harness.py' },
  ];
  const threads: StrategyResult['threads'] = work.map((w, i) => {
    let pid = 100;
    if (w.role === 'child') {
      pid = 200 + i;
      processes.push({ pid, ppid: 100, role: 'child', command: 'python3 cp_harness.py' });
    }
    return {
      pid,
      tid: i === 0 || w.role === 'child' ? pid : 100 + i,
      name: w.name ?? (w.role === 'caller' ? 'MainThread' : w.role === 'thread' ? `Thread-${i}` : 'python3'),
      process: processes.length - 1,
      samples: 0,
      taskSamples: 0,
      nativePool: w.role === 'native' ? (w.library ?? 'openblas') : null,
    };
  });
  const samples: StrategyResult['samples'] = { t: [], thread: [], core: [], state: [], stack: [], inTask: [] };
  const ticks = Math.max(1, Math.floor(windowMs / WORK_TICK_MS));
  for (let k = 0; k < ticks; k++) {
    work.forEach((w, i) => {
      const phase = ((k + Math.round((w.offset ?? 0) * 100)) % 100) / 100;
      const cycle: [ThreadState, number][] = [
        ['running', w.running],
        ['runnable', w.runnable ?? 0],
        ['lockWait', w.lock ?? 0],
        ['gilWait', w.gil ?? 0],
      ];
      let state: ThreadState = 'sleep';
      for (let upTo = 0, c = 0; c < cycle.length; c++) {
        upTo += cycle[c]![1];
        if (phase < upTo) {
          state = cycle[c]![0];
          break;
        }
      }
      samples.t.push(k * WORK_TICK_MS);
      samples.thread.push(i);
      samples.core.push(0);
      samples.state.push(THREAD_STATES.indexOf(state));
      samples.stack.push(-1);
      samples.inTask.push(w.role === 'caller' ? 1 : 0);
    });
  }
  return { processes, threads, samples };
}

export function strategy(spec: StrategySpec, serialWall: number, tasks: number): StrategyResult {
  const kind = spec.kind ?? kindOf(spec.id);
  const status = spec.status ?? 'ok';
  const speedup = status === 'ok' ? (spec.speedup === undefined ? 1 : spec.speedup) : null;
  const wall = speedup ? serialWall / speedup : null;
  const taskMs = spec.taskMs ?? (serialWall * 1000) / tasks;
  const start = Array.from({ length: tasks }, (_, i) => i * taskMs);
  // Tasks go round the calling threads of built work; without built threads the thread is unknown (-1).
  const callers = (spec.work ?? []).flatMap((w, i) => (w.role === 'caller' ? [i] : []));
  const method =
    spec.startMethod ??
    (kind === 'processes' ? ((parseStrategyId(spec.id)!.family.split('-')[1] as 'fork') ?? 'fork') : null);
  return {
    id: spec.id,
    kind,
    startMethod: method,
    workers: spec.workers ?? (kind === 'serial' || kind === 'asyncio' ? 1 : 2),
    status,
    error: spec.errorDetail ? spec.errorDetail.message : status === 'ok' ? null : status,
    errorDetail: spec.errorDetail ?? null,
    wallSeconds: wall,
    speedup,
    efficiency: null,
    cpuSeconds: spec.cpuSeconds !== undefined ? { user: spec.cpuSeconds, system: 0 } : null,
    peakRssBytes: null,
    threadStates: spec.states ? fractions(spec.states) : null,
    threadStateSamples: spec.states ? (spec.stateSamples ?? 400) : 0,
    resultsMatchBaseline: spec.id === 'serial' ? true : spec.match === undefined ? true : spec.match,
    firstDifference: spec.firstDifference ?? null,
    resultsTolerance: null,
    timing: {
      interpreterStartSeconds: null,
      importSeconds: null,
      tasksSeconds: wall,
      engineOverheadSeconds: null,
      totalSeconds: wall ?? 0,
    },
    processCosts:
      kind === 'processes'
        ? {
            workerStartupSeconds: [0.01, 0.01],
            pickledBytesSentPerTask: 100,
            pickledBytesSentTotal: 100 * tasks,
            pickledBytesReceivedPerTask: 20,
            pickledBytesReceivedTotal: 20 * tasks,
            ...spec.processCosts,
          }
        : null,
    stackSampler:
      spec.latenessMs !== undefined
        ? { samples: 100, hz: 100, meanLatenessMs: spec.latenessMs, p95LatenessMs: spec.latenessMs * 2 }
        : null,
    ...(spec.work
      ? builtWork(spec.work, (wall ?? serialWall) * 1000)
      : {
          processes: [],
          threads: [],
          samples: { t: [], thread: [], core: [], state: [], stack: [], inTask: [] },
        }),
    nativePools: spec.nativePools ?? [],
    nativeLimit:
      nativeThreadsOf(spec.id) === null
        ? null
        : { threads: nativeThreadsOf(spec.id)!, variables: [...NATIVE_THREAD_VARIABLES], threadpoolctl: false },
    tasks: {
      thread: start.map((_, i) => (callers.length > 0 ? callers[i % callers.length]! : -1)),
      start,
      end: start.map((s) => s + taskMs),
      failed: start.map(() => 0),
    },
    cores:
      spec.externalLoad !== undefined
        ? {
            intervalMs: 100,
            startMs: 0,
            busy: [[spec.externalLoad + 0.5], [spec.externalLoad + 0.5]],
            workload: [[0.5], [0.5]],
            ...(spec.profilerCpu !== undefined ? { profiler: [spec.profilerCpu] } : {}),
          }
        : null,
    frames: { name: [], file: [], line: [] },
    stacks: { parent: [], frame: [], line: [] },
    output: { stdout: '', stderr: '', truncatedBytes: 0 },
    ...(spec.cluster ? { cluster: spec.cluster } : {}),
    ...(spec.samplerHeldUp ? { samplerHeldUp: spec.samplerHeldUp } : {}),
    ...(spec.loopBlocks ? { loopBlocks: spec.loopBlocks, loopLag: spec.loopLag ?? null } : {}),
    ...(spec.locks ? { locks: spec.locks } : {}),
  };
}

export function profile(spec: ProfileSpec): Profile {
  const tasks = spec.tasks ?? 8;
  const serialWall = spec.serialWall ?? 0.8;
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    runtime: 'python',
    tool: { name: 'concurrency-profiler', version: '0.0.0-test' },
    createdAt: '2026-01-01T00:00:00Z',
    mode: spec.mode ?? 'function',
    workload: {
      file: '/nonexistent/work.py',
      function: 'work',
      args: spec.args === undefined ? '[(1,)] * 8' : spec.args,
      tasks,
      isAsync: spec.isAsync ?? false,
      python: {
        executable: '/usr/bin/python3',
        version: '3.11.2',
        implementation: 'CPython',
        freeThreaded: spec.freeThreaded ?? false,
      },
    },
    machine: {
      logicalCores: spec.cores ?? 2,
      physicalCores: spec.cores ?? 2,
      cpuModel: 'test',
      memoryBytes: 8e9,
      os: 'linux',
      arch: 'x64',
      gpus: [],
    },
    settings: {
      workers: spec.cores ?? 2,
      timeoutSeconds: 120,
      sampleHz: 200,
      stackSampleHz: 100,
      strategies: spec.strategies.map((s) => s.id),
      ...(spec.interpreterSearch ? { interpreterSearch: spec.interpreterSearch } : {}),
    },
    sampling: {
      threadStates: 'proc',
      note: null,
      gilDetection: spec.gilDetected === false ? null : 'futex words at _PyRuntime+0x1b0 (test)',
    },
    strategies: spec.strategies.map((s) => strategy(s, serialWall, tasks)),
    ...(spec.interpreters
      ? {
          interpreters: [
            interpreter({
              name: 'python3.11',
              main: true,
              source: 'main',
              moduleImports: null,
              freeThreaded: spec.freeThreaded ?? false,
              gil: !spec.freeThreaded,
            }),
            ...spec.interpreters.map(interpreter),
          ],
        }
      : {}),
    interrupted: false,
  };
}

/** Typical shapes, reused across tests. */
export const CPU: States = { running: 0.97, other: 0.03 };
export const GIL2: States = { running: 0.49, gilWait: 0.49, other: 0.02 };
export const NOGIL2: States = { running: 0.9, runnable: 0.06, gilWait: 0.02, other: 0.02 };
export const IO: States = { running: 0.08, io: 0.9, other: 0.02 };
