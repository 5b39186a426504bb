// A deterministic, hand-made profile that follows src/profiler/profile.ts exactly: the
// measurements are made up, the verdict and recommendation come from the real analysis. Used by
// the export and webview tests and by the render benchmark (1M samples over 8 threads), for sizes
// no real run would produce quickly.
import { analyzeProfile } from '../../src/profiler/analysis/index';
import {
  PROFILE_SCHEMA_VERSION,
  THREAD_STATES,
  type CoreSeries,
  type Profile,
  type StrategyResult,
  type ThreadState,
} from '../../src/profiler/profile';

export interface SyntheticOptions {
  /** Worker threads of the `threads` strategy (serial always has one). */
  threads?: number;
  /** Samples per thread in the `threads` strategy. */
  samplesPerThread?: number;
  cores?: number;
  /** Include a function whose name is HTML, to check it is escaped everywhere. */
  hostileName?: boolean;
  /** Run the analysis (default true): verdict, recommendation, hot lines. */
  withAnalysis?: boolean;
  /** Start every stack in threading and concurrent.futures frames, as real pool threads do. */
  runtimeFrames?: boolean;
}

const SAMPLE_HZ = 200;
const INTERVAL_MS = 1000 / SAMPLE_HZ;
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

/** Small seeded PRNG (mulberry32) so every run builds the same profile. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stateCode = (s: ThreadState): number => THREAD_STATES.indexOf(s);

interface CallTree {
  frames: StrategyResult['frames'];
  stacks: StrategyResult['stacks'];
  /** Leaf nodes a sample can be in. */
  leaves: number[];
}

const LIBRARY_FILES: Record<string, string> = {
  _bootstrap_inner: '/usr/lib/python3.11/threading.py',
  run: '/usr/lib/python3.11/threading.py',
  _worker: '/usr/lib/python3.11/concurrent/futures/thread.py',
  update: '/usr/lib/python3.11/collections/__init__.py',
  _count_elements: '/usr/lib/python3.11/collections/__init__.py',
};

/**
 * worker -> count_words -> {tokenize, normalize -> lower, Counter.update -> _count_elements (a
 * library)}, read_chunk; with runtimeFrames, under the thread machinery of a real pool thread
 * (threading, concurrent.futures), whose idle threads wait in _worker.
 */
function buildCallTree(file: string, hostileName: boolean, runtimeFrames: boolean): CallTree {
  const names = [
    ...(runtimeFrames ? ['_bootstrap_inner', 'run', '_worker'] : []),
    'worker',
    'count_words',
    'tokenize',
    'normalize',
    'lower',
    'update',
    '_count_elements',
    'read_chunk',
  ];
  if (hostileName) names.push(HOSTILE_NAME);
  const frames = {
    name: names,
    file: names.map((n) => LIBRARY_FILES[n] ?? file),
    line: names.map((_, i) => 10 + i * 7),
  };
  const stacks = { parent: [] as number[], frame: [] as number[], line: [] as number[] };
  const node = (parent: number, frameName: string, lineOffset: number): number => {
    const f = names.indexOf(frameName);
    stacks.parent.push(parent);
    stacks.frame.push(f);
    stacks.line.push(frames.line[f]! + lineOffset);
    return stacks.parent.length - 1;
  };
  const poolWorker = runtimeFrames ? node(node(node(-1, '_bootstrap_inner', 3), 'run', 2), '_worker', 5) : -1;
  const worker = node(poolWorker, 'worker', 2);
  const count = node(worker, 'count_words', 3);
  const tokenize = node(count, 'tokenize', 1);
  const normalize = node(count, 'normalize', 2);
  const lower = node(normalize, 'lower', 1);
  const update = node(count, 'update', 4);
  const countElements = node(update, '_count_elements', 2);
  const read = node(worker, 'read_chunk', 1);
  const leaves = [tokenize, normalize, lower, countElements, update, read, count];
  if (runtimeFrames) leaves.push(poolWorker);
  if (hostileName) leaves.push(node(count, HOSTILE_NAME, 1));
  return { frames, stacks, leaves };
}

function coreSeries(cores: number, durationMs: number, busyOf: (core: number, tick: number) => number): CoreSeries {
  const intervalMs = 100;
  const ticks = Math.max(1, Math.ceil(durationMs / intervalMs));
  const busy: number[][] = [];
  const workload: number[][] = [];
  for (let c = 0; c < cores; c++) {
    const w = Array.from({ length: ticks }, (_, k) => busyOf(c, k));
    workload.push(w);
    busy.push(w.map((v) => Math.min(1, v + 0.04)));
  }
  return { intervalMs, startMs: 0, busy, workload };
}

interface StrategyShape {
  id: string;
  kind: StrategyResult['kind'];
  threads: number;
  samplesPerThread: number;
  cores: number;
  /** Under the GIL one thread runs at a time; the others wait for it. */
  gil: boolean;
  seed: number;
}

interface TreeOptions {
  hostileName: boolean;
  runtimeFrames: boolean;
}

function buildStrategy(
  shape: StrategyShape,
  file: string,
  treeOptions: TreeOptions,
  serialWall: number,
): StrategyResult {
  const random = rng(shape.seed);
  const tree = buildCallTree(file, treeOptions.hostileName, treeOptions.runtimeFrames);
  const n = shape.threads * shape.samplesPerThread;
  const samples = {
    t: new Array<number>(n),
    thread: new Array<number>(n),
    core: new Array<number>(n),
    state: new Array<number>(n),
    stack: new Array<number>(n),
    inTask: new Array<number>(n),
  };
  // Each thread keeps its current leaf for a few samples, as real code does.
  const leafOf = new Array<number>(shape.threads).fill(tree.leaves[0]!);
  const switchEvery = 2; // ticks between GIL hand-overs (a 5 ms interval at 200 Hz is ~1 tick)
  let i = 0;
  for (let tick = 0; tick < shape.samplesPerThread; tick++) {
    const holder = Math.floor(tick / switchEvery) % shape.threads;
    for (let th = 0; th < shape.threads; th++) {
      if (random() < 0.3) leafOf[th] = tree.leaves[Math.floor(random() * tree.leaves.length)]!;
      const running = !shape.gil || th === holder;
      let state: ThreadState = running ? 'running' : 'gilWait';
      if (random() < 0.02) state = 'io';
      samples.t[i] = Math.round((tick * INTERVAL_MS + th * 0.01) * 100) / 100; // 2 decimals, as the engine writes
      samples.thread[i] = th;
      samples.core[i] = running ? (th + Math.floor(tick / 50)) % shape.cores : th % shape.cores;
      samples.state[i] = stateCode(state);
      samples.stack[i] = random() < 0.01 ? -1 : leafOf[th]!;
      samples.inTask[i] = 1;
      i++;
    }
  }
  const durationMs = shape.samplesPerThread * INTERVAL_MS;
  const wallSeconds = durationMs / 1000;
  const pid = 4000 + shape.seed;
  const threads = Array.from({ length: shape.threads }, (_, th) => ({
    pid,
    tid: pid + th + 1,
    name: shape.threads === 1 ? 'MainThread' : `ThreadPoolExecutor-0_${th}`,
    process: 0,
    samples: shape.samplesPerThread,
    taskSamples: shape.samplesPerThread,
    nativePool: null,
  }));
  const tasksPerThread = 4;
  const tasks = { thread: [] as number[], start: [] as number[], end: [] as number[], failed: [] as number[] };
  for (let th = 0; th < shape.threads; th++) {
    for (let k = 0; k < tasksPerThread; k++) {
      tasks.thread.push(th);
      tasks.start.push((durationMs * k) / tasksPerThread);
      tasks.end.push((durationMs * (k + 1)) / tasksPerThread - 1);
      tasks.failed.push(0);
    }
  }
  const running = shape.gil ? 1 / shape.threads : 1;
  return {
    id: shape.id,
    kind: shape.kind,
    startMethod: null,
    workers: shape.threads,
    status: 'ok',
    error: null,
    errorDetail: null,
    wallSeconds,
    speedup: serialWall / wallSeconds,
    efficiency: serialWall / wallSeconds / shape.threads,
    cpuSeconds: { user: wallSeconds * 0.97, system: wallSeconds * 0.03 },
    peakRssBytes: 48_000_000 + shape.threads * 2_000_000,
    threadStates: {
      running: running * 0.98,
      runnable: 0,
      gilWait: (1 - running) * 0.98,
      lockWait: 0,
      io: 0.02,
      sleep: 0,
      other: 0,
    },
    threadStateSamples: n,
    resultsMatchBaseline: true,
    firstDifference: null,
    resultsTolerance: null,
    timing: {
      interpreterStartSeconds: 0.03,
      importSeconds: 0.01,
      tasksSeconds: wallSeconds,
      engineOverheadSeconds: 0.05,
      totalSeconds: wallSeconds + 0.09,
    },
    processCosts: null,
    stackSampler: { samples: n, hz: 100, meanLatenessMs: 4.1, p95LatenessMs: 5.2 },
    processes: [{ pid, ppid: 1, role: 'harness', command: 'python3 harness.py' }],
    threads,
    nativePools: [],
    nativeLimit: null,
    tasks,
    cores: coreSeries(shape.cores, durationMs, (c) => (shape.gil ? 1 / shape.cores : c < shape.threads ? 0.95 : 0)),
    samples,
    frames: tree.frames,
    stacks: tree.stacks,
    output: { stdout: '', stderr: '', truncatedBytes: 0 },
  };
}

function failedStrategy(): StrategyResult {
  return {
    ...buildStrategy(
      { id: 'processes-spawn', kind: 'processes', threads: 1, samplesPerThread: 0, cores: 2, gil: false, seed: 9 },
      '/w/word_stats.py',
      { hostileName: false, runtimeFrames: false },
      1,
    ),
    startMethod: 'spawn',
    status: 'failed',
    error: "PicklingError: Can't pickle <function <lambda>>",
    errorDetail: {
      type: 'PicklingError',
      message: "Can't pickle <function <lambda> at 0x7f>: attribute lookup <lambda> on __main__ failed",
      traceback:
        'Traceback (most recent call last):\n  File "/w/word_stats.py", line 3, in ' +
        "<module>\n    pool.map(lambda x: x, xs)\n_pickle.PicklingError: Can't pickle " +
        '<function <lambda>>',
    },
    wallSeconds: null,
    speedup: null,
    efficiency: null,
    cpuSeconds: null,
    peakRssBytes: null,
    threadStates: null,
    resultsMatchBaseline: null,
    cores: null,
  };
}

export function syntheticProfile(options: SyntheticOptions = {}): Profile {
  const threads = options.threads ?? 4;
  const samplesPerThread = options.samplesPerThread ?? 400;
  const cores = options.cores ?? 2;
  const tree = { hostileName: options.hostileName ?? false, runtimeFrames: options.runtimeFrames ?? false };
  const file = '/w/word_stats.py';
  const serialSamples = Math.max(1, Math.round(samplesPerThread * 0.9));
  const serialWall = (serialSamples * INTERVAL_MS) / 1000;
  const serial = buildStrategy(
    { id: 'serial', kind: 'serial', threads: 1, samplesPerThread: serialSamples, cores, gil: false, seed: 1 },
    file,
    tree,
    serialWall,
  );
  const threaded = buildStrategy(
    { id: `threads-${threads}`, kind: 'threads', threads, samplesPerThread, cores, gil: true, seed: 2 },
    file,
    tree,
    serialWall,
  );
  const profile: Profile = {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    runtime: 'python',
    tool: { name: 'concurrency-profiler', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    mode: 'function',
    workload: {
      file,
      function: 'count_words',
      args: null,
      tasks: threads * 4,
      isAsync: false,
      python: { executable: '/usr/bin/python3', version: '3.11.2', implementation: 'CPython', freeThreaded: false },
    },
    machine: {
      logicalCores: cores,
      physicalCores: cores,
      cpuModel: 'Synthetic CPU',
      memoryBytes: 8e9,
      os: 'linux',
      arch: 'x64',
      gpus: [],
    },
    settings: {
      workers: threads,
      timeoutSeconds: 60,
      sampleHz: SAMPLE_HZ,
      stackSampleHz: 100,
      strategies: ['serial', 'threads', 'processes-spawn'],
    },
    sampling: { threadStates: 'proc', note: null, gilDetection: 'futex words at _PyRuntime+0x1b0 (synthetic)' },
    strategies: [serial, threaded, failedStrategy()],
    interrupted: false,
  };
  if (options.withAnalysis ?? true) Object.assign(profile, analyzeProfile(profile));
  return profile;
}
