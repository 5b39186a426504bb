// Runs the user's JavaScript or TypeScript under one strategy, in a fresh Node started by the
// engine: `node --prof ... -r cp_node_preload.js cp_node_harness.js CONFIG.json`. Writes the
// result file (path in the config) at the end; trace-PID.jsonl files hold task spans and thread
// names as they happen, V8's tick logs the stacks. The same file runs the pool members: a worker
// thread (workerData) or a forked child (`--pool-member CONFIG INDEX`).
//
// Exit codes: 0 ran (the tasks may still have failed: see the result), 3 usage error.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import { compareWithBaseline, saveBaseline, serializedSize } from './compare';
import { errorDetail, Skip, syntaxErrorMessage } from './errors';
import { watchEventLoop } from './eventLoop';
import { availableFunctions, loadModule, NotFound, resolveFunction, runAsMain, taskInputs, UsageError } from './load';
import { exitAfterFlush } from '../../../shared/exitAfterFlush';
import { watchLifeline } from './lifeline';
import { runMember } from './member';
import type { MemberData, NodeHarnessConfig, NodeHarnessResult } from './protocol';
import {
  isAsyncFunction,
  runAsync,
  runChildProcesses,
  runSerial,
  runWorkerThreads,
  type Outcome,
  type Runner,
  type RunState,
} from './runners';
import { initThreadpool } from './threadpool';
import { nowNs, TraceWriter } from './trace';

const HARNESS_START_NS = nowNs();
const USAGE_EXIT = 3;

const RUNNERS: Partial<Record<string, Runner>> = {
  serial: runSerial,
  async: runAsync,
  'worker-threads': runWorkerThreads,
  'child-processes': runChildProcesses,
};

const POOLED = new Set(['worker-threads', 'child-processes']);

function writeResult(path: string, result: NodeHarnessResult): void {
  result.endNs = nowNs();
  writeFileSync(`${path}.tmp`, JSON.stringify(result));
  renameSync(`${path}.tmp`, path);
}

function usage(result: NodeHarnessResult, message: string, type = 'UsageError'): void {
  result.status = 'usage';
  result.error = { type, message, traceback: '' };
}

async function runFunction(config: NodeHarnessConfig, configPath: string, result: NodeHarnessResult): Promise<void> {
  const trace = startTrace(config);
  await initThreadpool(config.file);
  trace.nameNewThreads('libuv-worker');
  result.importStartNs = nowNs();
  const exports = await loadModule(config.file);
  let fn;
  try {
    fn = resolveFunction(exports, config.function!);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
    result.available = availableFunctions(exports);
    throw new UsageError(`${config.function} is not exported by ${config.file}`);
  }
  result.isAsync = isAsyncFunction(fn);
  const tasks = await taskInputs(exports, fn, config.args, config.defaultTasks);
  result.tasks = tasks.length;
  result.importEndNs = nowNs();
  const kind = config.strategy.kind;
  if (POOLED.has(kind)) {
    // Measured before the clock starts, with the serializer postMessage and advanced IPC use: an
    // argument that cannot be cloned (a function, a socket) fails here at once.
    result.pickledBytesSent = tasks.map((args, index) => {
      try {
        return serializedSize(args);
      } catch (error) {
        throw Object.assign(
          new Error(
            `task ${index}'s arguments cannot be sent to a ` +
              `${kind === 'worker-threads' ? 'worker thread' : 'child process'}: ${(error as Error).message}`,
          ),
          { name: (error as Error).name },
        );
      }
    });
  }
  const runner = RUNNERS[kind];
  if (!runner) throw new UsageError(`the Node harness cannot run a ${kind} strategy`);
  const state: RunState = {
    config,
    configPath,
    trace,
    sawPromise: false,
    members: [],
    childCpu: { user: 0, system: 0 },
    workersReady: [],
  };
  const loop = await watchEventLoop();
  const cpuBefore = process.cpuUsage();
  result.taskStartNs = nowNs();
  let outcomes: Outcome[];
  try {
    outcomes = await runner(fn, tasks, state);
  } finally {
    result.taskEndNs = nowNs();
    const cpu = process.cpuUsage(cpuBefore);
    const own = await loop.stop();
    result.cpuSeconds = {
      user: (cpu.user + state.childCpu.user) / 1e6,
      system: (cpu.system + state.childCpu.system) / 1e6,
    };
    result.eventLoop = { ...own, workers: state.members };
    for (const ready of state.workersReady) trace.write({ workerReady: ready });
  }
  result.isAsync = result.isAsync || state.sawPromise;
  const failure = outcomes.find((o) => o.error)?.error;
  if (failure) {
    result.status = 'failed';
    result.error = failure;
    process.stderr.write(failure.traceback);
    return;
  }
  const values = outcomes.map((o) => o.value);
  if (POOLED.has(kind)) result.pickledBytesReceived = values.map((v) => safeSize(v));
  if (config.baselinePath) {
    if (config.strategy.id === 'serial') {
      saveBaseline(config.baselinePath, values);
      result.resultsMatchBaseline = true;
      result.firstDifference = null;
    } else {
      const { match, firstDifference } = compareWithBaseline(config.baselinePath, values);
      result.resultsMatchBaseline = match;
      result.firstDifference = firstDifference;
    }
  }
}

function safeSize(value: unknown): number {
  try {
    return serializedSize(value);
  } catch {
    return 0;
  }
}

function startTrace(config: NodeHarnessConfig): TraceWriter {
  const trace = new TraceWriter(config.traceDir, 'harness');
  trace.nameThread(process.pid, 'main');
  trace.nameNewThreads('V8 platform');
  return trace;
}

/** Whole-file mode: the file runs once as the main module until its event loop has nothing left
 * (or it calls process.exit). Everything it starts, threads and processes alike, is the task. */
async function runScript(config: NodeHarnessConfig, result: NodeHarnessResult): Promise<void> {
  const trace = startTrace(config);
  await initThreadpool(config.file);
  trace.nameNewThreads('libuv-worker');
  process.argv = [process.argv[0]!, config.file];
  result.tasks = 1;
  const loop = await watchEventLoop();
  const cpuBefore = process.cpuUsage();
  const start = nowNs();
  result.importStartNs = result.importEndNs = result.taskStartNs = start;
  let done = false;
  const finish = (failure: unknown, exitCode: number) => {
    if (done) return;
    done = true;
    const end = nowNs();
    result.taskEndNs = end;
    const cpu = process.cpuUsage(cpuBefore);
    result.cpuSeconds = { user: cpu.user / 1e6, system: cpu.system / 1e6 };
    // The loop cannot turn again here (the script is ending): its utilisation is what is known.
    result.eventLoop = { ...loop.snapshot(), workers: [] };
    trace.markProfilerThreads();
    trace.task(0, process.pid, start, end, failure !== null || exitCode !== 0);
    if (failure !== null) {
      result.status = 'failed';
      result.error = errorDetail(failure);
      process.stderr.write(result.error.traceback);
    } else if (exitCode !== 0) {
      result.status = 'failed';
      result.error = { type: 'ExitCode', message: `the script exited with code ${exitCode}`, traceback: '' };
    }
    writeResult(config.resultPath, result);
  };
  process.once('beforeExit', () => finish(null, Number(process.exitCode ?? 0)));
  // process.exit() from the script, or the end after beforeExit: the harness's own code is the result's.
  process.once('exit', (code) => {
    finish(null, code);
    process.exitCode = result.status === 'usage' ? USAGE_EXIT : 0;
  });
  process.on('uncaughtException', (error) => {
    finish(error, 1);
    exitAfterFlush(0);
  });
  try {
    await runAsMain(config.file);
  } catch (error) {
    // Thrown while the file loaded; a syntax error is a usage error.
    if (error instanceof SyntaxError && !done) {
      done = true;
      usage(result, syntaxErrorMessage(error), 'SyntaxError');
      writeResult(config.resultPath, result);
      exitAfterFlush(USAGE_EXIT);
      return;
    }
    finish(error, 1);
    exitAfterFlush(0);
  }
}

async function main(): Promise<void> {
  if (!isMainThread) return runMember(workerData as MemberData, true);
  if (process.argv[2] === '--pool-member')
    return runMember({ role: 'pool-member', configPath: process.argv[3]!, index: Number(process.argv[4]) }, false);
  const configPath = process.argv[2]!;
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as NodeHarnessConfig;
  const result: NodeHarnessResult = { harnessStartNs: HARNESS_START_NS, status: 'ok', error: null, endNs: 0 };
  if (config.lifelineFd !== undefined) watchLifeline(config.lifelineFd);
  if (config.function === null) return runScript(config, result);
  // An error the function left behind outside any task (a timer that throws, a promise nobody
  // awaited that rejects) fails the strategy, as it would crash the program.
  const fail = (error: unknown) => {
    result.status = 'failed';
    result.error = errorDetail(error);
    process.stderr.write(result.error.traceback);
    writeResult(config.resultPath, result);
    exitAfterFlush(0);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    await runFunction(config, configPath, result);
  } catch (error) {
    if (error instanceof UsageError) usage(result, error.message);
    else if (error instanceof SyntaxError && result.importEndNs === undefined)
      usage(result, syntaxErrorMessage(error), 'SyntaxError');
    else if (error instanceof Skip) {
      result.status = 'skipped';
      result.error = { type: 'Skipped', message: error.message, traceback: '' };
    } else {
      result.status = 'failed';
      result.error = errorDetail(error);
      process.stderr.write(result.error.traceback);
    }
  }
  writeResult(config.resultPath, result);
  exitAfterFlush(result.status === 'usage' ? USAGE_EXIT : 0);
}

void main();
