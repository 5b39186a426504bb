// A pool member: a worker thread or a forked child process that loads the user's module itself
// (as a worker_threads pool or a child_process pool would), then runs one task at a time as the
// harness hands them out, and reports its event loop and CPU when told to stop.
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { errorDetail, isThenable } from './errors';
import { watchEventLoop } from './eventLoop';
import { loadModule, resolveFunction, type UserFunction } from './load';
import type { FromMember, MemberData, NodeHarnessConfig, ToMember } from './protocol';
import { initThreadpool } from './threadpool';
import { nativeThreadId, nowNs, TraceWriter } from './trace';

interface Channel {
  send(message: FromMember): void;
  onMessage(handler: (message: ToMember) => void): void;
  close(): void;
}

function threadChannel(): Channel {
  const port = parentPort!;
  return {
    send: (message) => port.postMessage(message),
    onMessage: (handler) => port.on('message', handler),
    close: () => port.close(),
  };
}

function processChannel(): Channel {
  return {
    send: (message) => process.send!(message),
    onMessage: (handler) => process.on('message', handler as (message: unknown) => void),
    close: () => process.disconnect(),
  };
}

export async function runMember(data: MemberData, inThread: boolean): Promise<void> {
  const channel = inThread ? threadChannel() : processChannel();
  const config = JSON.parse(readFileSync(data.configPath, 'utf8')) as NodeHarnessConfig;
  // A child process is a process of the tree of its own: it names its threads and records its tasks.
  const trace = inThread ? null : new TraceWriter(config.traceDir, 'worker');
  if (trace) {
    trace.nameThread(process.pid, `child ${data.index + 1}`);
    trace.nameNewThreads('V8 platform');
    await initThreadpool(config.file);
    trace.nameNewThreads('libuv-worker');
  }
  let fn: UserFunction;
  try {
    fn = resolveFunction(await loadModule(config.file), config.function!);
  } catch (error) {
    channel.send({ type: 'load-failed', error: errorDetail(error) });
    channel.close();
    return;
  }
  const loop = await watchEventLoop();
  const cpuStart = process.cpuUsage();
  const tid = nativeThreadId();
  channel.send({ type: 'ready', tid, pid: process.pid, readyNs: nowNs() });
  channel.onMessage((message) => {
    if (message.type === 'stop') {
      const cpu = inThread ? null : process.cpuUsage(cpuStart);
      void loop.stop().then(({ utilization, delay }) => {
        channel.send({ type: 'stats', utilization, delay, cpu });
        channel.close();
      });
      return;
    }
    void runTask(fn, message.index, message.args).then((reply) => {
      if (trace) trace.task(message.index, tid, reply.startNs, reply.endNs, reply.type === 'failed');
      try {
        channel.send(reply);
      } catch (error) {
        // The result cannot be cloned back (a function, a socket): the task fails as it would in a real pool.
        channel.send({
          type: 'failed',
          index: message.index,
          error: errorDetail(error),
          startNs: reply.startNs,
          endNs: reply.endNs,
        });
      }
    });
  });
}

async function runTask(
  fn: UserFunction,
  index: number,
  args: unknown[],
): Promise<FromMember & { startNs: number; endNs: number }> {
  const startNs = nowNs();
  try {
    let value = fn(...args);
    if (isThenable(value)) value = await value;
    return { type: 'done', index, value, startNs, endNs: nowNs() };
  } catch (error) {
    return { type: 'failed', index, error: errorDetail(error), startNs, endNs: nowNs() };
  }
}
