// The profile format: the one contract between the engine, the analysis, the extension, the
// webview and the exports. Documented in docs/profile-format.md; schema/profile.schema.json
// is its JSON Schema and the tests validate every profile they produce against it.
// Change both together and bump PROFILE_SCHEMA_VERSION when a field changes meaning.

export const PROFILE_SCHEMA_VERSION = 2;
/** Versions the loaders read: 1 (Python only, no `runtime`) and 2. */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

/** What ran the workload: a Python interpreter or Node.js. */
export type Runtime = 'python' | 'node';

/** Index in this list = the state code stored in `samples.state`. */
export const THREAD_STATES = ['running', 'runnable', 'gilWait', 'lockWait', 'io', 'sleep', 'other'] as const;
export type ThreadState = (typeof THREAD_STATES)[number];
export type ThreadStateFractions = Record<ThreadState, number>;

/** How every view names the states: tables, legends, hovers, tooltips. */
export const STATE_LABELS: Record<ThreadState, string> = {
  running: 'running',
  runnable: 'runnable',
  gilWait: 'GIL wait',
  lockWait: 'lock wait',
  io: 'I/O',
  sleep: 'sleep',
  other: 'other',
};
/** Where the label alone is unclear (legends). */
export const STATE_DESCRIPTIONS: Record<ThreadState, string> = {
  ...STATE_LABELS,
  runnable: 'runnable (waiting for a core)',
};
/** For the CLI table, where a column is narrow. */
export const STATE_ABBREVIATIONS: Record<ThreadState, string> = {
  running: 'run',
  runnable: 'rq',
  gilWait: 'gil',
  lockWait: 'lock',
  io: 'io',
  sleep: 'sleep',
  other: 'other',
};
export type ResultsComparison = 'equal' | 'differ' | 'not-comparable' | 'not-compared';

export type StrategyStatus = 'ok' | 'failed' | 'skipped' | 'timeout' | 'cancelled';
export type StrategyKind =
  | 'serial'
  | 'threads'
  | 'processes'
  | 'asyncio'
  | 'subinterpreters'
  | 'dask'
  | 'script'
  // Node.js
  | 'async'
  | 'worker-threads'
  | 'child-processes';
export type StartMethod = 'fork' | 'forkserver' | 'spawn';

export interface PythonInfo {
  executable: string;
  version: string;
  implementation: string; // 'CPython', 'PyPy', ...
  /** True for a free-threaded (no-GIL) build such as 3.13t. */
  freeThreaded: boolean;
}

/** One interpreter of the run: the main one (strategy ids without `@`) and each `--interpreters`
 * one (ids ending `@name`). */
export interface InterpreterInfo {
  /** Short and stable: `python3.11`, `pypy3.9`, `python3.13t`; `-2` when two differ only by path. */
  name: string;
  executable: string;
  implementation: string;
  version: string;
  /** Built without the GIL (python3.13t, 3.14t). */
  freeThreaded: boolean;
  /** The GIL was enabled once the user's module was imported (sys._is_gil_enabled() where it
   * exists: an extension module can turn it back on in a free-threaded build). */
  gil: boolean;
  /** How GIL waits were told from lock waits in its runs, or null when they were not. */
  gilDetection: string | null;
  /** Why GIL waits were not recognised (PyPy, free-threaded: no GIL), or null. */
  note: string | null;
  main: boolean;
  /** Where it was found: `main` (--python), `given` (named in --interpreters), or the finder's
   * `PATH`, `pyenv`, `uv`, `conda`, `Python extension`. */
  source: string;
  /** The user's module imported there (null: not checked, the main interpreter's serial run
   * imports it), and the error when it did not. */
  moduleImports: boolean | null;
  importError: string | null;
  /** Worker interpreters with their own GIL can run here: concurrent.futures.InterpreterPoolExecutor
   * (Python 3.14+), 3.13's private _interpreters or 3.12's _xxsubinterpreters module. */
  subinterpreters: boolean;
}

/** One worker of a Dask cluster. */
export interface ClusterWorker {
  address: string;
  host: string;
  /** Its process id (on `host`), null when the cluster did not say. */
  pid: number | null;
  threads: number;
}

/** The Dask cluster a `dask-local` or `dask` run used, and what its scheduler cost. */
export interface ClusterInfo {
  /** `local`: a LocalCluster the run started (its processes are sampled); `remote`: a given one. */
  kind: 'local' | 'remote';
  scheduler: string;
  distributedVersion: string;
  workers: ClusterWorker[];
  /** Worker threads in all: the run's parallelism. */
  threads: number;
  /** Starting the local cluster, or connecting and shipping the module to a remote one. */
  startSeconds: number;
  /** Seconds per task with every worker busy on no-op tasks: the scheduler's cost per task, which
   * caps how many workers pay off. */
  overheadPerTaskSeconds: number;
  /** One no-op task, submit to result. */
  roundTripSeconds: number;
  /** Index into `workers` of the worker that ran each task (-1 unknown), in task order: with
   * `tasks.start`/`tasks.end` the cluster's task stream. */
  taskWorker: number[];
}

/** A route or strategy the run did not measure although it was asked for or would be offered. */
export interface LeftOutRun {
  /** A strategy id, or `@PATH` for an interpreter that was not used. */
  strategy: string;
  reason: string;
}

export interface NodeInfo {
  executable: string;
  /** `process.version` without the v, e.g. '20.20.2'. */
  version: string;
  /** `process.versions.v8`. */
  v8: string;
}

/** "CPython 3.11.7 (free-threaded)", "Node.js 20.20.2": what ran the workload, for people. */
export function describeRuntime(workload: Workload): string {
  if (workload.node) return `Node.js ${workload.node.version}`;
  const py = workload.python;
  return py ? `${py.implementation} ${py.version}${py.freeThreaded ? ' (free-threaded)' : ''}` : 'unknown runtime';
}

export interface Workload {
  /** Absolute path of the profiled file. */
  file: string;
  /** Module-level name (or Class.method; for Node an export); null in whole-script mode. */
  function: string | null;
  /** The --args expression, null when the default was used. */
  args: string | null;
  /** Number of task calls (1 in whole-script mode). */
  tasks: number;
  /** Python: an `async def`. Node: the function returned a promise. */
  isAsync: boolean;
  /** Present when `runtime` is `python`. */
  python?: PythonInfo;
  /** Present when `runtime` is `node`. */
  node?: NodeInfo;
  /** The function returned a generator ('generator') or an async generator ('async generator'): it
   * does its work only when iterated, so each task iterated it to the end (inside the timed task) and
   * its items are the task's result. Null otherwise; absent in older profiles. */
  consumedResults?: 'generator' | 'async generator' | null;
  /** The dotted name the module was imported by, as `python -m` run from `cwd` would (in
   * whole-script mode: the name it ran under as `__main__`); null when it was loaded from its file.
   * This and the fields below are absent in profiles written before they existed. */
  module?: string | null;
  /** Why the file was loaded from its path rather than imported by name; null when it was not. */
  moduleNote?: string | null;
  /** Folders the profiler put at the front of sys.path, in order. */
  sysPathAdded?: string[];
  /** The file's own folder, added at the end of sys.path (a module outside a regular package). */
  sysPathAppended?: string | null;
  /** Working directory of every interpreter of the run: the project root. */
  cwd?: string;
  /** The environment file whose variables were set (--env-file, python.envFile), or null. */
  envFile?: string | null;
  /**
   * Top-level names of the installed packages (site-packages, dist-packages) the workload had
   * imported when its tasks ended, as the harness saw them in sys.modules: the union over the
   * strategies' runs, sorted. Absent in profiles written before it was recorded.
   */
  packages?: string[];
}

export interface Gpu {
  vendor: string;
  model: string;
  memoryBytes: number | null;
}

export interface Machine {
  /** The host's logical cores (what /proc/stat and the per-core charts show). */
  logicalCores: number;
  physicalCores: number;
  /** Cores a run may use: the CPU affinity and the cgroup CPU quota (src/profiler/cores.ts). Absent
   * in profiles of earlier versions: read it through coresOf. */
  usableCores?: number;
  /** How usableCores was found, e.g. "2 of 8 logical cores: the cgroup CPU quota is 2 cores". */
  usableCoresNote?: string;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  arch: string;
  gpus: Gpu[];
}

/** The cores a run could use: every count of cores (workers, projections, "x the cores") uses this. */
export function coresOf(machine: Machine): number {
  return Math.max(1, machine.usableCores ?? machine.logicalCores);
}

export interface Settings {
  workers: number;
  timeoutSeconds: number;
  /** Rate of the external /proc thread-state sampler. */
  sampleHz: number;
  /** Target rate of the in-process Python stack sampler. */
  stackSampleHz: number;
  strategies: string[];
  /** Which other interpreters the run looked for: `default` PyPy and free-threaded builds, `auto`
   * also other CPython versions, `off` none (a --strategies list without --interpreters, or
   * --interpreters none or a list without auto). */
  interpreterSearch?: 'default' | 'auto' | 'off';
  /** `--scaling`: `off`, `auto` (curves for the families that matter), `full` (every pool family). */
  scaling?: ScalingMode;
  /** Largest worker count a curve may try (`--max-workers`). */
  maxWorkers?: number;
}

export type ScalingMode = 'off' | 'auto' | 'full';

/** How thread states were read. `proc` = /proc sampling (Linux); otherwise they are unavailable. */
export interface SamplingInfo {
  threadStates: 'proc' | 'unavailable';
  /** Why states are unavailable, or caveats such as "PyPy: GIL waits cannot be told from lock waits". */
  note: string | null;
  /** How GIL waits were recognised, e.g. "futex words at _PyRuntime+0x1b0, +0x1b4 (learned at start-up)". */
  gilDetection: string | null;
}

export interface ErrorDetail {
  /** Exception type, e.g. 'ZeroDivisionError', 'PicklingError', 'TimeoutError'. */
  type: string;
  message: string;
  /** The user's frames of the traceback (harness frames removed), formatted like Python does. */
  traceback: string;
}

export interface FirstDifference {
  task: number;
  expected: string;
  actual: string;
}

/** A Node event loop's delay, from perf_hooks.monitorEventLoopDelay (10 ms resolution). */
export interface EventLoopDelay {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Node: how busy and how late the event loops were while the tasks ran. */
export interface EventLoopStats {
  /** performance.eventLoopUtilization() of the main thread over the tasks (0 idle, 1 never idle). */
  utilization: number;
  delay: EventLoopDelay | null;
  /** The loop of each worker thread or child process, in start order, over its life. */
  workers: { utilization: number; delay: EventLoopDelay | null }[];
}

/** Process pools; for Node's worker-threads and child-processes the same fields hold the V8-serialized
 * (structured clone) sizes, which is what postMessage and advanced IPC copy. */
export interface ProcessCosts {
  /** Seconds from pool creation until each worker process (or thread) was ready to run tasks. */
  workerStartupSeconds: number[];
  /** Pickled size of (callable, arguments) per task, bytes: mean and total. */
  pickledBytesSentPerTask: number;
  pickledBytesSentTotal: number;
  /** Pickled size of each task's result, bytes: mean and total. */
  pickledBytesReceivedPerTask: number;
  pickledBytesReceivedTotal: number;
}

/** Where the time of one strategy's run went, seconds from the engine's spawn of the interpreter. */
export interface PhaseTimings {
  /** Spawn until the harness's first line ran (interpreter start-up). */
  interpreterStartSeconds: number | null;
  /** Importing the user's module (and evaluating --args). */
  importSeconds: number | null;
  /** First task start to last task end (= wallSeconds). */
  tasksSeconds: number | null;
  /** Everything else the engine spent: set-up, teardown, waiting for exit, post-processing. */
  engineOverheadSeconds: number | null;
  totalSeconds: number;
}

export interface StackSamplerStats {
  samples: number;
  /** Achieved rate, samples per second per process. */
  hz: number;
  /** How late the sampler woke up: close to switch interval x CPU-bound threads under the GIL. */
  meanLatenessMs: number;
  p95LatenessMs: number;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  role: 'harness' | 'worker' | 'child';
  command: string;
}

export interface ThreadInfo {
  pid: number;
  tid: number;
  name: string;
  /** Index into `processes`. */
  process: number;
  /** Samples of this thread in any state, and while running a task. */
  samples: number;
  taskSamples: number;
  /** The native pool this thread belongs to: a thread Python did not start that used CPU while tasks
   * ran (see `StrategyResult.nativePools`); null for every other thread. */
  nativePool: NativeLibrary | null;
}

/**
 * Libraries whose own thread pools are recognised. Names follow threadpoolctl's `internal_api`
 * where it has one (openblas, mkl, blis, openmp); `unknown` is a native thread that used CPU in a
 * library not in this list.
 */
export const NATIVE_LIBRARIES = ['openblas', 'mkl', 'blis', 'openmp', 'numexpr', 'libuv', 'unknown'] as const;
export type NativeLibrary = (typeof NATIVE_LIBRARIES)[number];

/** How a `+native-N` strategy limited the native pools. */
export interface NativeLimit {
  /** Threads per pool (N). */
  threads: number;
  /** Environment variables set to N before the interpreter started (inherited by its workers). */
  variables: string[];
  /** threadpoolctl's `threadpool_limits(N)` was also applied (threadpoolctl importable there). */
  threadpoolctl: boolean;
}

/** Threads of one library's pool that used CPU while tasks ran, over all task processes. */
export interface NativePool {
  library: NativeLibrary;
  /** Pool threads that used CPU during tasks (summed over the task processes). */
  threads: number;
  /** The pool threads' CPU time over the task processes' CPU time while tasks ran (0-1). */
  cpuShare: number;
  /** The shared object the pool lives in, when known. */
  path: string | null;
  /** The library's own thread limit per process as threadpoolctl reported it, in the baseline run (serial,
   * script) only: null in the other runs and without threadpoolctl. */
  maxThreads: number | null;
}

/** One call of the user's function. Times are ms since the strategy's start (spawn). */
export interface TaskSpans {
  /** Index into `threads` of the thread that ran each task (-1 if unknown). */
  thread: number[];
  start: number[];
  end: number[];
  /** 1 when the task raised. */
  failed: number[];
}

/** Per-core series, one value per tick of `intervalMs`, first tick at `startMs`. */
export interface CoreSeries {
  intervalMs: number;
  startMs: number;
  /** [core][tick] fraction (0-1) of that core busy with anything (from /proc/stat). */
  busy: number[][];
  /** [core][tick] fraction (0-1) of that core used by the workload's own threads; empty lanes
   * when thread states are unavailable (no /proc). */
  workload: number[][];
  /** [tick] share of one core the profiler's own process used (engine and samplers): not other
   * programs' load. Absent in profiles of earlier versions. */
  profiler?: number[];
}

/** Columnar thread samples from the /proc sampler, joined with the Python stacks. */
export interface Samples {
  /** ms since the strategy's start. */
  t: number[];
  /** Index into `threads`. */
  thread: number[];
  /** CPU the thread last ran on (field 39 of stat), -1 if unknown. */
  core: number[];
  /** Index into THREAD_STATES. */
  state: number[];
  /** Index into `stackTable` (leaf node), -1 when no Python stack was close enough in time. */
  stack: number[];
  /** 1 while the thread was running one of the user's tasks. */
  inTask: number[];
}

/** Function table, columnar. `line` is the function's first line. */
export interface FrameTable {
  name: string[];
  file: string[];
  line: number[];
}

/** Stack trie, columnar: node i is frame[i] at line[i] called from node parent[i] (-1 = root). */
export interface StackTable {
  parent: number[];
  frame: number[];
  line: number[];
}

/** A place in the source: absolute file path and one-based line. */
export interface SourceSite {
  file: string;
  line: number;
}

/** Synchronous work that held up an asyncio event loop, grouped by the line that did it. */
export interface LoopBlock {
  /** The innermost frame of the user's own code (not the standard library's or site-packages') on
   * the loop thread's stack while the callbacks ran; when no stack sample fell inside them, the
   * coroutine's def line (`located` false). */
  site: SourceSite;
  function: string;
  /** The source line at `site` as written (indentation kept); null when the file could not be read. */
  code: string | null;
  /** Callbacks that ran at least `loopLag.slowCallbackMs`, their total and longest duration. */
  count: number;
  totalMs: number;
  maxMs: number;
  /** The loop thread's state meanwhile, from its /proc samples: `running` (on CPU, or queued for a
   * core), `sleep`, `io`, `lockWait`, `gilWait` or `other`; null without samples. */
  state: ThreadState | null;
  /** Share of those samples in which the thread was only queued for a core (other programs ran). */
  runnableShare: number;
  located: boolean;
  /** Each of the callbacks: index into `threads` (-1 unknown), start and end (ms). */
  spans: { thread: number[]; start: number[]; end: number[] };
}

/** The event-loop heartbeat: a callback scheduled every `heartbeatMs` on each loop, and how late it ran. */
export interface LoopLag {
  slowCallbackMs: number;
  heartbeatMs: number;
  beats: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  /** Sum of the lateness: how long ready callbacks waited for the loop in all. */
  lateMs: number;
  /** Libraries of loops that run callbacks in their own C code (uvloop): there the blocking
   * callbacks are heartbeats at least slowCallbackMs late, and back-to-back ones count as one.
   * Absent when every loop was asyncio's. */
  untimedLoops?: string[];
}

/** Upper bounds (ms) of the hold-time histogram's buckets; the last bucket holds everything longer. */
export const LOCK_HOLD_BUCKETS_MS = [0.01, 0.1, 1, 10, 100, 1000] as const;

export interface LockHolder {
  /** The function that held the lock, and the line where it took it. */
  function: string;
  site: SourceSite;
  count: number;
  meanHoldMs: number;
  maxHoldMs: number;
  /** Holds per bucket of LOCK_HOLD_BUCKETS_MS (one more bucket than bounds). */
  histogram: number[];
}

/** A lock tasks waited on, from the lock recorder (a re-run of the strategy with it installed). */
export interface LockInfo {
  /** The variable or attribute it is assigned to where it was created (`LOCK`, `Account.lock`), or null. */
  name: string | null;
  /** Lock, RLock, or what it is the lock of: Condition, Semaphore, BoundedSemaphore, Event, Barrier, Queue, ... */
  kind: string;
  /** Where the user's code created it. */
  site: SourceSite;
  function: string;
  code: string | null;
  /** Locks created at this site (per-object locks are merged). */
  instances: number;
  acquisitions: number;
  /** Acquisitions that had to wait, their total and longest wait. */
  contended: number;
  waitMs: number;
  maxWaitMs: number;
  /** waitMs over the task threads' time in the traced run. */
  waitShare: number;
  /** Threads that waited to acquire it. */
  waiters: number;
  /** Time spent in Condition.wait on it (waiting to be notified: a queue's get, an event, a semaphore). */
  conditionWaitMs: number;
  conditionWaiters: number;
  /** Where acquirers waited, most waited first. */
  waitSites: { function: string; site: SourceSite; count: number; waitMs: number }[];
  /** Who held it, longest total hold first. */
  holders: LockHolder[];
}

/** A pool the user's own code created in whole-script mode, as the pool hook saw it. */
export interface ScriptPool {
  /** `ThreadPoolExecutor`, `ProcessPoolExecutor`, `ThreadPool` (multiprocessing.pool) or `Pool`. */
  api: 'ThreadPoolExecutor' | 'ProcessPoolExecutor' | 'ThreadPool' | 'Pool';
  /** The kind the script asked for. */
  kind: 'threads' | 'processes';
  /** Workers it ran with (after a size override; the library default when not sized). */
  workers: number;
  /** The script passed max_workers / processes itself. */
  sized: boolean;
  file: string;
  line: number;
  /** What the what-if made of it, or null when it ran as written. */
  swappedTo: 'threads' | 'processes' | null;
}

export interface StrategyResult {
  id: string;
  kind: StrategyKind;
  startMethod: StartMethod | null;
  workers: number;
  status: StrategyStatus;
  error: string | null;
  errorDetail: ErrorDetail | null;
  wallSeconds: number | null;
  speedup: number | null;
  efficiency: number | null;
  cpuSeconds: { user: number; system: number } | null;
  peakRssBytes: number | null;
  /** Fractions of thread-samples taken while threads ran tasks; null when unavailable. */
  threadStates: ThreadStateFractions | null;
  threadStateSamples: number;
  /** true for serial itself; null when not compared (no results, or serial failed) or not comparable. */
  resultsMatchBaseline: boolean | null;
  /** The comparison with serial's results: `equal`, `differ`, `not-comparable` (a result that has no
   * value to compare: a generator, an iterator, an open file, a lock; never reported as differing),
   * `not-compared` (a strategy that did not complete, whole-script mode). Absent in older profiles. */
  resultsComparison?: ResultsComparison;
  firstDifference: FirstDifference | null;
  /** Relative tolerance floats were compared with; null = exactly (==). `+native-N` strategies sum in
   * another order than serial, so their floats are compared within 1e-6. */
  resultsTolerance: number | null;
  /** How results were compared when not in the run's own process (another interpreter), or why
   * they were not comparable or not compared; absent or null otherwise. */
  resultsNote?: string | null;
  timing: PhaseTimings;
  processCosts: ProcessCosts | null;
  /** Dask strategies: the cluster the tasks ran on (absent for the others). */
  cluster?: ClusterInfo | null;
  stackSampler: StackSamplerStats | null;
  /** Node runs: the event loops' utilisation and delay (absent for Python). */
  eventLoop?: EventLoopStats | null;
  processes: ProcessInfo[];
  threads: ThreadInfo[];
  /** Native thread pools that used CPU while tasks ran, largest CPU share first; [] when none did,
   * null when threads could not be read (no /proc). */
  nativePools: NativePool[] | null;
  /** What a `+native-N` strategy changed; null for the others. */
  nativeLimit: NativeLimit | null;
  tasks: TaskSpans;
  cores: CoreSeries | null;
  samples: Samples;
  frames: FrameTable;
  stacks: StackTable;
  /** Bounded tails of the workload's own output. */
  output: { stdout: string; stderr: string; truncatedBytes: number };
  /** The event-loop recorder (serial and asyncio runs of an `async def`, scripts using asyncio);
   * absent when it was not installed. */
  loopLag?: LoopLag | null;
  loopBlocks?: LoopBlock[];
  /** Contended locks, worst first; absent when no lock waits were seen (no re-run with the lock recorder). */
  locks?: LockInfo[];
  /** Processes the workload started and left running when its tasks were done (or when its
   * interpreter exited): all were killed. Absent in profiles of earlier versions. */
  leftBehind?: LeftProcess[];
  /** What a cap cut from this strategy's data (exception text, output, samples), one note each.
   * Absent in profiles of earlier versions. */
  capped?: string[];
  /** Times the /proc thread sampler was held up (an overloaded machine kept the profiler off the
   * cores) while tasks ran: absent when it never was, and in profiles of earlier versions. */
  samplerHeldUp?: SamplerHeldUp;
  /** Whole-script mode: the pools the script's own code created (absent in function mode). */
  pools?: ScriptPool[];
}

/** The thread sampler's ticks that came late, within the span the tasks ran (`taskMs`). */
export interface SamplerHeldUp {
  /** Gaps between ticks past max(50 ms, 5 sampling periods). */
  count: number;
  /** Their total length inside the tasks' span, and the longest, in ms. */
  ms: number;
  longestMs: number;
  /** From the first task's start to the last one's end, in ms. */
  taskMs: number;
}

export interface LeftProcess {
  pid: number;
  /** Its command line, cut to 1000 characters. */
  command: string;
}

// ---- Analysis (filled by src/profiler/analysis) ----

/** Verdict kinds of the Node.js rules only; the Python rules' texts cover the others. */
export type NodeVerdictKind = 'cpu-bound-event-loop' | 'threadpool-bound';
export type PythonVerdictKind = Exclude<VerdictKind, NodeVerdictKind>;

export type VerdictKind =
  | 'event-loop-blocked'
  | 'io-bound'
  | 'cpu-bound-gil'
  | 'cpu-bound-releases-gil'
  | 'lock-contention'
  | 'overhead-bound'
  | 'copy-bound'
  | 'already-parallel'
  | 'mixed'
  // Node.js only
  | 'cpu-bound-event-loop'
  | 'threadpool-bound';

export interface Verdict {
  kind: VerdictKind;
  label: string;
  confidence: number;
  evidence: string[];
  /** For `mixed`: the share of each contributing kind. */
  shares?: Partial<Record<VerdictKind, number>>;
  /** Names of the rules that fired, for traceability (docs/heuristics.md). */
  rules?: string[];
}

/** The routes around the GIL from the seed, each covered in `Recommendation.routes`. */
export const ROUTES = [
  'threads',
  'processes',
  'asyncio',
  'native-threads',
  'free-threaded',
  'interpreter',
  'subinterpreters',
  'cluster',
  'gpu',
] as const;
/** Node.js's routes, each covered in `Recommendation.routes` of a Node profile, in this order. */
export const NODE_ROUTES = [
  'async',
  'worker-threads',
  'child-processes',
  'libuv-pool',
  'shared-memory',
  'yield-to-loop',
] as const;
export type PythonRouteId = (typeof ROUTES)[number];
export type RouteId = PythonRouteId | (typeof NODE_ROUTES)[number];

/** What this profile measured about one route, or why it did not. */
export interface RouteCoverage {
  route: RouteId;
  status: 'measured' | 'unmeasured';
  /** Ids of the strategies that measured it (empty when unmeasured). */
  strategies: string[];
  /** The best speedup over serial among them that completed with matching results, else null. */
  bestSpeedup: number | null;
  /** The verdict says the route can help: worth adopting (measured) or trying (unmeasured). */
  fits: boolean;
  /** One line: why it fits or not, or why it was not measured. */
  reason: string;
  /** The whole explanation: figures, costs, platform notes. */
  detail: string;
  /** What to install or run to try it, null when nothing is needed. */
  install: string | null;
}

export interface Alternative {
  strategy: string;
  expectedSpeedup: number | null;
  why: string;
}

export interface Recommendation {
  /** A strategy id from the profile, or an unmeasured route (a RouteId). */
  strategy: string;
  workers: number | null;
  expectedSpeedup: number | null;
  projected: { cores2x: number | null; cores4x: number | null; model: string; assumptions: string } | null;
  rationale: string;
  /** The other measured strategies, best first (and batching for tiny tasks); unmeasured routes are in `routes`. */
  alternatives: Alternative[];
  caveats: string[];
  codeChange: string | null;
  /** Every route of ROUTES (of NODE_ROUTES for a Node run), in that order. Absent in profiles written before
   * routes were recorded. */
  routes?: RouteCoverage[];
}

// ---- Scaling curves (filled by the engine's planner, fitted by analysis/projection.ts) ----

/** One measured worker count of a curve; `strategy` is its run in `strategies`. */
export interface ScalingPoint {
  workers: number;
  strategy: string;
  wallSeconds: number;
  /** Against the run's baseline (serial; `script` in whole-script mode). */
  speedup: number;
}

/** A worker count of the curve that has no usable measurement, and why. */
export interface ScalingSkip {
  workers: number;
  reason: string;
}

/** Universal Scalability Law fit to a curve's points normalised to its own 1-worker point. */
export interface ScalingFit {
  model: 'usl';
  /** Contention: the share that runs one at a time. */
  sigma: number;
  /** Coherency: the cost of workers keeping each other in step; above 0 the curve has a peak. */
  kappa: number;
  /** Worker count where the fitted curve peaks (capped by the ceiling); null when it keeps rising. */
  peakWorkers: number | null;
  /** Root mean square error of the fit, in speedup units. */
  rmse: number;
  /** Distinct parallelism values fitted (the 1-worker anchor included); below 3 kappa is 0 and
   * projections are a guess. */
  pointsUsed: number;
  /** The fit is on min(workers, ceiling): no more than this many workers can run at once. */
  ceiling: { workers: number; reason: 'cores' | 'tasks' } | null;
}

export interface ScalingCurve {
  /** The family the curve sizes, as a strategy id without a worker count: `threads`,
   * `processes-fork`, `script+processes`. */
  strategy: string;
  /** `cpu`: the work needs cores (curve up to 2 x cores); `io`: it mostly waits (up to the tasks). */
  bound: 'cpu' | 'io';
  points: ScalingPoint[];
  skipped: ScalingSkip[];
  fit: ScalingFit | null;
}

/** How the run's one time budget was spent (see docs/profile-format.md for the priority order). */
export interface BudgetReport {
  /** The budget: `--budget`, or 3 x the base sweep. */
  seconds: number;
  /** The base sweep: serial and one run per family, the default budget's measure. */
  baseSweepSeconds: number;
  /** Wall time of every run, base sweep included. */
  spentSeconds: number;
  /** Runs the budget, the stopping rule or the cap left out, and why. */
  skipped: { strategy: string; reason: string }[];
}
/** The line of the user's code where one thread state was spent most (see analysis/hotspots.ts). */
export interface HotLine {
  function: string;
  file: string;
  line: number;
  /** This line's share of the in-task samples in that state that had a user frame. */
  share: number;
  samples: number;
}

export type HotLines = Partial<Record<ThreadState, HotLine>>;

export interface Profile {
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  runtime: Runtime;
  tool: { name: 'concurrency-profiler'; version: string };
  createdAt: string;
  mode: 'function' | 'script';
  workload: Workload;
  machine: Machine;
  settings: Settings;
  sampling: SamplingInfo;
  strategies: StrategyResult[];
  /** The main interpreter first, then the other interpreters the run measured (function mode). */
  interpreters?: InterpreterInfo[];
  /** Interpreters and routes left out of this run, and why (not installed, too old, tasks too short). */
  leftOut?: LeftOutRun[];
  /** Speedup against worker count, per family that matters (empty with `--scaling off`). */
  scaling?: ScalingCurve[];
  budget?: BudgetReport;
  /** True when the run was interrupted (Ctrl-C, SIGTERM, Cancel) and this profile is partial. */
  interrupted: boolean;
  verdict?: Verdict;
  recommendation?: Recommendation;
  /** Per strategy id: the user's line where each state was spent most. */
  hotLines?: Record<string, HotLines>;
}

/** A parsed profile of any readable version in the current shape: version 1 profiles are Python
 * runs without `runtime`. Throws for a version this build cannot read. */
export function upgradeProfile(profile: Profile): Profile {
  const version: unknown = (profile as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version))
    throw new Error(
      `format version ${String(version)} is not one this build reads (${READABLE_SCHEMA_VERSIONS.join(', ')})`,
    );
  if (version === 1) return { ...profile, schemaVersion: PROFILE_SCHEMA_VERSION, runtime: 'python' };
  return profile;
}
