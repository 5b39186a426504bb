// Runs a profile: checks the interpreter and the file, then each strategy in a fresh interpreter
// under the samplers, and returns the profile. Free of `vscode`: the CLI and the extension (through
// the CLI) both use it. Node.js files run through src/profiler/node (a PreparedRuntime): the same
// samplers, budget, timeouts and profile, with Node's harness, strategies and stacks.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeProfile } from './analysis';
import { assemble, type HarnessResult, type RunRecord } from './assemble';
import { environmentWith } from './envFile';
import type { EngineEvent } from './events';
import { capText, EXCEPTION_MESSAGE_CHARS, TRACEBACK_CHARS } from './caps';
import { workloadEnvironment } from './environment';
import { killTree, launch, LIFELINE_FD, noteWorkloadProcess, type ProcessRef } from './launcher';
import { lockTraceTarget } from './locks';
import { describeMachine } from './machine';
import { usableCores } from './cores';
import {
  coresOf,
  PROFILE_SCHEMA_VERSION,
  type ErrorDetail,
  type Profile,
  type ScalingMode,
  type ResultsComparison,
  type StrategyResult,
  type StrategyStatus,
} from './profile';
import {
  afterMainPlan,
  basePlan,
  checkRequestedNames,
  compareInMain,
  describeGilDetection,
  gate,
  prepareInterpreters,
  type RunInterpreter,
} from './interpreterRuns';
import type { InterpreterRequest } from './interpreters';
import { checkSchedulerAddress, daskOffer, DASK_STOP_GRACE_SECONDS, isRemoteDask } from './daskRuns';
import { isNodeSource, nodeRuntime, V8_TICK_HZ } from './node/runtime';
import { isDirectory, planImport, type ImportPlan } from './project';
import { rangeProblem } from './options';
import {
  formatSyntaxError,
  importError,
  InterruptedError,
  probe,
  pythonDir,
  UsageError,
  type ProbeResult,
} from './python';
import { createRunDir } from './runDirs';
import type { PreparedRuntime } from './runtime';
import { CoreSampler } from './sampler/coreSampler';
import { ThreadSampler } from './sampler/threadSampler';
import {
  CPU_BOUND_SHARE_FOR_NO_IO_POOL,
  DEFAULT_STRATEGIES,
  ioPoolId,
  KNOWN_STRATEGY_FORMS,
  nativeStrategies,
  parseStrategy,
  strategyEnvironment,
  scriptWhatIfs,
  type StrategySpec,
} from './strategies';
import { completeScriptResult } from './scriptWhatIf';
import { readTraces } from './traces';
import { RunBudget } from './budget';
import { DEFAULT_MAX_WORKERS, ScalingPlanner, type PlannedRun } from './scalingPlanner';

export { InterruptedError, UsageError } from './python';

export const VERSION = '0.1.0';
export const DEFAULTS = {
  timeoutSeconds: 120,
  sampleHz: 200,
  stackSampleHz: 100,
  coreIntervalMs: 100,
  /** An asyncio callback running this long blocks the loop (python/cp_blocking.py). */
  slowCallbackMs: 10,
};
/** Exit code the harness uses for a usage error (function not found, bad --args, ...). */
const HARNESS_USAGE_EXIT = 3;
/** After the harness exited and its tree was killed, its output pipes get this long to close. */
const DRAIN_MS = 1_000;

export interface ProfileOptions {
  file: string;
  functionName: string | null;
  args: string | null;
  workers?: number;
  /** Strategy ids; null = the default sweep. */
  strategies?: string[] | null;
  python?: string;
  /** Node.js for .js/.mjs/.cjs/.ts files (default: node on PATH). */
  node?: string;
  /** `--interpreters`; absent: PyPy and free-threaded builds found, for the default sweep only. */
  interpreters?: InterpreterRequest;
  /** Interpreters the editor knows (the Python extension's environments), for `auto`. */
  knownInterpreters?: string[];
  /** `--dask-scheduler`: an existing Dask cluster the `dask` strategy runs on (never stopped by us). */
  daskScheduler?: string | null;
  timeoutSeconds?: number;
  sampleHz?: number;
  stackSampleHz?: number;
  /** `--scaling`: curves for the families that matter (`auto`), every pool family (`full`), none (`off`). */
  scaling?: ScalingMode;
  /** `--budget`: seconds for the whole run; default BUDGET_BASE_SWEEPS x the base sweep. */
  budgetSeconds?: number | null;
  /** `--max-workers`: the largest pool a curve tries. */
  maxWorkers?: number;
  /** The project root (the workspace folder in VS Code); null: the nearest folder with a marker. */
  projectRoot?: string | null;
  /** A .env file whose variables the run gets (--env-file, python.envFile). */
  envFile?: string | null;
  /** An asyncio callback at least this long is reported as blocking the event loop. */
  slowCallbackMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
}

export interface ProfileOutcome {
  profile: Profile;
  /** 0 when the serial baseline completed, 1 otherwise. */
  exitCode: 0 | 1;
}

interface RunContext {
  options: Required<
    Omit<
      ProfileOptions,
      | 'signal'
      | 'onEvent'
      | 'strategies'
      | 'functionName'
      | 'args'
      | 'projectRoot'
      | 'envFile'
      | 'interpreters'
      | 'knownInterpreters'
      | 'daskScheduler'
      | 'node'
    >
  > &
    ProfileOptions;
  /** The Python interpreter's probe; null for a Node.js run. */
  probe: ProbeResult | null;
  /** The main interpreter (null) and the others, by name. */
  interpreter: (name: string | null) => RunInterpreter;
  daskScheduler: string | null;
  /** How Python imports the module; null for a Node.js run. */
  plan: ImportPlan | null;
  /** A Node.js run: how its strategies start and what they recorded (src/profiler/node); null for Python. */
  node: PreparedRuntime | null;
  env: NodeJS.ProcessEnv;
  runDir: string;
  defaultTasks: number;
  emit: (event: EngineEvent) => void;
  /** Whole-script mode: what the script as written did, for the what-ifs to be compared with. */
  scriptBaseline: Parameters<typeof completeScriptResult>[2];
}

export async function runProfile(input: ProfileOptions): Promise<ProfileOutcome> {
  const file = resolve(input.file);
  const nodeFile = isNodeSource(file);
  const workers = input.workers ?? usableCores().count;
  const problem =
    rangeProblem('workers', workers, '--workers') ??
    (input.timeoutSeconds === undefined ? null : rangeProblem('timeoutSeconds', input.timeoutSeconds, '--timeout')) ??
    (input.sampleHz === undefined ? null : rangeProblem('sampleHz', input.sampleHz, '--sample-hz'));
  if (problem) throw new UsageError(problem);
  const options = {
    ...input,
    file,
    workers,
    python: input.python ?? 'python3',
    timeoutSeconds: input.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
    sampleHz: input.sampleHz ?? DEFAULTS.sampleHz,
    stackSampleHz: input.stackSampleHz ?? (nodeFile ? V8_TICK_HZ : DEFAULTS.stackSampleHz),
    // Scaling curves size Python's pool families; a Node run has none.
    scaling: nodeFile ? ('off' as const) : (input.scaling ?? 'auto'),
    budgetSeconds: input.budgetSeconds ?? null,
    maxWorkers: input.maxWorkers ?? DEFAULT_MAX_WORKERS,
    slowCallbackMs: input.slowCallbackMs ?? DEFAULTS.slowCallbackMs,
  };
  const daskScheduler = input.daskScheduler ? checkSchedulerAddress(input.daskScheduler) : null;
  if (daskScheduler && !input.functionName)
    throw new UsageError("--dask-scheduler needs --function: the cluster runs the function's tasks.");
  const emit = input.onEvent ?? (() => {});
  const named = input.strategies
    ? parseRequested(input.strategies, workers, input.functionName !== null, nodeFile)
    : null;
  // One strategies setting serves both modes (the extension's): the other mode's ids are left out.
  if (named && named.otherMode.length > 0) {
    const why = input.functionName ? 'they run the whole script' : 'they need --function';
    emit({ type: 'log', level: 'warn', message: `--strategies: ${named.otherMode.join(', ')} left out: ${why}` });
  }
  const requested = withDask(named && named.specs.length > 0 ? named.specs : null, daskScheduler, workers);

  if (!existsSync(file)) throw new UsageError(`Cannot read ${file}: no such file`);
  const envFile = input.envFile ? resolve(input.envFile) : null;
  const env = workloadEnvironment(envFile ? environmentWith(envFile, process.env) : process.env);
  if (input.projectRoot && !isDirectory(input.projectRoot))
    throw new UsageError(`--project-root ${input.projectRoot} is not a folder`);
  const machinePromise = describeMachine();
  const node = nodeFile
    ? await nodeRuntime.prepare({
        file,
        executable: input.node,
        logicalCores: usableCores().count,
        projectRoot: input.projectRoot ?? null,
        env,
      })
    : null;
  const py = node ? null : await preparePython(input, file, options, requested, env);
  const machine = await machinePromise;
  if (input.signal?.aborted) throw new InterruptedError('stopped before any strategy ran');

  const runDir = createRunDir();
  const context: RunContext = {
    options,
    probe: py?.info ?? null,
    plan: py?.plan ?? null,
    node,
    env,
    runDir,
    defaultTasks: Math.max(8, 2 * coresOf(machine)),
    emit,
    scriptBaseline: null,
    interpreter: (name) => (name === null ? py!.interpreters.main : py!.byName.get(name)!),
    daskScheduler,
  };
  const profile: Profile = {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    runtime: node ? 'node' : 'python',
    tool: { name: 'concurrency-profiler', version: VERSION },
    createdAt: new Date().toISOString(),
    mode: input.functionName ? 'function' : 'script',
    workload: {
      file,
      function: input.functionName,
      args: input.args,
      tasks: 0,
      isAsync: false,
      ...(py ? pythonWorkload(py.info, py.plan) : node!.workload),
      envFile,
      packages: [],
    },
    machine,
    settings: {
      workers,
      timeoutSeconds: options.timeoutSeconds,
      sampleHz: options.sampleHz,
      stackSampleHz: options.stackSampleHz,
      strategies: [],
      scaling: options.scaling,
      maxWorkers: options.maxWorkers,
      interpreterSearch:
        py?.effectiveRequest.kind === 'default'
          ? 'default'
          : py?.effectiveRequest.kind === 'list' && py.effectiveRequest.items.includes('auto')
            ? 'auto'
            : 'off',
    },
    sampling: py
      ? {
          threadStates: ThreadSampler.supported() ? 'proc' : 'unavailable',
          note: ThreadSampler.supported()
            ? py.info.gilNote
            : `thread states need Linux /proc (this is ${process.platform} ${process.arch}): not sampled, not guessed`,
          gilDetection: describeGilDetection(py.info.gilOffsets),
        }
      : node!.sampling,
    strategies: [],
    interrupted: false,
  };
  const others = py?.interpreters.others ?? [];
  if (input.functionName && py) {
    profile.interpreters = [py.interpreters.main.info, ...others.map((o) => o.info)];
    profile.leftOut = [...py.interpreters.leftOut];
  }

  const budget = new RunBudget(options.budgetSeconds);
  const planner = new ScalingPlanner({
    mode: options.scaling,
    workers,
    maxWorkers: options.maxWorkers,
    cores: coresOf(machine),
    named: requested !== null,
    specFor: (id) => (nodeFile ? nodeRuntime.parseStrategy(id, workers) : parseStrategy(id, workers)),
  });
  let started = 0;
  let total = 0;
  const runOne = async (spec: StrategySpec) => {
    const index = started++;
    emit({ type: 'strategy-start', id: spec.id, index, total });
    const { result, harness } = await runStrategy(spec, context, profile.strategies[0] ?? null).catch(
      (error: unknown) => {
        // One strategy's data that cannot be read or assembled costs that strategy, not the run.
        if (error instanceof UsageError) throw error;
        const message = `the engine could not assemble this strategy's data: ${(error as Error).message}`;
        emit({ type: 'log', level: 'error', message: `${spec.id}: ${message}` });
        return { result: notRun(spec, 'failed', message), harness: null };
      },
    );
    profile.strategies.push(result);
    if (harness?.packages) {
      profile.workload.packages = [...new Set([...(profile.workload.packages ?? []), ...harness.packages])].sort();
    }
    budget.charge(result.timing.totalSeconds);
    emit({
      type: 'strategy-end',
      id: spec.id,
      index,
      total,
      status: result.status,
      wallSeconds: result.wallSeconds,
      speedup: result.speedup,
    });
    return { result, harness };
  };
  /** Whether a run of about the baseline's cost fits the budget; if not, it is recorded as skipped. */
  const withinBudget = (spec: StrategySpec, baseline: StrategyResult): boolean => {
    const estimate = baseline.timing.totalSeconds;
    if (budget.affords(estimate)) return true;
    const reason = budget.refusal(estimate);
    budget.skip(spec.id, reason);
    profile.strategies.push(notRun(spec, 'skipped', `not run: ${reason}`));
    return false;
  };
  /** The base sweep after the baseline, then the scaling curves, all within the budget. */
  const runSweep = async (rest: StrategySpec[]) => {
    const baseline = profile.strategies[0]!;
    if (rest.length > 0) emit(planEvent('base', rest, baseline, profile, budget));
    for (const spec of rest) {
      if (input.signal?.aborted) {
        profile.strategies.push(notRun(spec, 'cancelled', 'not run: the run was interrupted'));
        continue;
      }
      if (!withinBudget(spec, baseline)) continue;
      await runOne(spec);
    }
    budget.closeBaseSweep();
    if (!input.signal?.aborted) {
      const scaling = planner.plan(profile);
      total = started + scaling.length;
      if (scaling.length > 0) emit(planEvent('scaling', scaling, baseline, profile, budget));
      for (let spec = planner.next(profile, budget); spec; spec = planner.next(profile, budget)) {
        await runOne(spec);
        if (input.signal?.aborted) break;
      }
    }
    if (input.signal?.aborted) planner.abandon('not run: the run was interrupted', budget, profile);
  };
  /** Then each other interpreter's runs, within the same budget. */
  const runOthers = async (others: RunInterpreter[]) => {
    const baseline = profile.strategies[0]!;
    for (const other of others) {
      const specs = [
        ...basePlan(other, requested, workers),
        ...afterMainPlan(other, profile.strategies, py!.effectiveRequest, requested, workers),
      ];
      total = started + specs.length;
      for (const spec of specs) {
        if (input.signal?.aborted) {
          profile.strategies.push(notRun(spec, 'cancelled', 'not run: the run was interrupted'));
          continue;
        }
        // Over the budget, each of them is skipped for that (not for its serial run having been).
        if (!withinBudget(spec, baseline)) continue;
        const blocked = gate(spec, other, profile.strategies);
        if (blocked) {
          profile.strategies.push(notRun(spec, blocked.status, blocked.reason));
          continue;
        }
        await runOne(spec);
      }
    }
  };
  try {
    const baselineId = input.functionName ? 'serial' : 'script';
    const parse = nodeFile ? nodeRuntime.parseStrategy : parseStrategy;
    const defaults = nodeFile ? nodeRuntime.defaultStrategies : DEFAULT_STRATEGIES;
    const mainRequested = requested?.filter((s) => s.interpreter === null) ?? null;
    const plan: StrategySpec[] =
      mainRequested ?? (input.functionName ? defaults : ['script']).map((id) => parse(id, workers)!);
    if (plan[0]?.id !== baselineId) {
      plan.splice(0, plan.length, parse(baselineId, workers)!, ...plan.filter((s) => s.id !== baselineId));
    }
    total = plan.length;
    const baseline = await runOne(plan[0]!);
    if (baseline.harness) {
      profile.workload.tasks = baseline.harness.tasks ?? 0;
      profile.workload.isAsync = baseline.harness.isAsync ?? false;
      if (input.functionName) profile.workload.consumedResults = consumedKind(baseline.harness.consumed);
      if (baseline.harness.import) recordImport(profile, baseline.harness.import);
      if (!requested && input.functionName && baseline.result.status === 'ok')
        plan.push(
          ...(node
            ? node.adaptive(baseline.result, baseline.harness, workers, plan)
            : adaptiveStrategies(baseline.result, profile.workload.isAsync, workers, plan, py!.info)),
        );
      if (py && !requested && input.functionName && baseline.result.status === 'ok') {
        const dask = await daskOffer(baseline.result, daskScheduler, workers, () =>
          importError(py.interpreters.main.executable, 'distributed', { cwd: py.plan.cwd, env }),
        );
        plan.push(...dask.specs);
        profile.leftOut!.push(...dask.leftOut);
      }
      if (!node && !requested && !input.functionName && baseline.result.status === 'ok')
        plan.push(...scriptWhatIfs(baseline.harness.pools ?? []).map((id) => parseStrategy(id, workers)!));
    }
    total = plan.length;
    const rest = plan.slice(1);
    if (baseline.result.status !== 'ok' && input.functionName) {
      // Without a baseline nothing can be compared: the rest is not run, on any interpreter.
      for (const spec of [...rest, ...others.flatMap((o) => basePlan(o, requested, workers))]) {
        profile.strategies.push(
          input.signal?.aborted
            ? notRun(spec, 'cancelled', 'not run: the run was interrupted')
            : notRun(spec, 'skipped', 'not run: the serial baseline did not complete'),
        );
      }
    } else {
      await runSweep(rest);
      await runOthers(others);
    }
    // The lock recorder is the Python harness's.
    if (profile.strategies[0]?.status === 'ok' && py) await nameLocks(profile, context, budget);
  } finally {
    profile.interrupted = !!input.signal?.aborted;
    profile.settings.strategies = profile.strategies.map((s) => s.id);
    profile.scaling = planner.results(profile);
    profile.budget = budget.report();
    rmSync(runDir, { recursive: true, force: true });
  }

  try {
    Object.assign(profile, analyzeProfile(profile));
  } catch (error) {
    // The measurements are worth keeping even when the advice cannot be made.
    emit({ type: 'log', level: 'error', message: `analysis failed: ${(error as Error).stack ?? String(error)}` });
  }
  return { profile, exitCode: profile.strategies[0]?.status === 'ok' ? 0 : 1 };
}

/** A signal to the harness alone (not its group): it may be gone already. */
function signalHarness(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // exited meanwhile
  }
}

/** `dask` joins a --strategies list when a scheduler is given; named without one it is a usage error. */
function withDask(requested: StrategySpec[] | null, scheduler: string | null, workers: number): StrategySpec[] | null {
  if (!requested) return null;
  const named = requested.some((s) => isRemoteDask(s));
  if (named && !scheduler)
    throw new UsageError('The dask strategy runs on an existing cluster: give its --dask-scheduler tcp://HOST:PORT.');
  return scheduler && !named ? [...requested, parseStrategy('dask', workers)!] : requested;
}

/** A Python run's interpreter, import plan and the other interpreters it compares with. */
async function preparePython(
  input: ProfileOptions,
  file: string,
  options: { python: string; timeoutSeconds: number },
  requested: StrategySpec[] | null,
  env: NodeJS.ProcessEnv,
) {
  const plan = planImport(file, input.projectRoot ?? null);
  const info = await probe(options.python, file, { cwd: plan.cwd, env, signal: input.signal });
  if (info.fileError) throw new UsageError(`Cannot read ${file}: ${info.fileError}`);
  if (info.syntaxError) throw new UsageError(formatSyntaxError(info.syntaxError));
  const request = input.interpreters ?? { kind: 'default' };
  if (!input.functionName && request.kind === 'list')
    throw new UsageError('--interpreters needs --function: other interpreters run the same function and tasks.');
  // A --strategies list without --interpreters asks for exactly those runs.
  const effectiveRequest: InterpreterRequest =
    !input.functionName || (request.kind === 'default' && requested) ? { kind: 'none' } : request;
  const interpreters = await prepareInterpreters(effectiveRequest, info, file, {
    known: input.knownInterpreters,
    timeoutSeconds: options.timeoutSeconds,
    where: { cwd: plan.cwd, env },
    importPlan: harnessImport(file, plan),
  });
  checkRequestedNames(requested, interpreters.others);
  const byName = new Map(interpreters.others.map((o) => [o.info.name, o]));
  return { plan, info, effectiveRequest, interpreters, byName };
}

/** The workload fields of a Python run: its interpreter and how the module is imported. */
function pythonWorkload(info: ProbeResult, plan: ImportPlan): Partial<Profile['workload']> {
  return {
    python: {
      executable: info.executable,
      version: info.version,
      implementation: info.implementation,
      freeThreaded: info.freeThreaded,
    },
    // As planned; the first strategy's harness reports what the interpreter made of it.
    module: plan.module,
    moduleNote: plan.moduleNote,
    sysPathAdded: plan.sysPathAdded,
    sysPathAppended: plan.sysPathAppended,
    cwd: plan.cwd,
  };
}

/** The import plan as the harness (and the probe of another interpreter) reads it. */
function harnessImport(file: string, plan: ImportPlan) {
  return {
    file,
    module: plan.module,
    moduleNote: plan.moduleNote,
    sysPathAdded: plan.sysPathAdded,
    sysPathAppended: plan.sysPathAppended,
  };
}

/** How the harness imported the module: by name, or from its file and why. */
function recordImport(profile: Profile, done: NonNullable<HarnessResult['import']>): void {
  Object.assign(profile.workload, {
    module: done.imported,
    moduleNote: done.imported === null ? done.fileNote : null,
    sysPathAdded: done.sysPathAdded,
    sysPathAppended: done.sysPathAppended,
  });
}

/** Threads waited on locks: the run with the most lock waits again, with the lock recorder, to name them. */
async function nameLocks(profile: Profile, context: RunContext, budget: RunBudget): Promise<void> {
  const target = lockTraceTarget(profile.strategies);
  if (!target || context.options.signal?.aborted) return;
  const traced = profile.strategies.find((s) => s.id === target.id)!;
  // Last in the budget's order: it only names locks, so it runs if the measuring runs left room.
  const estimate = traced.timing.totalSeconds;
  if (!budget.affords(estimate)) {
    const reason = `the lock recorder's re-run, to name the locks: ${budget.refusal(estimate)}`;
    budget.skip(`${target.id}+locks`, reason);
    context.emit({ type: 'log', level: 'info', message: `${target.id}: ${reason}` });
    return;
  }
  context.emit({
    type: 'log',
    level: 'info',
    message: `${target.id}: threads waited on locks; running it once more with the lock recorder to name them`,
  });
  const { result } = await runStrategy(target, context, profile.strategies[0]!, { traceLocks: true });
  budget.charge(result.timing.totalSeconds);
  if (result.status === 'ok' && result.locks) traced.locks = result.locks;
  else
    context.emit({
      type: 'log',
      level: 'warn',
      message: `${target.id} with the lock recorder: ${result.error ?? 'no lock report'}; locks are not named`,
    });
}

/** The named strategies of this mode, and the ids that belong to the other mode (whole script or not). */
function parseRequested(
  ids: string[],
  workers: number,
  functionMode: boolean,
  nodeFile: boolean,
): { specs: StrategySpec[]; otherMode: string[] } {
  const specs: StrategySpec[] = [];
  const otherMode: string[] = [];
  const parse = nodeFile ? nodeRuntime.parseStrategy : parseStrategy;
  const forms = nodeFile ? nodeRuntime.knownStrategyForms : KNOWN_STRATEGY_FORMS;
  for (const id of ids.map((s) => s.trim()).filter(Boolean)) {
    const spec = parse(id, workers);
    if (!spec) throw new UsageError(`Unknown strategy "${id}". Known: ${forms}.`);
    if ((spec.kind === 'script') === functionMode) {
      otherMode.push(id);
      continue;
    }
    if (specs.some((s) => s.id === spec.id)) throw new UsageError(`Strategy "${id}" is listed twice.`);
    specs.push(spec);
  }
  return { specs, otherMode };
}

/** The I/O-sized thread pool unless the serial task thread was CPU-bound; asyncio for coroutines;
 * one native thread per worker when serial ran native thread pools; subinterpreters on 3.12+. */
function adaptiveStrategies(
  serial: StrategyResult,
  isAsync: boolean,
  workers: number,
  plan: StrategySpec[],
  main: ProbeResult,
): StrategySpec[] {
  const extra: StrategySpec[] = [];
  const states = serial.threadStates;
  const onCpu = states ? states.running + states.runnable : 0;
  if (onCpu < CPU_BOUND_SHARE_FOR_NO_IO_POOL) extra.push(parseStrategy(ioPoolId(workers), workers)!);
  if (isAsync) extra.push(parseStrategy('asyncio', workers)!);
  if (serial.nativePools && serial.nativePools.length > 0) extra.push(...nativeStrategies(plan, workers));
  if (main.subinterpreters) extra.push(parseStrategy('subinterpreters', workers)!);
  return extra;
}

/** What is about to run, with estimates, so the user sees the cost before paying it. */
function planEvent(
  stage: 'base' | 'scaling',
  runs: (StrategySpec | PlannedRun)[],
  baseline: StrategyResult,
  profile: Profile,
  budget: RunBudget,
): EngineEvent {
  return {
    type: 'plan',
    stage,
    runs: runs.map((r) => ({
      id: r.id,
      calls: profile.mode === 'function' ? profile.workload.tasks : 1,
      estimatedSeconds: 'estimatedSeconds' in r ? r.estimatedSeconds : round3(baseline.timing.totalSeconds),
    })),
    budgetSeconds: budget.seconds,
    spentSeconds: round3(budget.spentSeconds),
  };
}

function notRun(spec: StrategySpec, status: StrategyStatus, reason: string): StrategyResult {
  return {
    id: spec.id,
    kind: spec.kind,
    startMethod: spec.startMethod,
    workers: spec.workers,
    status,
    error: reason,
    errorDetail: null,
    wallSeconds: null,
    speedup: null,
    efficiency: null,
    cpuSeconds: null,
    peakRssBytes: null,
    threadStates: null,
    threadStateSamples: 0,
    resultsMatchBaseline: null,
    resultsComparison: 'not-compared',
    resultsNote: `not compared: ${reason}`,
    firstDifference: null,
    resultsTolerance: null,
    timing: {
      interpreterStartSeconds: null,
      importSeconds: null,
      tasksSeconds: null,
      engineOverheadSeconds: null,
      totalSeconds: 0,
    },
    processCosts: null,
    stackSampler: null,
    processes: [],
    threads: [],
    nativePools: null,
    nativeLimit: null,
    tasks: { thread: [], start: [], end: [], failed: [] },
    cores: null,
    samples: { t: [], thread: [], core: [], state: [], stack: [], inTask: [] },
    frames: { name: [], file: [], line: [] },
    stacks: { parent: [], frame: [], line: [] },
    output: { stdout: '', stderr: '', truncatedBytes: 0 },
    leftBehind: [],
    capped: [],
  };
}

function readHarnessResult(path: string): HarnessResult | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HarnessResult;
  } catch {
    return null;
  }
}

async function runStrategy(
  spec: StrategySpec,
  context: RunContext,
  serial: StrategyResult | null,
  recorders: { traceLocks?: boolean } = {},
): Promise<{ result: StrategyResult; harness: HarnessResult | null }> {
  const { options, plan, runDir, emit, node } = context;
  const interpreter = node ? null : context.interpreter(spec.interpreter);
  const remote = isRemoteDask(spec);
  const dir = join(runDir, recorders.traceLocks ? `${spec.id}+locks` : spec.id);
  mkdirSync(dir, { recursive: true });
  const config = {
    file: options.file,
    function: options.functionName,
    args: options.args,
    strategy: spec,
    traceDir: dir,
    resultPath: join(dir, 'result.json'),
    baselinePath: options.functionName ? join(runDir, 'baseline.pickle') : null,
    stackHz: options.stackSampleHz,
    defaultTasks: context.defaultTasks,
    // Another interpreter writes its results portably; the main one compares them.
    portableResultsPath: spec.interpreter !== null ? join(dir, 'results.json') : null,
    // A given cluster's run stops itself at the deadline: its futures are cancelled, the cluster kept.
    dask:
      spec.kind === 'dask'
        ? {
            scheduler: remote ? context.daskScheduler : null,
            deadlineNs: Number(process.hrtime.bigint()) + options.timeoutSeconds * 1e9,
          }
        : null,
    import: plan ? harnessImport(options.file, plan) : null,
    // The event-loop recorder where one loop runs the tasks; the harness installs it for coroutines only.
    watchLoops: spec.kind === 'serial' || spec.kind === 'asyncio' || spec.kind === 'script',
    slowCallbackMs: options.slowCallbackMs,
    traceLocks: recorders.traceLocks ?? false,
    lifelineFd: LIFELINE_FD,
  };
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));

  const command = node
    ? node.launch(spec, configPath, dir)
    : {
        command: interpreter!.executable,
        args: [join(pythonDir(), 'cp_harness.py'), configPath],
        cwd: plan!.cwd,
        env: strategyEnvironment(spec, context.env),
      };
  const t0 = process.hrtime.bigint();
  const launched = launch(command.command, command.args, command.cwd, command.env);
  const pid = launched.child.pid;
  if (pid !== undefined) emit({ type: 'workload', id: spec.id, pgid: pid });
  const threadSampler =
    pid !== undefined && ThreadSampler.supported()
      ? new ThreadSampler(pid, options.sampleHz, t0, (p) => noteWorkloadProcess(pid, p))
      : null;
  const coreSampler = new CoreSampler(DEFAULTS.coreIntervalMs, t0);
  threadSampler?.start();
  coreSampler.start();

  let status: StrategyStatus = 'ok';
  let stopReason: 'timeout' | 'cancelled' | null = null;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (reason: 'timeout' | 'cancelled') => {
    if (stopReason || pid === undefined) return;
    stopReason = reason;
    if (!remote) {
      void killTree(pid);
      return;
    }
    // A given cluster is never killed: the harness cancels the run's futures on SIGTERM and exits;
    // only when it does not is its own tree (never the cluster) killed.
    signalHarness(pid, 'SIGTERM');
    graceTimer = setTimeout(() => void killTree(pid), DASK_STOP_GRACE_SECONDS * 1000);
  };
  // A given cluster's run stops itself at the deadline; the engine's timer only backs it up.
  const timer = setTimeout(
    () => stop('timeout'),
    (options.timeoutSeconds + (remote ? DASK_STOP_GRACE_SECONDS : 0)) * 1000,
  );
  const heartbeat = setInterval(
    () => emit({ type: 'heartbeat', id: spec.id, elapsedSeconds: Number(process.hrtime.bigint() - t0) / 1e9 }),
    1000,
  );
  const onAbort = () => stop('cancelled');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  let exitCode: number | null = null;
  let launchError: Error | null = null;
  try {
    // The harness's exit ends the strategy, not its pipes closing: a process the workload left
    // running may hold them.
    exitCode = await launched.exited;
  } catch (error) {
    launchError = error as Error;
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    threadSampler?.stop();
    coreSampler.stop();
  }
  // Whatever the workload left behind (a background process, a pool it did not shut down, a
  // daemon that left the session) goes too; the harness killed what it could reach itself.
  const { killed } = pid !== undefined ? await killTree(pid) : { killed: [] as ProcessRef[] };
  await launched.drained(DRAIN_MS);
  const endedMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const harness = readHarnessResult(config.resultPath);
  let error: string | null = null;
  let errorDetail = harness?.error ?? null;
  if (remote && (harness?.status === 'timeout' || harness?.status === 'cancelled')) {
    status = harness.status;
    error = harness.error?.message ?? harness.status;
    errorDetail = null;
  } else if (stopReason === 'timeout') {
    status = 'timeout';
    error = `no result after ${options.timeoutSeconds} s (--timeout): the process tree was killed`;
    errorDetail = null;
  } else if (stopReason === 'cancelled') {
    status = 'cancelled';
    error = 'cancelled: the process tree was killed';
    errorDetail = null;
  } else if (launchError) {
    status = 'failed';
    error = `could not start ${command.command}: ${launchError.message}`;
  } else if (!harness) {
    status = 'failed';
    const tail = launched.stderr.text().trim().split('\n').slice(-5).join('\n');
    error = `the interpreter exited with code ${exitCode} before reporting a result${tail ? `:\n${tail}` : ''}`;
  } else if (serial === null && (harness.status === 'usage' || exitCode === HARNESS_USAGE_EXIT)) {
    const message = harness.error?.message ?? 'usage error';
    const available = harness.available?.length
      ? `\nFunctions in ${options.file}: ${harness.available.join(', ')}`
      : '';
    throw new UsageError(harness.error?.type === 'SyntaxError' ? `SyntaxError: ${message}` : `${message}${available}`);
  } else if (harness.status !== 'ok') {
    status = harness.status === 'skipped' ? 'skipped' : 'failed';
    error = harness.error ? `${harness.error.type}: ${harness.error.message}` : harness.status;
  }
  if (errorDetail) errorDetail = capErrorDetail(errorDetail);
  if (error) error = capText(error, EXCEPTION_MESSAGE_CHARS);
  // A failed baseline is reported on its own (baselineFailure.ts), the others as they happen.
  if (status === 'failed' && errorDetail?.traceback && serial !== null)
    emit({ type: 'log', level: 'error', message: `${spec.id} failed:\n${errorDetail.traceback.trimEnd()}` });
  // Left behind: what the harness killed at its end, and what the engine still found after it exited.
  const leftBehind = [
    ...(harness?.leftBehind ?? []),
    ...(stopReason ? [] : killed.map(({ pid: left, command }) => ({ pid: left, command }))),
  ];
  if (leftBehind.length > 0)
    emit({
      type: 'log',
      level: 'warn',
      message: `${spec.id}: killed ${leftBehind.length} process(es) the workload left running: ${leftBehind
        .slice(0, 3)
        .map((p) => `${p.pid} ${p.command}`)
        .join('; ')}`,
    });

  const run: RunRecord = {
    spec,
    workload: { file: options.file, function: options.functionName },
    t0,
    endedMs,
    status,
    error,
    errorDetail,
    harness,
    traces: node ? await node.readTraces(dir, t0) : readTraces(dir),
    threadSampler,
    coreSampler,
    gilOffsets: interpreter?.gilOffsets ?? null,
    stackJoinWindowMs: node?.stackJoinWindowMs,
    isRuntimeThread: node?.isRuntimeThread,
    output: {
      stdout: launched.stdout.text(),
      stderr: launched.stderr.text(),
      truncatedBytes: launched.stdout.droppedBytes + launched.stderr.droppedBytes,
    },
    leftBehind,
  };
  const result = assemble(run);
  node?.complete(result, harness);
  if (spec.kind === 'script') {
    const dropped = launched.stdout.droppedBytes;
    completeScriptResult(result, harness, context.scriptBaseline, dropped);
    if (serial === null) context.scriptBaseline = { result, exitCode: harness?.exitCode, stdoutDropped: dropped };
  }
  if (config.portableResultsPath && config.baselinePath && config.import && plan && result.status === 'ok') {
    const compared = await compareInMain(
      context.interpreter(null).executable,
      config.baselinePath,
      config.portableResultsPath,
      config.import,
      { cwd: plan.cwd, env: context.env },
    );
    result.resultsMatchBaseline = compared.match;
    result.firstDifference = compared.firstDifference;
    result.resultsNote = compared.note;
  }
  result.resultsComparison = comparisonOf(result, harness?.resultsComparison);
  if (result.wallSeconds !== null && serial?.wallSeconds) {
    result.speedup = round3(serial.wallSeconds / result.wallSeconds);
    result.efficiency = round3(result.speedup / result.workers);
  } else if (serial === null && result.wallSeconds !== null) {
    // The baseline itself: serial, or the script as written.
    result.speedup = 1;
    result.efficiency = 1;
  }
  return { result, harness };
}

/** The comparison's outcome in one word, whichever way it was made (in the harness, in the main
 * interpreter for another one, or between scripts). */
function comparisonOf(result: StrategyResult, inHarness: ResultsComparison | undefined): ResultsComparison {
  if (result.status !== 'ok') return 'not-compared';
  if (inHarness === 'not-comparable') return 'not-comparable';
  if (result.resultsMatchBaseline !== null) return result.resultsMatchBaseline ? 'equal' : 'differ';
  return /not comparable/i.test(result.resultsNote ?? '') ? 'not-comparable' : 'not-compared';
}

/** What serial's results were consumed as (the harness lists what it iterated), for the profile. */
function consumedKind(consumed: string[] | undefined): Profile['workload']['consumedResults'] {
  if (consumed?.includes('async generator')) return 'async generator';
  return consumed?.includes('generator') ? 'generator' : null;
}

function capErrorDetail(detail: ErrorDetail): ErrorDetail {
  return {
    type: capText(String(detail.type), 200),
    message: capText(String(detail.message), EXCEPTION_MESSAGE_CHARS),
    traceback: capText(String(detail.traceback), TRACEBACK_CHARS),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
