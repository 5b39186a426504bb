// The strategies, each returning one outcome per task in task order: serial (one call after
// another, each awaited), async (all started at once, awaited together), and pools of worker
// threads or forked child processes that each load the module and take one task at a time.
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { errorDetail, isThenable, Skip } from './errors';
import type { UserFunction } from './load';
import type { FromMember, MemberData, NodeHarnessConfig, ToMember } from './protocol';
import { nowNs, type TraceWriter } from './trace';
import type { EventLoopDelay, ErrorDetail } from '../../profile';

export interface Outcome {
  value?: unknown;
  error?: ErrorDetail;
}

export interface RunState {
  config: NodeHarnessConfig;
  configPath: string;
  trace: TraceWriter;
  /** Set by serial when a call returned a promise. */
  sawPromise: boolean;
  /** Pool members' event loops and, for children, their CPU (µs). */
  members: { utilization: number; delay: EventLoopDelay | null }[];
  childCpu: { user: number; system: number };
  workersReady: { pid: number; poolCreatedNs: number; readyNs: number }[];
}

export type Runner = (fn: UserFunction, tasks: unknown[][], state: RunState) => Promise<Outcome[]>;

const MAIN_TID = process.pid;

export const runSerial: Runner = async (fn, tasks, state) => {
  const outcomes: Outcome[] = [];
  for (let index = 0; index < tasks.length; index++) {
    const start = nowNs();
    try {
      let value = fn(...tasks[index]!);
      if (isThenable(value)) {
        state.sawPromise = true;
        value = await value;
      }
      state.trace.task(index, MAIN_TID, start, nowNs(), false);
      outcomes.push({ value });
    } catch (error) {
      state.trace.task(index, MAIN_TID, start, nowNs(), true);
      outcomes.push({ error: errorDetail(error) });
      break;
    }
  }
  return outcomes;
};

export const runAsync: Runner = async (fn, tasks, state) => {
  let promised = isAsyncFunction(fn);
  const calls = tasks.map(async (args, index) => {
    const start = nowNs();
    try {
      let value = fn(...args);
      if (isThenable(value)) {
        promised = true;
        value = await value;
      }
      state.trace.task(index, MAIN_TID, start, nowNs(), false);
      return { value };
    } catch (error) {
      state.trace.task(index, MAIN_TID, start, nowNs(), true);
      return { error: errorDetail(error) };
    }
  });
  const outcomes = await Promise.all(calls);
  if (!promised)
    throw new Skip(
      'async starts every call at once and awaits them together: the function returned plain values, so its calls ' +
        'ran one after another anyway',
    );
  return outcomes;
};

export function isAsyncFunction(fn: UserFunction): boolean {
  const name = (fn as { constructor?: { name?: string } }).constructor?.name;
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction';
}

/** One pool member as the dispatcher sees it, whatever it is (a worker thread or a child process). */
interface Member {
  send(message: ToMember): void;
  on(handler: (message: FromMember) => void): void;
  /** Resolves when it ended, with why if it was not told to. */
  ended: Promise<string | null>;
  kill(): void;
}

/** How long a member gets to report and exit after `stop` before it is killed. */
const STOP_GRACE_MS = 5000;

function workerMember(data: MemberData): Member {
  const worker = new Worker(__filename, { workerData: data });
  return {
    send: (message) => worker.postMessage(message),
    on: (handler) => worker.on('message', handler),
    ended: new Promise((resolve) => {
      let error: string | null = null;
      worker.once('error', (e) => (error = `${e.name}: ${e.message}`));
      worker.once('exit', (code) => resolve(error ?? (code === 0 || code === 1 ? null : `exit code ${code}`)));
    }),
    kill: () => void worker.terminate(),
  };
}

function childMember(data: MemberData): Member {
  const child: ChildProcess = fork(__filename, ['--pool-member', data.configPath, String(data.index)], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    send: (message) => child.send(message),
    on: (handler) => child.on('message', handler as (message: unknown) => void),
    ended: new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(code === 0 ? null : `exit ${signal ?? `code ${code}`}`)),
    ),
    kill: () => child.kill('SIGKILL'),
  };
}

function pool(start: (data: MemberData) => Member, kind: 'worker' | 'child'): Runner {
  return async (_fn, tasks, state) => {
    const { config, trace } = state;
    const size = Math.max(1, Math.min(config.strategy.workers, tasks.length));
    const outcomes: Outcome[] = new Array<Outcome>(tasks.length);
    let next = 0;
    let failed = false;
    let loadError: ErrorDetail | null = null;
    const created = nowNs();
    const members = Array.from({ length: size }, (_, index) =>
      start({ role: 'pool-member', configPath: state.configPath, index }),
    );
    const finished = members.map(
      (member, index) =>
        new Promise<void>((resolve) => {
          let stopped = false;
          let tid = -1;
          const stop = () => {
            if (stopped) return;
            stopped = true;
            member.send({ type: 'stop' });
            setTimeout(() => member.kill(), STOP_GRACE_MS).unref();
          };
          const dispatch = () => {
            if (failed || next >= tasks.length) return stop();
            const task = next++;
            member.send({ type: 'task', index: task, args: tasks[task]! });
          };
          member.on((message) => {
            switch (message.type) {
              case 'ready':
                tid = message.tid;
                state.workersReady.push({ pid: message.pid, poolCreatedNs: created, readyNs: message.readyNs });
                if (kind === 'worker') trace.nameThread(tid, `worker ${index + 1}`);
                trace.markProfilerThreads(); // the new isolate's
                return dispatch();
              case 'done':
              case 'failed':
                if (kind === 'worker')
                  trace.task(message.index, tid, message.startNs, message.endNs, message.type === 'failed');
                if (message.type === 'failed') {
                  outcomes[message.index] = { error: message.error };
                  failed = true;
                } else outcomes[message.index] = { value: message.value };
                return dispatch();
              case 'load-failed':
                loadError ??= message.error;
                failed = true;
                return;
              case 'stats':
                state.members.push({ utilization: message.utilization, delay: message.delay });
                if (message.cpu) {
                  state.childCpu.user += message.cpu.user;
                  state.childCpu.system += message.cpu.system;
                }
                return;
            }
          });
          void member.ended.then((why) => {
            if (why && !stopped && !loadError) {
              loadError = {
                type: 'WorkerExited',
                message: `${kind} ${index + 1} ended unexpectedly (${why})`,
                traceback: '',
              };
              failed = true;
            }
            resolve();
          });
        }),
    );
    await Promise.all(finished);
    if (loadError) return [{ error: loadError }];
    // After a failure the tasks never handed out are not run, as a pool's pending futures are cancelled.
    const done: Outcome[] = [];
    for (const outcome of outcomes) {
      if (!outcome) break;
      done.push(outcome);
      if (outcome.error) break;
    }
    return done;
  };
}

export const runWorkerThreads = pool(workerMember, 'worker');
export const runChildProcesses = pool(childMember, 'child');
