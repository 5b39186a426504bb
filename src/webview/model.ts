// Turns one strategy's samples into what the charts draw: lanes of runs per thread and per core,
// the aggregated call tree (flame graph) and per-function totals. Pure; built once per strategy
// and view, on demand.
import { STATE_LABELS, THREAD_STATES, type StrategyResult, type ThreadInfo } from '../profiler/profile';
import { percent } from '../shared/format';
import { otherLoadAt } from '../shared/coreLoad';
import { STACK_DEPTH } from '../profiler/caps';
import { sampleIntervalMs, samplesByThread, stackFrames } from '../profiler/export/stacks';
import { threadMarks, type LaneMarks } from './blockingMarks';
import { RunsBuilder, type Runs } from './runs';

const RUNNING = THREAD_STATES.indexOf('running');
const GIL_WAIT = THREAD_STATES.indexOf('gilWait');

export interface Lane {
  key: string;
  label: string;
  rows: Runs[];
  /**
   * A strip under the lane header. Thread lanes: the thread's state (frame = state code). Core
   * lanes: how busy other programs kept the core (frame = 1..4 quarters), from the core series.
   */
  ribbon: Runs | null;
  ribbonKind: 'state' | 'otherLoad';
  /** Sample indices in time order, to find the sample under the cursor (chartData's firstSampleAfter). */
  samples: Int32Array;
  /** Core lanes start with a row naming the thread that ran. */
  threadRow: boolean;
  /** Thread lanes: when the thread's event loop was blocked or it waited on a named lock. */
  marks?: LaneMarks | null;
}

export interface TimelineModel {
  kind: 'threads' | 'cores';
  lanes: Lane[];
  start: number;
  end: number;
  intervalMs: number;
}

/** Frames root-first of each leaf node, computed once per node. */
class PathCache {
  private readonly cache = new Map<number, Int32Array>();
  private static readonly EMPTY = new Int32Array(0);
  constructor(private readonly strategy: StrategyResult) {}
  of(leaf: number): Int32Array {
    if (leaf < 0) return PathCache.EMPTY;
    let path = this.cache.get(leaf);
    if (!path) this.cache.set(leaf, (path = Int32Array.from(stackFrames(this.strategy.stacks, leaf))));
    return path;
  }
}

/** Row d of a lane: the thread row first when there is one (offset 1), then the stack's frames. */
function frameAt(path: Int32Array, offset: number, threadFrame: number, d: number): number {
  return d < offset ? threadFrame : path[d - offset]!;
}

/**
 * One lane from samples in time order. A sample stands for the time until the next one, unless
 * the gap is longer than 1.5 intervals (the thread was not sampled: idle or gone). A frame's run
 * continues while consecutive samples keep the same frames from the root down to it. Two passes:
 * the first counts each row's runs, so the second writes them into arrays of their exact size.
 */
export function buildLane(
  strategy: StrategyResult,
  indices: ArrayLike<number>,
  intervalMs: number,
  options: { key: string; label: string; threadRow: boolean; ribbon: boolean },
  paths = new PathCache(strategy),
): Lane {
  const counted = laneRuns(strategy, indices, intervalMs, options, paths, () => RunsBuilder.counting());
  const built = laneRuns(strategy, indices, intervalMs, options, paths, (row) =>
    row < 0 ? new RunsBuilder(counted.ribbon!.size) : new RunsBuilder(counted.rows[row]!.size),
  );
  return {
    key: options.key,
    label: options.label,
    rows: built.rows.map((r) => r.build()),
    ribbon: built.ribbon?.build() ?? null,
    ribbonKind: 'state',
    samples: indices instanceof Int32Array ? indices : Int32Array.from(indices),
    threadRow: options.threadRow,
  };
}

/** The runs of buildLane, pushed into builders from `builder(row)` (-1: the state ribbon). */
function laneRuns(
  strategy: StrategyResult,
  indices: ArrayLike<number>,
  intervalMs: number,
  options: { threadRow: boolean; ribbon: boolean },
  paths: PathCache,
  builder: (row: number) => RunsBuilder,
): { rows: RunsBuilder[]; ribbon: RunsBuilder | null } {
  const { t, stack, state, thread } = strategy.samples;
  const rows: RunsBuilder[] = [];
  const ribbon = options.ribbon ? builder(-1) : null;
  const openFrame: number[] = [];
  const openRun: number[] = [];
  let openDepth = 0;
  let ribbonRun = -1;
  let ribbonState = -1;
  let lastEnd = -Infinity;
  const offset = options.threadRow ? 1 : 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    const start = t[i]!;
    const next = k + 1 < indices.length ? t[indices[k + 1]!]! : Infinity;
    const end = next - start <= 1.5 * intervalMs ? next : start + intervalMs;
    const contiguous = start <= lastEnd + 1e-9;
    const path = paths.of(stack[i]!);
    const depth = path.length + offset;
    const threadFrame = -2 - thread[i]!;
    let same = 0;
    if (contiguous)
      while (same < openDepth && same < depth && openFrame[same] === frameAt(path, offset, threadFrame, same)) same++;
    for (let d = 0; d < same; d++) rows[d]!.extend(openRun[d]!, end);
    for (let d = same; d < depth; d++) {
      rows[d] ??= builder(d);
      openFrame[d] = frameAt(path, offset, threadFrame, d);
      openRun[d] = rows[d]!.push(start, end, openFrame[d]!, i);
    }
    openDepth = depth;
    if (ribbon) {
      if (contiguous && state[i] === ribbonState) ribbon.extend(ribbonRun, end);
      else ribbonRun = ribbon.push(start, end, (ribbonState = state[i]!), i);
    }
    lastEnd = end;
  }
  return { rows, ribbon };
}

function timeRange(strategy: StrategyResult, intervalMs: number): { start: number; end: number } {
  const { t } = strategy.samples;
  if (t.length === 0) return { start: 0, end: Math.max(1, (strategy.wallSeconds ?? 1) * 1000) };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { start: Math.min(0, min), end: max + intervalMs };
}

/** A thread's lane title: its name and native id; a native pool thread (unnamed by the library, its
 * name is the process's) says which pool it belongs to first. */
export function threadLabel(thread: ThreadInfo): string {
  const own = `${thread.name} (${thread.tid})`;
  return thread.nativePool ? `${thread.nativePool} pool thread · ${own}` : own;
}

export function threadLanes(strategy: StrategyResult, sampleHz: number): TimelineModel {
  const intervalMs = sampleIntervalMs(sampleHz);
  const paths = new PathCache(strategy);
  const lanes = samplesByThread(strategy).map((indices, th) => {
    const thread = strategy.threads[th]!;
    const label = `${threadLabel(thread)} · ${stateSummary(strategy, indices)}`;
    return {
      ...buildLane(strategy, indices, intervalMs, { key: `t${th}`, label, threadRow: false, ribbon: true }, paths),
      marks: threadMarks(strategy, th, indices, intervalMs),
    };
  });
  return { kind: 'threads', lanes, ...timeRange(strategy, intervalMs), intervalMs };
}

/** The thread's main states, e.g. "running 12%, GIL wait 85%": the lane's story in words. */
export function stateSummary(strategy: StrategyResult, indices: ArrayLike<number>): string {
  const counts = new Array<number>(THREAD_STATES.length).fill(0);
  for (let k = 0; k < indices.length; k++) counts[strategy.samples.state[indices[k]!]!]++;
  const shown = THREAD_STATES.map((state, code) => ({ state, share: counts[code]! / Math.max(1, indices.length) }))
    .filter(({ share }) => share >= 0.05)
    .sort((a, b) => b.share - a.share)
    .slice(0, 3);
  return shown.map(({ state, share }) => `${STATE_LABELS[state]} ${percent(share)}`).join(', ') || 'no samples';
}

/** One lane per core: the running samples that last ran on it; idle time stays a gap. */
export function coreLanes(strategy: StrategyResult, sampleHz: number, logicalCores: number): TimelineModel {
  const intervalMs = sampleIntervalMs(sampleHz);
  const { core, state, t } = strategy.samples;
  const byCore: number[][] = Array.from({ length: Math.max(logicalCores, strategy.cores?.busy.length ?? 0) }, () => []);
  for (let i = 0; i < core.length; i++) {
    const c = core[i]!;
    if (state[i] !== RUNNING || c < 0) continue;
    while (byCore.length <= c) byCore.push([]);
    byCore[c]!.push(i);
  }
  // Samples arrive in time order from the sampler; sort only when they do not.
  for (const list of byCore) if (!inTimeOrder(list, t)) list.sort((a, b) => t[a]! - t[b]! || a - b);
  const paths = new PathCache(strategy);
  const lanes = byCore.map((indices, c): Lane => ({
    ...buildLane(
      strategy,
      indices,
      intervalMs,
      { key: `c${c}`, label: `core ${c}`, threadRow: true, ribbon: false },
      paths,
    ),
    ribbon: otherLoadRuns(strategy, c),
    ribbonKind: 'otherLoad',
  }));
  return { kind: 'cores', lanes, ...timeRange(strategy, intervalMs), intervalMs };
}

/** Other programs' share of a core (otherLoadAt), in quarters; idle stretches left out. */
export function otherLoadRuns(strategy: StrategyResult, core: number): Runs | null {
  const series = strategy.cores;
  const busy = series?.busy[core];
  if (!series || !series.workload[core] || !busy) return null;
  const runs = new RunsBuilder();
  let run = -1;
  let level = 0;
  for (let k = 0; k < busy.length; k++) {
    const next = Math.round(otherLoadAt(series, core, k) * 4);
    const start = series.startMs + k * series.intervalMs;
    if (next > 0 && next === level) runs.extend(run, start + series.intervalMs);
    else if (next > 0) run = runs.push(start, start + series.intervalMs, next, k);
    level = next;
  }
  return runs.build();
}

function inTimeOrder(indices: number[], t: number[]): boolean {
  for (let k = 1; k < indices.length; k++) if (t[indices[k]!]! < t[indices[k - 1]!]!) return false;
  return true;
}

// ---- Aggregated call tree ----

export interface CallTree {
  frame: Int32Array;
  parent: Int32Array;
  /** A trie node of the first stack that reached this node: its line is where the call was. */
  node: Int32Array;
  total: Float64Array;
  self: Float64Array;
  gilWait: Float64Array;
  /** Samples in the tree (those with a Python stack) and without a stack. */
  samples: number;
  stackless: number;
}

/** Leaf node -> [samples, of which GIL wait]. */
function countLeaves(strategy: StrategyResult): { counts: Map<number, [number, number]>; stackless: number } {
  const { stack, state } = strategy.samples;
  const counts = new Map<number, [number, number]>();
  let stackless = 0;
  for (let i = 0; i < stack.length; i++) {
    const leaf = stack[i]!;
    if (leaf < 0) {
      stackless++;
      continue;
    }
    let c = counts.get(leaf);
    if (!c) counts.set(leaf, (c = [0, 0]));
    c[0]++;
    if (state[i] === GIL_WAIT) c[1]++;
  }
  return { counts, stackless };
}

/** Trie nodes merged by function path (the trie also splits on line numbers). */
export function callTree(strategy: StrategyResult): CallTree {
  const { stacks } = strategy;
  const { counts, stackless } = countLeaves(strategy);
  const frame: number[] = [];
  const parent: number[] = [];
  const node: number[] = [];
  const childKey = new Map<string, number>();
  const aggOfNode = new Map<number, number>();
  /** Merged node of trie node n; its ancestors first, without recursion (stacks can be deep). */
  const aggOf = (leaf: number): number => {
    const path: number[] = [];
    let n = leaf;
    while (n >= 0 && !aggOfNode.has(n) && path.length < STACK_DEPTH) {
      path.push(n);
      n = stacks.parent[n] ?? -1;
    }
    let p = n >= 0 ? (aggOfNode.get(n) ?? -1) : -1;
    for (let k = path.length - 1; k >= 0; k--) {
      const trieNode = path[k]!;
      const key = `${p}:${stacks.frame[trieNode]}`;
      let a = childKey.get(key);
      if (a === undefined) {
        a = frame.push(stacks.frame[trieNode]!) - 1;
        parent.push(p);
        node.push(trieNode);
        childKey.set(key, a);
      }
      aggOfNode.set(trieNode, a);
      p = a;
    }
    return leaf >= 0 ? (aggOfNode.get(leaf) ?? p) : -1;
  };
  for (const leaf of counts.keys()) aggOf(leaf);
  const total = new Float64Array(frame.length);
  const self = new Float64Array(frame.length);
  const gilWait = new Float64Array(frame.length);
  let samples = 0;
  for (const [leaf, [count, gil]] of counts) {
    samples += count;
    const a = aggOf(leaf);
    self[a] += count;
    for (let x = a; x >= 0; x = parent[x]!) {
      total[x] += count;
      gilWait[x] += gil;
    }
  }
  return {
    frame: Int32Array.from(frame),
    parent: Int32Array.from(parent),
    node: Int32Array.from(node),
    total,
    self,
    gilWait,
    samples,
    stackless,
  };
}

/** The call tree laid out as rows, heaviest child first, x in milliseconds of sampled time. */
export function flameGraphRows(tree: CallTree, intervalMs: number): Runs[] {
  const children: number[][] = Array.from({ length: tree.frame.length }, () => []);
  const roots: number[] = [];
  tree.parent.forEach((p, a) => (p >= 0 ? children[p]! : roots).push(a));
  const byWeight = (a: number, b: number): number => tree.total[b]! - tree.total[a]!;
  const rows: RunsBuilder[] = [];
  const place = (nodes: number[], depth: number, x: number): void => {
    nodes.sort(byWeight);
    for (const a of nodes) {
      const width = tree.total[a]! * intervalMs;
      (rows[depth] ??= new RunsBuilder()).push(x, x + width, tree.frame[a]!, a);
      place(children[a]!, depth + 1, x);
      x += width;
    }
  };
  place(roots, 0, 0);
  return rows.map((r) => r.build());
}

// ---- Per-function totals ----

export interface FunctionStats {
  frame: number;
  self: number;
  total: number;
  gilWait: number;
}

/** Self, total (once per sample, however often the function recurses) and GIL-wait samples. */
export function functionStats(strategy: StrategyResult): FunctionStats[] {
  const { counts } = countLeaves(strategy);
  const stats = new Map<number, FunctionStats>();
  const get = (f: number): FunctionStats => {
    let s = stats.get(f);
    if (!s) stats.set(f, (s = { frame: f, self: 0, total: 0, gilWait: 0 }));
    return s;
  };
  for (const [leaf, [count, gil]] of counts) {
    get(strategy.stacks.frame[leaf]!).self += count;
    for (const f of new Set(stackFrames(strategy.stacks, leaf))) {
      const s = get(f);
      s.total += count;
      s.gilWait += gil;
    }
  }
  return [...stats.values()].sort((a, b) => b.total - a.total || b.self - a.self);
}
