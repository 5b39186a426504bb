// Hand-built Node.js profiles for the Node analysis tests: the Python builders' strategies, with
// Node's kinds, event loops and libuv pool threads added where a test states them.
import { parseNodeStrategy } from '../../src/profiler/node/strategies';
import { THREAD_STATES, type Profile, type StrategyResult } from '../../src/profiler/profile';
import { profile, strategy, type ProfileSpec, type StrategySpec } from './profileBuilders';

export interface NodeStrategySpec extends StrategySpec {
  /** The main thread's event loop over the tasks. */
  loop?: { utilization: number; p99Ms?: number };
  /** libuv pool threads busy per sampler tick while the tasks ran (mean), running. */
  uvBusy?: number;
  /** Structured-clone bytes per call, both ways (worker-threads, child-processes). */
  bytesPerTask?: number;
}

export interface NodeProfileSpec extends Omit<ProfileSpec, 'strategies'> {
  strategies: NodeStrategySpec[];
  file?: string;
  fn?: string;
}

const TICKS = 100;
const POOL = 4;

/** A main thread and libuv's 4 pool threads sampled over the tasks, `busy` pool threads running per tick. */
function withPool(result: StrategyResult, busy: number): void {
  result.processes = [{ pid: 100, ppid: 1, role: 'harness', command: 'node' }];
  result.threads = [
    { pid: 100, tid: 100, name: 'main', process: 0, samples: 0, taskSamples: 0, nativePool: null },
    ...Array.from({ length: POOL }, (_, i) => ({
      pid: 100,
      tid: 101 + i,
      name: 'libuv-worker',
      process: 0,
      samples: 0,
      taskSamples: 0,
      nativePool: null,
    })),
  ];
  const start = Math.min(...result.tasks.start);
  const end = Math.max(...result.tasks.end);
  const s = result.samples;
  const running = THREAD_STATES.indexOf('running');
  const idle = THREAD_STATES.indexOf('lockWait');
  const io = THREAD_STATES.indexOf('io');
  for (let tick = 0; tick < TICKS; tick++) {
    const t = start + ((end - start) * (tick + 0.5)) / TICKS;
    const count = Math.floor(busy) + (tick < (busy % 1) * TICKS ? 1 : 0);
    for (let thread = 0; thread <= POOL; thread++) {
      s.t.push(t);
      s.thread.push(thread);
      s.core.push(0);
      s.state.push(thread === 0 ? io : thread <= count ? running : idle);
      s.stack.push(-1);
      s.inTask.push(thread === 0 ? 1 : 0);
    }
  }
}

export function nodeStrategy(spec: NodeStrategySpec, serialWall: number, tasks: number): StrategyResult {
  const parsed = parseNodeStrategy(spec.id, spec.workers ?? 2);
  const kind = spec.kind ?? parsed?.kind ?? 'script';
  const result = strategy({ ...spec, kind, workers: spec.workers ?? parsed?.workers ?? 1 }, serialWall, tasks);
  if (spec.loop)
    result.eventLoop = {
      utilization: spec.loop.utilization,
      delay:
        spec.loop.p99Ms === undefined ? null : { meanMs: 1, p50Ms: 1, p99Ms: spec.loop.p99Ms, maxMs: spec.loop.p99Ms },
      workers: [],
    };
  if (kind === 'worker-threads' || kind === 'child-processes') {
    const half = (spec.bytesPerTask ?? 40) / 2;
    result.processCosts = {
      workerStartupSeconds: [0.05, 0.05],
      pickledBytesSentPerTask: half,
      pickledBytesSentTotal: half * tasks,
      pickledBytesReceivedPerTask: half,
      pickledBytesReceivedTotal: half * tasks,
      ...spec.processCosts,
    };
  }
  if (spec.uvBusy !== undefined) withPool(result, spec.uvBusy);
  return result;
}

export function nodeProfile(spec: NodeProfileSpec): Profile {
  const base = profile({ ...spec, strategies: [] });
  const tasks = spec.tasks ?? 8;
  const serialWall = spec.serialWall ?? 0.8;
  const workload = { ...base.workload };
  delete workload.python;
  return {
    ...base,
    runtime: 'node',
    workload: {
      ...workload,
      file: spec.file ?? '/nonexistent/work.js',
      function: spec.fn ?? 'work',
      args: spec.args === undefined ? 'Array(8).fill([1])' : spec.args,
      node: { executable: '/usr/bin/node', version: '20.20.2', v8: '11.3.244.8-node.38' },
    },
    sampling: { threadStates: 'proc', note: null, gilDetection: null },
    settings: { ...base.settings, stackSampleHz: 1000, strategies: spec.strategies.map((s) => s.id) },
    strategies: spec.strategies.map((s) => nodeStrategy(s, serialWall, tasks)),
  };
}

/** Main-thread shapes: JavaScript running, idle in the loop (timers), and half of each. */
export const LOOP_CPU = { running: 0.97, other: 0.03 };
export const LOOP_IDLE = { running: 0.05, io: 0.93, other: 0.02 };
