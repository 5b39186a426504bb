// Samples the state of every thread of a process tree from outside, through /proc, without
// touching the workload. Files are kept open and re-read at position 0 (the cheapest way measured
// here); the tree (new processes, new threads) is re-listed less often than threads are sampled.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { doubled } from '../../shared/typedArrays';
import { capText, COMMAND_LINE_CHARS, WATCHED_THREADS } from '../caps';
import { THREAD_STATES, type NativeLibrary, type ThreadState } from '../profile';
import { libraryOfThreadName, StackLibraryReader, stackPointerOf } from './nativeThreads';
import { classifyBlocked, futexSyscall, syscallTable, type AddressRange } from './syscalls';

/** New processes and threads are looked for this often (sampling is 10-20x more frequent)... */
const DISCOVER_EVERY_MS = 100;
/**
 * ...and at every tick for this long after one was found: they come in bursts (a pool's workers, a
 * fork server and then its workers), and a process found 100 ms late has its first 100 ms unsampled,
 * its CPU read as other programs' load (a 0.3 s forkserver run was called "disturbed" on a quiet
 * machine).
 */
const EAGER_DISCOVERY_MS = 100;
/**
 * A tick this late (and at least this many periods late) means the sampler was held up: its
 * process was descheduled or stalled on an overloaded machine, and the threads went unsampled.
 */
const HELD_UP_MS = 50;
const HELD_UP_PERIODS = 5;
const READ_BUFFER = Buffer.alloc(4096);
const PAGE_SIZE = 4096;

export interface RawProcess {
  pid: number;
  ppid: number;
  command: string;
  /** Start time (field 22 of stat, clock ticks since boot): tells this process from a later one with its pid. */
  startTicks: number;
}

export interface RawThread {
  pid: number;
  tid: number;
  name: string;
  /** The native library the thread runs in, from its name or its stack (nativeThreads.ts), if seen. */
  library: NativeLibrary | null;
  libraryPath: string | null;
}

/** Stack reads per thread at most: a thread whose stack names no library is read again later. */
const MAX_STACK_SCANS = 3;

/**
 * Columnar raw samples in typed arrays that grow by doubling: 200 samples a second per thread must
 * not churn the garbage collector. `futex` holds the futex word when the thread slept in futex.
 */
export class RawSamples {
  length = 0;
  t = new Float64Array(1024);
  thread = new Int32Array(1024);
  core = new Int32Array(1024);
  /** Kernel state letter (R, S, D, ...) as a char code. */
  kernelState = new Uint8Array(1024);
  syscall = new Int32Array(1024);
  futex = new Float64Array(1024);
  runnable = new Uint8Array(1024);

  push(
    t: number,
    thread: number,
    core: number,
    kernelState: number,
    syscall: number,
    futex: number,
    runnable: number,
  ): void {
    if (this.length === this.t.length) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.thread[i] = thread;
    this.core[i] = core;
    this.kernelState[i] = kernelState;
    this.syscall[i] = syscall;
    this.futex[i] = futex;
    this.runnable[i] = runnable;
  }

  private grow(): void {
    this.t = doubled(this.t);
    this.thread = doubled(this.thread);
    this.core = doubled(this.core);
    this.kernelState = doubled(this.kernelState);
    this.syscall = doubled(this.syscall);
    this.futex = doubled(this.futex);
    this.runnable = doubled(this.runnable);
  }
}

const R = 0x52;
const S = 0x53;
const D = 0x44;

interface WatchedProcess {
  statm: number;
  threads: WatchedThread[];
}

interface WatchedThread {
  index: number;
  pid: number;
  stat: number;
  syscall: number;
  schedstat: number;
  children: number;
  lastRunNs: number;
  lastWaitNs: number;
  gone: boolean;
  /** Stack reads left before the thread's library is given up on (0 for main threads). */
  scansLeft: number;
}

/** Reads a /proc file kept open into the shared buffer; returns the byte count, -1 if gone. */
function readOpen(fd: number): number {
  try {
    return readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, 0);
  } catch {
    return -1; // the thread exited between listing and reading
  }
}

const SPACE = 0x20;
const CLOSE_PAREN = 0x29;

/** Position of field `n` (1-based, as in proc(5)) of the stat line in READ_BUFFER, -1 if absent.
 * Works on bytes: this runs for every thread 200 times a second. */
function statFieldAt(length: number, n: number): number {
  let pos = READ_BUFFER.lastIndexOf(CLOSE_PAREN, length - 1) + 2; // field 3 starts here
  for (let field = 3; field < n; field++) {
    pos = READ_BUFFER.indexOf(SPACE, pos) + 1;
    if (pos <= 0 || pos >= length) return -1;
  }
  return pos;
}

/** The decimal number at `pos` in READ_BUFFER. */
function decimalAt(pos: number, length: number): number {
  let value = 0;
  let digits = 0;
  for (let i = pos; i < length; i++, digits++) {
    const c = READ_BUFFER[i]!;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  return digits ? value : -1;
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

export class ThreadSampler {
  readonly samples = new RawSamples();
  readonly threads: RawThread[] = [];
  readonly processes = new Map<number, RawProcess>();
  peakRssBytes = 0;
  /** Threads not watched because WATCHED_THREADS were already ("pid/tid"). */
  readonly unwatched = new Set<string>();
  /** Gaps between ticks past HELD_UP_MS (ms since t0): the threads went unsampled in them. */
  readonly heldUp: { start: number; end: number }[] = [];
  private lastTickMs = -1;
  private readonly watched = new Map<string, WatchedThread>();
  private readonly watchedProcesses = new Map<number, WatchedProcess>();
  private timer: NodeJS.Timeout | null = null;
  private lastDiscovery = -Infinity;
  /** Until then discovery runs at every tick: something new was found shortly before. */
  private eagerUntil = -Infinity;
  private readonly table = syscallTable();
  private readonly futexNumber = futexSyscall();
  /** Reads sleeping threads' stacks to tell which native library they belong to. */
  readonly stacks = new StackLibraryReader();

  constructor(
    private readonly rootPid: number,
    readonly hz: number,
    /** Monotonic start of the strategy, in ns: sample times are ms since then. */
    private readonly t0: bigint,
    /** Told of each process of the tree when first seen. */
    private readonly onProcess: (process: RawProcess) => void = () => {},
  ) {}

  static supported(): boolean {
    return process.platform === 'linux' && syscallTable() !== null;
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000 / this.hz);
  }

  stop(): void {
    this.noteGap(this.nowMs()); // a hold-up that lasted until the workload exited
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const thread of this.watched.values()) this.close(thread);
    for (const p of this.watchedProcesses.values()) if (p.statm >= 0) closeSync(p.statm);
    this.watchedProcesses.clear();
    this.stacks.close();
  }

  private nowMs(): number {
    return Number(process.hrtime.bigint() - this.t0) / 1e6;
  }

  private tick(): void {
    const now = this.nowMs();
    this.noteGap(now);
    if (now < this.eagerUntil || now - this.lastDiscovery >= DISCOVER_EVERY_MS) {
      this.lastDiscovery = now;
      const known = this.threads.length;
      this.discover();
      if (this.threads.length > known) this.eagerUntil = now + EAGER_DISCOVERY_MS;
    }
    for (const thread of this.watched.values()) if (!thread.gone) this.sample(thread, now);
  }

  private noteGap(now: number): void {
    const gap = now - this.lastTickMs;
    if (this.lastTickMs >= 0 && gap > Math.max(HELD_UP_MS, (HELD_UP_PERIODS * 1000) / this.hz))
      this.heldUp.push({ start: this.lastTickMs, end: now });
    this.lastTickMs = now;
  }

  /** Finds new processes and threads: walks the tree through each thread's `children` file. */
  private discover(): void {
    let rss = 0;
    const queue = [this.rootPid];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      let tids: string[];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue; // exited
      }
      let watchedProcess = this.watchedProcesses.get(pid);
      if (!watchedProcess) {
        const stat = readText(`/proc/${pid}/stat`);
        const command = (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
        const fields = stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
        const found = {
          pid,
          ppid: Number(fields[1] ?? 0),
          command: capText(command, COMMAND_LINE_CHARS),
          startTicks: Number(fields[19] ?? 0),
        };
        this.processes.set(pid, found);
        this.onProcess(found);
        watchedProcess = { statm: openOrNull(`/proc/${pid}/statm`), threads: [] };
        this.watchedProcesses.set(pid, watchedProcess);
      }
      if (watchedProcess.statm >= 0) {
        const n = readOpen(watchedProcess.statm);
        if (n > 0) rss += decimalAt(READ_BUFFER.indexOf(SPACE, 0) + 1, n) * PAGE_SIZE;
      }
      for (const tid of tids) this.watch(pid, tid, watchedProcess);
      for (const thread of watchedProcess.threads) {
        if (thread.gone || thread.children < 0) continue;
        const n = readOpen(thread.children);
        if (n <= 0) continue;
        for (const child of READ_BUFFER.toString('latin1', 0, n).trim().split(' '))
          if (child) queue.push(Number(child));
      }
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, rss);
  }

  private watch(pid: number, tid: string, owner: WatchedProcess): void {
    const key = `${pid}/${tid}`;
    if (this.watched.get(key)?.gone === false) return; // a gone one listed again is a new thread reusing the tid
    if (this.threads.length >= WATCHED_THREADS) {
      this.unwatched.add(key);
      return;
    }
    const base = `/proc/${pid}/task/${tid}`;
    const stat = openOrNull(`${base}/stat`);
    if (stat < 0) return;
    if (this.exited(stat)) {
      // A thread that ended stays listed until its process is reaped: not a new thread.
      closeSync(stat);
      return;
    }
    const name = (readText(`${base}/comm`) ?? '').trim();
    const named = libraryOfThreadName(name);
    const thread: WatchedThread = {
      index: this.threads.length,
      pid,
      stat,
      syscall: openOrNull(`${base}/syscall`),
      schedstat: openOrNull(`${base}/schedstat`),
      children: openOrNull(`${base}/children`),
      lastRunNs: -1,
      lastWaitNs: -1,
      gone: false,
      // The main thread runs the interpreter itself; a named pool thread needs no stack read.
      scansLeft: Number(tid) === pid || named ? 0 : MAX_STACK_SCANS,
    };
    this.watched.set(key, thread);
    owner.threads.push(thread);
    this.threads.push({ pid, tid: Number(tid), name, library: named, libraryPath: null });
  }

  /** The thread behind an open stat file is a zombie or dead (state Z or X). */
  private exited(stat: number): boolean {
    const length = readOpen(stat);
    if (length <= 0) return true;
    const at = statFieldAt(length, 3);
    return at >= 0 && (READ_BUFFER[at] === 0x5a /* Z */ || READ_BUFFER[at] === 0x58); /* X */
  }

  /**
   * Names the library of a sleeping thread from its stack, while READ_BUFFER holds its syscall line.
   * Only threads seen on a CPU are read: idle threads cannot be part of a pool that did work.
   */
  private readStack(thread: WatchedThread, length: number, now: number): void {
    const raw = this.threads[thread.index]!;
    thread.scansLeft--;
    const found = this.stacks.libraryOf(thread.pid, stackPointerOf(READ_BUFFER.toString('latin1', 0, length)), now);
    if (found) {
      raw.library = found.library;
      raw.libraryPath = found.path;
    }
    // A known library is final; a stack of only generic objects (libc, the interpreter) is a thread
    // the interpreter started; an unknown object or an unreadable stack is read again later.
    if ((found && found.library !== 'unknown') || (!found && this.stacks.lastScanWasGeneric)) thread.scansLeft = 0;
  }

  /**
   * One sample of one thread, with as few reads as possible: the syscall file alone says whether
   * the thread is on a CPU ("running") and, if not, what it sleeps in. Only threads in state R
   * also need stat (their CPU) and schedstat (on a CPU, or waiting on a run queue).
   */
  private sample(thread: WatchedThread, now: number): void {
    let syscall = -1;
    let futex = 0;
    let core = -1;
    let runnable = 0;
    let kernelState = R;
    if (thread.syscall >= 0) {
      const n = readOpen(thread.syscall);
      if (n <= 0) {
        this.close(thread);
        return;
      }
      if (READ_BUFFER[0] !== 0x72 /* 'running' */) {
        kernelState = S;
        if (thread.scansLeft > 0 && thread.lastRunNs >= 0) this.readStack(thread, n, now);
        syscall = decimalAt(0, n);
        if (syscall === this.futexNumber) {
          const start = READ_BUFFER.indexOf(SPACE, 0) + 3; // skip " 0x"
          const end = READ_BUFFER.indexOf(SPACE, start);
          futex = Number.parseInt(READ_BUFFER.toString('latin1', start, end > 0 && end < n ? end : n), 16) || 0;
        }
      }
    }
    // stat for threads on a CPU (their core), and for sleeps the syscall does not explain (D = disk).
    if (kernelState === R || !this.table || this.table[syscall] === undefined) {
      const length = readOpen(thread.stat);
      if (length <= 0) {
        this.close(thread);
        return;
      }
      const statePos = statFieldAt(length, 3);
      kernelState = statePos < 0 ? 0 : READ_BUFFER[statePos]!;
      if (kernelState === 0x5a /* Z */ || kernelState === 0x58 /* X */) {
        this.close(thread);
        return;
      }
      const corePos = statFieldAt(length, 39);
      core = corePos < 0 ? -1 : decimalAt(corePos, length);
    }
    if (kernelState === R && thread.schedstat >= 0) {
      const n = readOpen(thread.schedstat);
      if (n > 0) {
        const space = READ_BUFFER.indexOf(SPACE, 0);
        const run = decimalAt(0, n);
        const wait = decimalAt(space + 1, n);
        if (thread.lastRunNs >= 0 && wait - thread.lastWaitNs > run - thread.lastRunNs) runnable = 1;
        thread.lastRunNs = run;
        thread.lastWaitNs = wait;
      }
    }
    this.samples.push(now, thread.index, core, kernelState, syscall, futex, runnable);
  }

  private close(thread: WatchedThread): void {
    if (thread.gone) return;
    thread.gone = true;
    for (const fd of [thread.stat, thread.syscall, thread.schedstat, thread.children]) if (fd >= 0) closeSync(fd);
  }

  /** Thread state code (index into THREAD_STATES) of sample i, given each process's GIL words. */
  stateOf(i: number, gilOf: (pid: number) => AddressRange | null): number {
    const s = this.samples;
    let state: ThreadState;
    if (s.kernelState[i] === R) state = s.runnable[i] ? 'runnable' : 'running';
    else if (!this.table) state = 'other';
    else {
      const pid = this.threads[s.thread[i]!]!.pid;
      state = classifyBlocked(this.table, s.kernelState[i] === D ? 'D' : 'S', s.syscall[i]!, s.futex[i]!, gilOf(pid));
    }
    return THREAD_STATES.indexOf(state);
  }
}
