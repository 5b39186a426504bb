// The trace file each Node process of a run writes (trace-PID.jsonl, the same JSON-lines records
// as the Python recorder: process, threads, tasks, workerReady, samplerThread), read by the
// engine's src/profiler/traces.ts. Written synchronously, record by record, so a killed run keeps
// what it recorded. JavaScript stacks are not here: V8's tick logs hold them.
import { appendFileSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Monotonic nanoseconds (CLOCK_MONOTONIC, the clock of the engine and of Python's harness). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** The native id of the calling thread (a worker thread's own), or the pid where /proc is missing. */
export function nativeThreadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return process.pid;
  }
}

/** Thread names V8 gives its tick profiler's own threads (--prof): not part of the workload. */
const PROFILER_THREAD_NAMES = new Set(['v8:Profiler', 'SamplingThread']);

function threadsNow(): { tid: number; comm: string }[] {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return [];
  }
  return tids.map((tid) => {
    let comm = '';
    try {
      comm = readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
    } catch {
      // exited while listing
    }
    return { tid: Number(tid), comm };
  });
}

export class TraceWriter {
  private readonly path: string;
  private readonly named = new Set<number>();

  constructor(traceDir: string, role: 'harness' | 'worker') {
    this.path = join(traceDir, `trace-${process.pid}.jsonl`);
    this.write({ process: { pid: process.pid, ppid: process.ppid, role, runtime: null, startNs: nowNs() } });
  }

  write(record: object): void {
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch {
      // losing trace data must not break the workload
    }
  }

  task(index: number, tid: number, startNs: number, endNs: number, failed: boolean): void {
    this.write({ tasks: [[index, tid, startNs, endNs, failed ? 1 : 0]] });
  }

  nameThread(tid: number, name: string): void {
    this.named.add(tid);
    this.write({ threads: [[tid, name]] });
  }

  /**
   * Names every thread of this process not named yet: V8's profiler threads are marked as the
   * sampler's, the rest get `name`. Returns the tids it named.
   */
  nameNewThreads(name: string): number[] {
    const fresh: number[] = [];
    for (const { tid, comm } of threadsNow()) {
      if (this.named.has(tid)) continue;
      this.named.add(tid);
      if (PROFILER_THREAD_NAMES.has(comm)) {
        this.write({ threads: [[tid, `V8 tick profiler (${comm})`]] });
        this.write({ samplerThread: tid });
      } else {
        this.write({ threads: [[tid, name]] });
        fresh.push(tid);
      }
    }
    return fresh;
  }

  /** Marks V8's profiler threads that appeared since (worker isolates start their own). */
  markProfilerThreads(): void {
    for (const { tid, comm } of threadsNow()) {
      if (this.named.has(tid) || !PROFILER_THREAD_NAMES.has(comm)) continue;
      this.named.add(tid);
      this.write({ threads: [[tid, `V8 tick profiler (${comm})`]] });
      this.write({ samplerThread: tid });
    }
  }
}
