// What the engine needs from a language runtime: which strategies exist, how to check the
// interpreter and the file, how to start one strategy's run and how to read what it recorded.
// Python (src/profiler/python.ts) and Node.js (src/profiler/node/runtime.ts) implement it, and
// engine.ts runs either the same way: same samplers, timeouts, cancel and profile.
import type { HarnessResult } from './assemble';
import type { Profile, Runtime, SamplingInfo, StrategyResult, Workload } from './profile';
import type { StrategySpec } from './strategies';
import type { TraceData } from './traces';

export interface RuntimeOptions {
  file: string;
  /** The interpreter the user named (--python or --node), or undefined for the default. */
  executable: string | undefined;
  logicalCores: number;
  /** --project-root, or null for the nearest folder with a project marker. */
  projectRoot: string | null;
  /** The environment runs get: the user's, with --env-file's variables. */
  env: NodeJS.ProcessEnv;
}

/** The command that runs one strategy, never through a shell. */
export interface StrategyLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A runtime checked against the user's interpreter and file, ready to run strategies. */
export interface PreparedRuntime {
  /** The profile's workload fields this runtime fills before any strategy runs. */
  workload: Partial<Workload>;
  sampling: SamplingInfo;
  /** Rate of the stack sampler (Python's in-process sampler, V8's tick sampler). */
  stackSampleHz: number;
  /** Threads of the runtime itself, by name (not the script's own in whole-script mode). */
  isRuntimeThread?: (name: string) => boolean;
  /** How far (ms) a stack sample may be from the /proc sample it is joined to. */
  stackJoinWindowMs: number;
  /** GIL futex words (offsets from _PyRuntime) for the thread-state classifier; null when none. */
  gilOffsets: number[] | null;
  /** Fields of every strategy's harness config besides the engine's own. */
  harnessConfig: Record<string, unknown>;
  launch(spec: StrategySpec, configPath: string, dir: string): StrategyLaunch;
  /** What the run recorded in `dir`: task spans, thread names, stacks. */
  readTraces(dir: string, t0: bigint): Promise<TraceData>;
  /** Strategies the default sweep adds once serial has shown what the function is. */
  adaptive(serial: StrategyResult, harness: HarnessResult, workers: number, plan: StrategySpec[]): StrategySpec[];
  /** Whole-script what-ifs to add once the script ran as written (Python: its pools swapped). */
  scriptWhatIfs?(harness: HarnessResult, workers: number): StrategySpec[];
  /** What the baseline's harness said about loading the workload (Python: how it imported it). */
  recordBaseline?(profile: Profile, harness: HarnessResult): void;
  /** Fills the runtime's own fields of a finished strategy. */
  complete(result: StrategyResult, harness: HarnessResult | null): void;
}

export interface RuntimeDriver {
  runtime: Runtime;
  /** Ids in the order they run when the user names none. */
  defaultStrategies: readonly string[];
  /** The spec for an id the user may name, or null when this runtime cannot run it. */
  parseStrategy(id: string, workers: number): StrategySpec | null;
  knownStrategyForms: string;
  prepare(options: RuntimeOptions): Promise<PreparedRuntime>;
}
