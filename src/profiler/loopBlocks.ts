// What held up an asyncio event loop: each slow callback the recorder (python/cp_blocking.py)
// timed at the loop is located by the loop thread's stack samples taken while it ran (the
// innermost frame of the user's own code), and described by the thread's /proc states meanwhile
// (asleep in a blocking call, or on CPU). The heartbeat's lateness is summarised beside it.
import { innermostNodes } from './export/stacks';
import { frameOrigin } from '../shared/frames';
import {
  THREAD_STATES,
  type FrameTable,
  type LoopBlock,
  type LoopLag,
  type Samples,
  type StackTable,
  type ThreadInfo,
  type ThreadState,
} from './profile';

/** A slow callback, times in ms since the strategy's start. */
export interface TimedCallback {
  tid: number;
  start: number;
  end: number;
  /** What the recorder knew of it: the user's coroutine (def line) or just a name (file null). */
  file: string | null;
  line: number;
  function: string;
}

export interface LoopInputs {
  callbacks: TimedCallback[];
  /** Python stack samples, times in ms: native tid and leaf node in `stacks`. */
  stackSamples: { t: number[]; tid: number[]; stack: number[] };
  frames: FrameTable;
  stacks: StackTable;
  /** The /proc samples and threads of the strategy (samples.thread indexes threads). */
  samples: Samples;
  threads: ThreadInfo[];
  /** Fallback for callbacks with neither a sample nor a coroutine of the user's: the profiled function. */
  workload: { file: string; function: string | null };
  readLine(file: string, line: number): string | null;
}

const RUNNABLE = THREAD_STATES.indexOf('runnable');
const RUNNING = THREAD_STATES.indexOf('running');

interface Group {
  site: { file: string; line: number };
  function: string;
  located: boolean;
  durations: number[];
  spans: { thread: number[]; start: number[]; end: number[] };
  states: number[];
}

/** Sorted sample indices per key (native tid for stack samples, thread index for /proc samples). */
function indexBy(keys: number[], times: number[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    let list = map.get(keys[i]!);
    if (!list) map.set(keys[i]!, (list = []));
    list.push(i);
  }
  for (const list of map.values()) list.sort((a, b) => times[a]! - times[b]!);
  return map;
}

/** The indices in `sorted` (ordered by times) whose time lies in [start, end]. */
function within(sorted: number[] | undefined, times: number[], start: number, end: number): number[] {
  if (!sorted) return [];
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[sorted[mid]!]! < start) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let k = lo; k < sorted.length && times[sorted[k]!]! <= end; k++) out.push(sorted[k]!);
  return out;
}

/** The site most of a callback's stack samples name (ties: the first seen), or null. */
function majoritySite(
  sampleIndices: number[],
  inputs: LoopInputs,
  userNode: Int32Array,
): { file: string; line: number; function: string } | null {
  const votes = new Map<string, { count: number; node: number }>();
  for (const i of sampleIndices) {
    const leaf = inputs.stackSamples.stack[i]!;
    const node = leaf >= 0 ? userNode[leaf]! : -1;
    if (node < 0) continue;
    const frame = inputs.stacks.frame[node]!;
    const key = `${inputs.frames.file[frame]}\0${inputs.stacks.line[node]}`;
    const vote = votes.get(key);
    if (vote) vote.count++;
    else votes.set(key, { count: 1, node });
  }
  let best: { count: number; node: number } | null = null;
  for (const vote of votes.values()) if (!best || vote.count > best.count) best = vote;
  if (!best) return null;
  const frame = inputs.stacks.frame[best.node]!;
  return {
    file: inputs.frames.file[frame]!,
    line: inputs.stacks.line[best.node]!,
    function: inputs.frames.name[frame]!,
  };
}

/** The blocking callbacks grouped by the line that blocked, longest total first. */
export function loopBlocks(inputs: LoopInputs): LoopBlock[] {
  const userNode = innermostNodes(
    inputs.stacks,
    inputs.frames.file.map((f) => frameOrigin(f) === 'user'),
  );
  const stacksByTid = indexBy(inputs.stackSamples.tid, inputs.stackSamples.t);
  const procByThread = indexBy(inputs.samples.thread, inputs.samples.t);
  const threadOf = new Map(inputs.threads.map((t, i) => [t.tid, i]));
  const groups = new Map<string, Group>();
  for (const cb of inputs.callbacks) {
    const located = majoritySite(
      within(stacksByTid.get(cb.tid), inputs.stackSamples.t, cb.start, cb.end),
      inputs,
      userNode,
    );
    const site = located ?? {
      file: cb.file ?? inputs.workload.file,
      line: cb.file ? cb.line : 0,
      function: cb.file ? cb.function : (inputs.workload.function ?? cb.function),
    };
    const key = `${site.file}\0${site.line}\0${site.function}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        site: { file: site.file, line: site.line },
        function: site.function,
        located: located !== null,
        durations: [],
        spans: { thread: [], start: [], end: [] },
        states: new Array<number>(THREAD_STATES.length).fill(0),
      };
      groups.set(key, group);
    }
    const thread = threadOf.get(cb.tid) ?? -1;
    group.durations.push(cb.end - cb.start);
    group.spans.thread.push(thread);
    group.spans.start.push(round(cb.start));
    group.spans.end.push(round(cb.end));
    for (const i of within(procByThread.get(thread), inputs.samples.t, cb.start, cb.end))
      group.states[inputs.samples.state[i]!]!++;
  }
  const blocks = [...groups.values()].map((g): LoopBlock => {
    const sampled = g.states.reduce((a, b) => a + b, 0);
    return {
      site: g.site,
      function: g.function,
      code: g.site.line > 0 ? inputs.readLine(g.site.file, g.site.line) : null,
      count: g.durations.length,
      totalMs: round(g.durations.reduce((a, b) => a + b, 0)),
      maxMs: round(Math.max(...g.durations)),
      state: dominantState(g.states),
      runnableShare: sampled > 0 ? round(g.states[RUNNABLE]! / sampled) : 0,
      located: g.located,
      spans: g.spans,
    };
  });
  return blocks.sort((a, b) => b.totalMs - a.totalMs);
}

/** The most sampled state, with queued-for-a-core counted as on CPU; null without samples. */
export function dominantState(counts: number[]): ThreadState | null {
  const merged = [...counts];
  merged[RUNNING] = (merged[RUNNING] ?? 0) + (merged[RUNNABLE] ?? 0);
  merged[RUNNABLE] = 0;
  let best = -1;
  for (let s = 0; s < merged.length; s++) if (merged[s]! > 0 && (best < 0 || merged[s]! > merged[best]!)) best = s;
  return best < 0 ? null : THREAD_STATES[best]!;
}

/** The heartbeat's lateness over all loops of the run. */
export function loopLag(
  settings: { slowCallbackMs: number; heartbeatMs: number },
  beats: { dueNs: number; ranNs: number }[],
  untimedLoops: string[] = [],
): LoopLag {
  const late = beats.map((b) => Math.max(0, b.ranNs - b.dueNs) / 1e6).sort((a, b) => a - b);
  const sum = late.reduce((a, b) => a + b, 0);
  return {
    slowCallbackMs: settings.slowCallbackMs,
    heartbeatMs: settings.heartbeatMs,
    beats: late.length,
    meanMs: round(late.length ? sum / late.length : 0),
    p95Ms: round(late.length ? late[Math.min(late.length - 1, Math.floor(0.95 * late.length))]! : 0),
    maxMs: round(late.length ? late[late.length - 1]! : 0),
    lateMs: round(sum),
    ...(untimedLoops.length > 0 ? { untimedLoops } : {}),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
