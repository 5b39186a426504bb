// Measured facts the Node.js rules and recommendation read, derived once from a Node profile:
// per strategy the Python analysis's numbers (speedup, task-thread states, cores used) plus the
// event loops and libuv's pool. Nothing here judges.
import { libuvActivity, type LibuvActivity } from '../../node/libuv';
import { parseNodeStrategy, UV_DEFAULT_THREADS } from '../../node/strategies';
import type { EventLoopStats, HotLines, Profile } from '../../profile';
import { meanTaskSeconds, strategyFacts, type StrategyFacts } from '../facts';
import { hotLines } from '../hotspots';

export interface NodeStrategyFacts extends StrategyFacts {
  loop: EventLoopStats | null;
  libuv: LibuvActivity | null;
  /** libuv's pool size in this run: UV_THREADPOOL_SIZE of a `+uv-N` strategy, else libuv's default. */
  uvThreads: number;
  /** A `+uv-N` strategy: the pool was resized for it. */
  raisedPool: boolean;
}

export interface NodeFacts {
  profile: Profile;
  logicalCores: number;
  tasks: number;
  /** The function returned promises. */
  isAsync: boolean;
  all: NodeStrategyFacts[];
  /** serial (or the script run in whole-file mode), when it completed. */
  serial: NodeStrategyFacts | null;
  /** All calls started at once on one event loop (libuv's default pool). */
  async: NodeStrategyFacts | null;
  /** serial or async with UV_THREADPOOL_SIZE raised. */
  uvPools: NodeStrategyFacts[];
  workers: NodeStrategyFacts[];
  children: NodeStrategyFacts[];
  /** Mean duration of one serial call, seconds. */
  serialTaskSeconds: number | null;
  /** Shares of serial's task thread (the main thread) on CPU, and blocked: in I/O or idle in the event
   * loop, sleeping, or in a futex wait (Atomics.wait, a native lock), all of which stop the loop's JavaScript. */
  serialCpuShare: number | null;
  serialWaitShare: number | null;
  externalLoad: number | null;
  hot(s: StrategyFacts): HotLines;
}

function nodeStrategyFacts(profile: Profile, index: number): NodeStrategyFacts {
  const result = profile.strategies[index]!;
  const uv = parseNodeStrategy(result.id, result.workers)?.uvThreads ?? null;
  return {
    ...strategyFacts(result, new Map(), false), // no GIL, one Node
    loop: result.eventLoop ?? null,
    libuv: libuvActivity(result),
    uvThreads: uv ?? UV_DEFAULT_THREADS,
    raisedPool: uv !== null,
  };
}

export function collectNodeFacts(profile: Profile): NodeFacts {
  const all = profile.strategies.map((_, i) => nodeStrategyFacts(profile, i));
  const baselineKind = profile.mode === 'script' ? 'script' : 'serial';
  const serial = all.find((s) => s.result.kind === baselineKind && s.result.status === 'ok') ?? null;
  const hotCache = new Map<StrategyFacts, HotLines>();
  const cpu = serial?.states ? serial.states.cpu : serial?.coresUsed != null ? Math.min(1, serial.coresUsed) : null;
  return {
    profile,
    logicalCores: Math.max(1, profile.machine.logicalCores),
    tasks: profile.workload.tasks,
    isAsync: profile.workload.isAsync,
    all,
    serial,
    async: all.find((s) => s.result.kind === 'async' && !s.raisedPool) ?? null,
    uvPools: all.filter((s) => s.raisedPool),
    workers: all.filter((s) => s.result.kind === 'worker-threads'),
    children: all.filter((s) => s.result.kind === 'child-processes'),
    serialTaskSeconds: serial ? meanTaskSeconds(serial.result) : null,
    serialCpuShare: cpu,
    serialWaitShare: serial?.states ? serial.states.wait + serial.states.lock : cpu !== null ? 1 - cpu : null,
    externalLoad: serial ? serial.externalLoad : null,
    hot(s) {
      let h = hotCache.get(s);
      if (!h) hotCache.set(s, (h = hotLines(s.result, profile.workload.file)));
      return h;
    },
  };
}

/** Who ran the calls in the baseline, for evidence: serial's main thread, or a whole file's JavaScript threads. */
export function baselineThreads(f: NodeFacts): string {
  return f.profile.mode === 'script' ? 'script: its JavaScript threads' : 'serial: the main thread';
}

/** The pool strategies that copy arguments and results: worker threads and child processes. */
export function copying(f: NodeFacts): NodeStrategyFacts[] {
  return [...f.workers, ...f.children];
}

/** Every strategy that ran the calls some other way than serial. */
export function alternatives(f: NodeFacts): NodeStrategyFacts[] {
  return f.all.filter((s) => s !== f.serial && s.id !== 'serial' && s.result.kind !== 'script');
}
