// Samples the state of every thread of a process tree from outside, through /proc, without
// touching the workload. Files are kept open and re-read at position 0 (the cheapest way measured
// here); the tree (new processes, new threads) is re-listed less often than threads are sampled.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { THREAD_STATES, type ThreadState } from '../profile';
import { classifyBlocked, syscallTable } from './syscalls';

const DISCOVER_EVERY_MS = 50;
const READ_BUFFER = Buffer.alloc(4096);
const PAGE_SIZE = 4096;

export interface RawProcess {
  pid: number;
  ppid: number;
  command: string;
}

export interface RawThread {
  pid: number;
  tid: number;
  name: string;
}

/** Columnar raw samples; `futex` holds the futex word address when the thread slept in futex. */
export interface RawSamples {
  t: number[];
  thread: number[];
  core: number[];
  kernelState: string[];
  syscall: number[];
  futex: number[];
  runnable: number[];
}

interface WatchedThread {
  index: number;
  pid: number;
  stat: number;
  syscall: number;
  schedstat: number;
  lastRunNs: number;
  lastWaitNs: number;
  gone: boolean;
}

function readOpen(fd: number): string | null {
  try {
    const n = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, 0);
    return READ_BUFFER.toString('latin1', 0, n);
  } catch {
    return null; // the thread exited between listing and reading
  }
}

function openOrNull(path: string): number {
  try {
    return openSync(path, 'r');
  } catch {
    return -1;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

/** Children of every thread of `pid` (needs CONFIG_PROC_CHILDREN, present on common kernels). */
function childPids(pid: number): number[] {
  const result: number[] = [];
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return result;
  }
  for (const tid of tids) {
    const text = readText(`/proc/${pid}/task/${tid}/children`);
    if (text) for (const child of text.trim().split(/\s+/)) if (child) result.push(Number(child));
  }
  return result;
}

/** The pids of a process and all its descendants that are alive now. */
export function processTree(rootPid: number): number[] {
  const seen = new Set<number>();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    if (readText(`/proc/${pid}/stat`) === null) continue;
    seen.add(pid);
    queue.push(...childPids(pid));
  }
  return [...seen];
}

/** Fields after the command name of a stat line; field N of proc(5) is at index N - 3. */
function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

export class ThreadSampler {
  readonly samples: RawSamples = { t: [], thread: [], core: [], kernelState: [], syscall: [], futex: [], runnable: [] };
  readonly threads: RawThread[] = [];
  readonly processes = new Map<number, RawProcess>();
  peakRssBytes = 0;
  private readonly watched = new Map<string, WatchedThread>();
  private timer: NodeJS.Timeout | null = null;
  private lastDiscovery = -Infinity;
  private readonly table = syscallTable();

  constructor(
    private readonly rootPid: number,
    readonly hz: number,
    /** Monotonic start of the strategy, in ns: sample times are ms since then. */
    private readonly t0: bigint,
  ) {}

  static supported(): boolean {
    return process.platform === 'linux' && syscallTable() !== null;
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000 / this.hz);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const thread of this.watched.values()) this.close(thread);
  }

  private nowMs(): number {
    return Number(process.hrtime.bigint() - this.t0) / 1e6;
  }

  private tick(): void {
    const now = this.nowMs();
    if (now - this.lastDiscovery >= DISCOVER_EVERY_MS) {
      this.lastDiscovery = now;
      this.discover();
    }
    for (const thread of this.watched.values()) if (!thread.gone) this.sample(thread, now);
  }

  private discover(): void {
    let rss = 0;
    for (const pid of processTree(this.rootPid)) {
      const statm = readText(`/proc/${pid}/statm`);
      if (statm) rss += Number(statm.split(' ')[1]) * PAGE_SIZE;
      if (!this.processes.has(pid)) {
        const stat = readText(`/proc/${pid}/stat`);
        const command = (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
        this.processes.set(pid, { pid, ppid: stat ? Number(statFields(stat)[1]) : 0, command });
      }
      let tids: string[];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        const key = `${pid}/${tid}`;
        if (this.watched.get(key)?.gone === false) continue; // a gone one listed again is a new thread reusing the tid
        const base = `/proc/${pid}/task/${tid}`;
        const name = (readText(`${base}/comm`) ?? '').trim();
        const stat = openOrNull(`${base}/stat`);
        if (stat < 0) continue;
        this.watched.set(key, {
          index: this.threads.length,
          pid,
          stat,
          syscall: openOrNull(`${base}/syscall`),
          schedstat: openOrNull(`${base}/schedstat`),
          lastRunNs: -1,
          lastWaitNs: -1,
          gone: false,
        });
        this.threads.push({ pid, tid: Number(tid), name });
      }
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, rss);
  }

  private sample(thread: WatchedThread, now: number): void {
    const stat = readOpen(thread.stat);
    if (stat === null || stat.length === 0) {
      this.close(thread);
      return;
    }
    const fields = statFields(stat);
    const kernelState = fields[0]!;
    if (kernelState === 'Z' || kernelState === 'X') {
      this.close(thread);
      return;
    }
    let syscall = -1;
    let futex = 0;
    let runnable = 0;
    if (kernelState === 'R') {
      // R covers both on a CPU and waiting on a run queue: schedstat's run-queue time tells them apart.
      const sched = thread.schedstat >= 0 ? readOpen(thread.schedstat) : null;
      if (sched) {
        const [run, wait] = sched.split(' ').map(Number) as [number, number];
        if (thread.lastRunNs >= 0 && wait - thread.lastWaitNs > run - thread.lastRunNs) runnable = 1;
        thread.lastRunNs = run;
        thread.lastWaitNs = wait;
      }
    } else if (thread.syscall >= 0) {
      const text = readOpen(thread.syscall);
      if (text && text[0] !== 'r') {
        const parts = text.split(' ');
        syscall = Number(parts[0]);
        if (Number.isFinite(syscall)) futex = Number.parseInt(parts[1] ?? '0', 16) || 0;
        else syscall = -1;
      }
    }
    const s = this.samples;
    s.t.push(now);
    s.thread.push(thread.index);
    s.core.push(Number(fields[36] ?? -1));
    s.kernelState.push(kernelState);
    s.syscall.push(syscall);
    s.futex.push(futex);
    s.runnable.push(runnable);
  }

  private close(thread: WatchedThread): void {
    if (thread.gone) return;
    thread.gone = true;
    for (const fd of [thread.stat, thread.syscall, thread.schedstat]) if (fd >= 0) closeSync(fd);
  }

  /** Thread state code (index into THREAD_STATES) of sample i, given each process's GIL words. */
  stateOf(i: number, gilWords: (pid: number) => readonly number[]): number {
    const s = this.samples;
    let state: ThreadState;
    if (s.kernelState[i] === 'R') state = s.runnable[i] ? 'runnable' : 'running';
    else if (!this.table) state = 'other';
    else {
      const pid = this.threads[s.thread[i]!]!.pid;
      state = classifyBlocked(this.table, s.kernelState[i]!, s.syscall[i]!, s.futex[i]!, gilWords(pid));
    }
    return THREAD_STATES.indexOf(state);
  }
}
