// Measured facts the rules and the recommendation read, derived once from a profile.
// Nothing here judges: it only condenses the profile into per-strategy numbers.
import type { PythonInfo } from '../profile';
import { parseStrategyId } from '../../shared/strategyId';
import { otherLoadAt } from '../../shared/coreLoad';
import {
  coresOf,
  type HotLines,
  type InterpreterInfo,
  type Profile,
  type StrategyResult,
  type ThreadStateFractions,
} from '../profile';
import { hotLines } from './hotspots';
import { insideWork, type InsideWork } from './inside';

/** Thread-state shares of one strategy's task samples, grouped the way the rules use them. */
export interface StateShares {
  /** On a core or on a run queue: the thread wanted CPU. */
  cpu: number;
  running: number;
  runnable: number;
  gil: number;
  lock: number;
  io: number;
  sleep: number;
  /** Blocked in I/O or sleeping: time another thread (or the event loop) could use. */
  wait: number;
  other: number;
  samples: number;
}

export interface StrategyFacts {
  result: StrategyResult;
  id: string;
  /** The interpreter that ran it: null for the main one, else its name (`pypy3.9`). */
  interpreter: string | null;
  /** That interpreter ran with a GIL (false on a free-threaded build with the GIL off). */
  gil: boolean;
  workers: number;
  /** Speedup vs serial, null when not measured. */
  speedup: number | null;
  /** ok, timed, and its results equal serial's (or were not compared). */
  usable: boolean;
  states: StateShares | null;
  /** CPU seconds of the process tree per wall second: how many cores it kept busy. */
  coresUsed: number | null;
  meanLatenessMs: number | null;
  /** Mean share of the cores other programs kept busy during this run (null without core series). */
  externalLoad: number | null;
}

export interface Facts {
  profile: Profile;
  /** The interpreter that ran the workload (these rules read Python profiles; Node's are in ./node). */
  python: PythonInfo;
  /** Cores the run could use (coresOf: affinity and cgroup quota), not the host's count. */
  logicalCores: number;
  tasks: number;
  isAsync: boolean;
  all: StrategyFacts[];
  /** The rules read the main interpreter's runs only; `others` are the other interpreters'. */
  serial: StrategyFacts | null;
  threads: StrategyFacts[];
  processes: StrategyFacts[];
  asyncio: StrategyFacts | null;
  others: StrategyFacts[];
  /** The interpreters of the run by name (the main one under null). */
  interpreters: Map<string | null, InterpreterInfo>;
  /** The thread pool whose states show contention: the ok `threads` run with the fewest workers >= 2 (a
   * multi-threaded script in script mode). */
  contentionPool: StrategyFacts | null;
  /** Mean duration of one serial task, seconds. */
  serialTaskSeconds: number | null;
  /** Share of the serial task thread's time on CPU; from states, else from CPU seconds / wall. */
  serialCpuShare: number | null;
  /** Share of the serial task thread's time blocked in I/O or sleeping. */
  serialWaitShare: number | null;
  /** Mean share of the cores busy with work that is not the workload's, during the serial run. */
  externalLoad: number | null;
  /** The sampler recognised GIL waits; without that, GIL waits are counted as lock waits. */
  gilDetected: boolean;
  /** Where in the user's file each state was spent, per strategy (computed on first use). */
  hot(s: StrategyFacts): HotLines;
  /** Who did the CPU work while the strategy's tasks ran (computed on first use). */
  inside(s: StrategyFacts): InsideWork | null;
}

export function stateShares(states: ThreadStateFractions | null, samples: number): StateShares | null {
  if (!states || samples <= 0) return null;
  const total =
    states.running + states.runnable + states.gilWait + states.lockWait + states.io + states.sleep + states.other;
  if (!(total > 0)) return null;
  const f = (v: number): number => v / total;
  return {
    cpu: f(states.running + states.runnable),
    running: f(states.running),
    runnable: f(states.runnable),
    gil: f(states.gilWait),
    lock: f(states.lockWait),
    io: f(states.io),
    sleep: f(states.sleep),
    wait: f(states.io + states.sleep),
    other: f(states.other),
    samples,
  };
}

export function strategyFacts(
  result: StrategyResult,
  interpreters: Map<string | null, InterpreterInfo>,
  mainGil: boolean,
): StrategyFacts {
  const wall = result.wallSeconds;
  const cpu = result.cpuSeconds;
  const interpreter = parseStrategyId(result.id)?.interpreter ?? null;
  return {
    result,
    id: result.id,
    interpreter,
    gil: interpreter === null ? mainGil : (interpreters.get(interpreter)?.gil ?? true),
    workers: result.workers,
    speedup: result.speedup,
    usable: result.status === 'ok' && result.wallSeconds !== null && result.resultsMatchBaseline !== false,
    states: stateShares(result.threadStates, result.threadStateSamples),
    coresUsed: cpu && wall && wall > 0 ? (cpu.user + cpu.system) / wall : null,
    meanLatenessMs: result.stackSampler ? result.stackSampler.meanLatenessMs : null,
    externalLoad: meanExternalLoad(result),
  };
}

export function meanTaskSeconds(result: StrategyResult): number | null {
  const { start, end } = result.tasks;
  const n = Math.min(start.length, end.length);
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += end[i] - start[i];
  return sum / n / 1000;
}

/** Other programs' mean share of the cores while the strategy ran. */
function meanExternalLoad(result: StrategyResult): number | null {
  const cores = result.cores;
  if (!cores || cores.busy.length === 0) return null;
  let sum = 0;
  let n = 0;
  for (let c = 0; c < cores.busy.length; c++)
    for (let k = 0; k < cores.busy[c]!.length; k++, n++) sum += otherLoadAt(cores, c, k);
  return n > 0 ? sum / n : null;
}

export function collectFacts(profile: Profile): Facts {
  const python = profile.workload.python;
  if (!python) throw new Error(`the Python rules read Python profiles; this is a ${profile.runtime} run`);
  const interpreters = new Map<string | null, InterpreterInfo>();
  for (const i of profile.interpreters ?? []) interpreters.set(i.main ? null : i.name, i);
  const mainGil = interpreters.get(null)?.gil ?? !python.freeThreaded;
  const all = profile.strategies.map((r) => strategyFacts(r, interpreters, mainGil));
  const main = all.filter((s) => s.interpreter === null);
  // In whole-script mode the one run of the script is the baseline the rules read.
  const baselineKind = profile.mode === 'script' ? 'script' : 'serial';
  const serial = main.find((s) => s.result.kind === baselineKind && s.result.status === 'ok') ?? null;
  const threads = main.filter((s) => s.result.kind === 'threads' && s.result.status === 'ok');
  const processes = main.filter((s) => s.result.kind === 'processes');
  const asyncio = main.find((s) => s.result.kind === 'asyncio') ?? null;
  const pools = threads.filter((s) => s.workers >= 2 && s.states).sort((a, b) => a.workers - b.workers);
  // A script that starts its own threads shows its contention in its own run.
  if (profile.mode === 'script' && serial?.states && serial.result.threads.filter((t) => t.taskSamples > 0).length >= 2)
    pools.push(serial);
  // Without /proc states the serial CPU share falls back to CPU seconds per wall second; that
  // includes interpreter start-up, so it is an overestimate the rules treat with lower confidence.
  const serialCpuShare = serial?.states
    ? serial.states.cpu
    : serial?.coresUsed != null
      ? Math.min(1, serial.coresUsed)
      : null;
  const serialWaitShare = serial?.states ? serial.states.wait : serialCpuShare !== null ? 1 - serialCpuShare : null;
  const hotCache = new Map<StrategyFacts, HotLines>();
  const hot = (s: StrategyFacts): HotLines => {
    let h = hotCache.get(s);
    if (!h) hotCache.set(s, (h = hotLines(s.result, profile.workload.file)));
    return h;
  };
  const insideCache = new Map<StrategyFacts, InsideWork | null>();
  const inside = (s: StrategyFacts): InsideWork | null => {
    if (!insideCache.has(s)) insideCache.set(s, insideWork(s.result));
    return insideCache.get(s)!;
  };
  return {
    profile,
    python,
    hot,
    inside,
    logicalCores: coresOf(profile.machine),
    tasks: profile.workload.tasks,
    isAsync: profile.workload.isAsync,
    all,
    serial,
    threads,
    processes,
    asyncio,
    others: all.filter((s) => s.interpreter !== null),
    interpreters,
    contentionPool: pools[0] ?? null,
    serialTaskSeconds: serial ? meanTaskSeconds(serial.result) : null,
    serialCpuShare,
    serialWaitShare,
    externalLoad: serial ? serial.externalLoad : null,
    gilDetected: profile.sampling.threadStates === 'proc' && profile.sampling.gilDetection !== null,
  };
}

/** "threads x2", or the id alone when it already names its pool size ("threads-8"). */
export function label(s: StrategyFacts | StrategyResult): string {
  return parseStrategyId(s.id)?.workers != null || s.workers <= 1 ? s.id : `${s.id} x${s.workers}`;
}
