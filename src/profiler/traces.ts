// Reads the JSON-lines trace files that the Python recorder (python/cp_tracer.py) writes, one per
// process, and merges their per-process frame and stack tables into one table per strategy.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { STACK_DEPTH } from './caps';
import type { FrameTable, StackTable } from './profile';

export interface TraceProcess {
  pid: number;
  ppid: number;
  role: 'harness' | 'worker';
  /** Address of _PyRuntime in that process, null when not CPython. */
  runtime: number | null;
}

export interface TraceData {
  processes: TraceProcess[];
  frames: FrameTable;
  stacks: StackTable;
  /** Python stack samples, columnar: monotonic ns, native tid, index into `stacks` (leaf). */
  stackSamples: { ns: number[]; tid: number[]; stack: number[] };
  latenessNs: number[];
  /** Task spans: index, native tid, start and end (monotonic ns), failed 0/1, pid. */
  tasks: { index: number; tid: number; pid: number; startNs: number; endNs: number; failed: number }[];
  workersReady: { pid: number; poolCreatedNs: number; readyNs: number }[];
  /** CPU seconds each pool worker reported when it exited (its own and its children's). */
  workersCpu: { pid: number; user: number; system: number }[];
  threadNames: Map<number, string>;
  /** Native ids of the recorder's own sampler threads: not part of the workload. */
  samplerThreads: Set<number>;
  /** Per pid, what names its native pools (python/cp_native.py), written when one of them used CPU. */
  native: Map<number, NativeReport>;
  /** The event-loop recorder's settings (cp_blocking.watch_loops), null when it was not installed. */
  loopWatch: { slowCallbackMs: number; heartbeatMs: number } | null;
  /** asyncio callbacks that ran at least the slow-callback threshold, and what they ran. */
  slowCallbacks: SlowCallback[];
  /** Heartbeat runs: native tid of the loop, when it was due and when it ran (monotonic ns). */
  loopBeats: { tid: number; dueNs: number; ranNs: number }[];
  /** Libraries of loops whose callbacks are not timed (uvloop): their slow callbacks are late heartbeats. */
  untimedLoops: string[];
  /** The lock recorder's report (cp_blocking.trace_locks), null when it was not installed. */
  locks: RawLock[] | null;
}

export interface SlowCallback {
  tid: number;
  startNs: number;
  endNs: number;
  /** The user's coroutine it stepped (file, def line, name), or the callback's name with a null file. */
  file: string | null;
  line: number;
  function: string;
}

/** One contended lock as cp_blocking.LockTracer.report() writes it (times in ns). */
export interface RawLock {
  file: string;
  line: number;
  function: string;
  name: string | null;
  kind: string;
  instances: number;
  acquisitions: number;
  contended: number;
  waitNs: number;
  maxWaitNs: number;
  waiters: number[];
  conditionWaitNs: number;
  conditionWaiters: number[];
  /** [file, line, function, count, wait ns] */
  waitSites: [string, number, string, number, number][];
  /** [file, line, function, count, total hold ns, longest hold ns, histogram] */
  holders: [string, number, string, number, number, number, number[]][];
}

export interface NativeReport {
  /** Shared objects mapped executable in the process at the end of its tasks. */
  objects: string[];
  /** threadpoolctl's pools, null when threadpoolctl is not importable there. */
  threadpoolctl: { api: string | null; path: string | null; threads: number | null }[] | null;
}

type Frame = [string, string, number];
type Stack = [number, number][];

interface TraceRecord {
  process?: { pid: number; ppid: number; role: 'harness' | 'worker'; runtime: number | null };
  frames?: Frame[];
  stacks?: Stack[];
  samples?: [number, number, number][];
  lateness?: number[];
  tasks?: [number, number, number, number, number][];
  threads?: [number, string][];
  workerReady?: { pid: number; poolCreatedNs: number; readyNs: number };
  workerCpu?: { pid: number; user: number; system: number };
  samplerThread?: number;
  native?: NativeReport & { pid: number };
  loopWatch?: { slowCallbackMs: number; heartbeatMs: number };
  slowCallbacks?: [number, number, number, string | null, number, string][];
  loopBeats?: [number, number, number][];
  untimedLoop?: string;
  locks?: RawLock[];
}

/** Builds the merged frame table and stack trie, interning as it goes. */
export class TableBuilder {
  readonly frames: FrameTable = { name: [], file: [], line: [] };
  readonly stacks: StackTable = { parent: [], frame: [], line: [] };
  private readonly frameIndex = new Map<string, number>();
  private readonly nodeIndex = new Map<string, number>();

  frame([name, file, line]: Frame): number {
    const key = `${file}\0${line}\0${name}`;
    let index = this.frameIndex.get(key);
    if (index === undefined) {
      index = this.frames.name.length;
      this.frameIndex.set(key, index);
      this.frames.name.push(name);
      this.frames.file.push(file);
      this.frames.line.push(line);
    }
    return index;
  }

  /** Leaf node of the path root->leaf, each entry [global frame index, line]. */
  stack(entries: [number, number][]): number {
    let parent = -1;
    // Root first: past the cap the outermost frames go (the recorder keeps the innermost too).
    for (const [frame, line] of entries.slice(-STACK_DEPTH)) {
      const key = `${parent},${frame},${line}`;
      let node = this.nodeIndex.get(key);
      if (node === undefined) {
        node = this.stacks.parent.length;
        this.nodeIndex.set(key, node);
        this.stacks.parent.push(parent);
        this.stacks.frame.push(frame);
        this.stacks.line.push(line);
      }
      parent = node;
    }
    return parent;
  }
}

const CHUNK_BYTES = 1 << 20;

/** The lines of a file, read a chunk at a time: a long run's trace can outgrow the largest string. */
function* lines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let pending: Buffer[] = [];
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a, 0); end >= 0 && end < n; end = chunk.indexOf(0x0a, start)) {
        pending.push(chunk.subarray(start, end));
        yield Buffer.concat(pending).toString('utf8');
        pending = [];
        start = end + 1;
      }
      pending.push(Buffer.from(chunk.subarray(start, n)));
    }
    if (pending.length) yield Buffer.concat(pending).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function readTraces(traceDir: string): TraceData {
  const data: TraceData = {
    processes: [],
    frames: { name: [], file: [], line: [] },
    stacks: { parent: [], frame: [], line: [] },
    stackSamples: { ns: [], tid: [], stack: [] },
    latenessNs: [],
    tasks: [],
    workersReady: [],
    workersCpu: [],
    threadNames: new Map(),
    samplerThreads: new Set(),
    native: new Map(),
    loopWatch: null,
    slowCallbacks: [],
    loopBeats: [],
    untimedLoops: [],
    locks: null,
  };
  const tables = new TableBuilder();
  let files: string[] = [];
  try {
    files = readdirSync(traceDir).filter((f) => f.startsWith('trace-') && f.endsWith('.jsonl'));
  } catch {
    // no trace written: the interpreter died before the recorder started
  }
  for (const file of files.sort()) {
    const localFrames: number[] = [];
    const localStacks: number[] = [];
    let pid = 0;
    for (const line of lines(join(traceDir, file))) {
      let record: TraceRecord;
      try {
        record = JSON.parse(line) as TraceRecord;
      } catch {
        continue; // empty, or the last line of a killed process cut mid-write
      }
      if (record.process) {
        pid = record.process.pid;
        data.processes.push({ ...record.process });
      }
      for (const frame of record.frames ?? []) localFrames.push(tables.frame(frame));
      for (const stack of record.stacks ?? [])
        localStacks.push(tables.stack(stack.map(([f, l]) => [localFrames[f]!, l])));
      for (const [ns, tid, stack] of record.samples ?? []) {
        data.stackSamples.ns.push(ns);
        data.stackSamples.tid.push(tid);
        data.stackSamples.stack.push(localStacks[stack] ?? -1);
      }
      data.latenessNs.push(...(record.lateness ?? []));
      for (const [index, tid, startNs, endNs, failed] of record.tasks ?? [])
        data.tasks.push({ index, tid, pid, startNs, endNs, failed });
      for (const [tid, name] of record.threads ?? []) data.threadNames.set(tid, name);
      if (record.workerReady) data.workersReady.push(record.workerReady);
      if (record.workerCpu) data.workersCpu.push(record.workerCpu);
      if (record.samplerThread !== undefined) data.samplerThreads.add(record.samplerThread);
      if (record.native) data.native.set(record.native.pid, record.native);
      if (record.loopWatch) data.loopWatch = record.loopWatch;
      for (const [tid, startNs, endNs, file, line, fn] of record.slowCallbacks ?? [])
        data.slowCallbacks.push({ tid, startNs, endNs, file, line, function: fn });
      for (const [tid, dueNs, ranNs] of record.loopBeats ?? []) data.loopBeats.push({ tid, dueNs, ranNs });
      if (record.untimedLoop && !data.untimedLoops.includes(record.untimedLoop))
        data.untimedLoops.push(record.untimedLoop);
      if (record.locks) data.locks = [...(data.locks ?? []), ...record.locks];
    }
  }
  data.frames = tables.frames;
  data.stacks = tables.stacks;
  return data;
}
