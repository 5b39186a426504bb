// What a FlameCanvas needs to know about its content, for the three charts that share it:
// per-core and per-thread flame charts (x = time) and the aggregated flame graph (x = sampled time).
import { STATE_DESCRIPTIONS, THREAD_STATES, type StrategyResult } from '../profiler/profile';
import { STACK_DEPTH } from '../profiler/caps';
import { nodeDepths } from '../profiler/export/stacks';
import { milliseconds, percent } from '../shared/format';
import type { CallTree, Lane, TimelineModel } from './model';
import type { Runs } from './runs';
import { markAt, type LaneMarks } from './blockingMarks';

export interface ChartLane {
  key: string;
  label: string;
  rows: Runs[];
  ribbon: Runs | null;
  ribbonKind: 'state' | 'otherLoad';
  /** A strip of marks above the ribbon: a blocked event loop, a wait on a named lock. */
  marks?: LaneMarks | null;
}

export interface Hit {
  lane: number;
  /** -1: the lane's marks strip (run = the mark's index). */
  row: number;
  run: number;
  /** x position (ms) under the cursor. */
  at: number;
}

export interface SourceRef {
  file: string;
  line: number;
}

export interface ChartData {
  axis: 'time' | 'aggregate';
  lanes: ChartLane[];
  start: number;
  end: number;
  frameName(frame: number): string;
  /** Thread index a run belongs to (for colour by thread), -1 if none. */
  threadOf(lane: number, row: number, run: number): number;
  threadName(thread: number): string;
  /** Index into the strategy's processes of a thread, -1 if unknown. */
  processOf(thread: number): number;
  /** Tooltip lines: the first is the title. */
  describe(hit: Hit): string[];
  source(hit: Hit): SourceRef | null;
}

const functionName = (strategy: StrategyResult, frame: number): string => strategy.frames.name[frame] ?? '?';

/** The stack node at `depth` of sample i's stack (root = 0), or -1. */
function nodeAtDepth(strategy: StrategyResult, sample: number, depth: number): { node: number } {
  const path: number[] = [];
  for (
    let n = strategy.samples.stack[sample]!;
    n >= 0 && path.length < STACK_DEPTH;
    n = strategy.stacks.parent[n] ?? -1
  )
    path.push(n);
  return { node: path[path.length - 1 - depth] ?? -1 };
}

/** First position in the lane whose sample's time is > x (the lane's samples are in time order). */
function firstSampleAfter(lane: Lane, t: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = lane.samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[lane.samples[mid]!]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function timelineData(model: TimelineModel, strategy: StrategyResult): ChartData {
  const lanes: Lane[] = model.lanes;
  const { samples, threads, frames, stacks } = strategy;
  const sampleAt = (lane: Lane, at: number): number => {
    const k = firstSampleAfter(lane, samples.t, at) - 1;
    return k >= 0 ? lane.samples[k]! : -1;
  };
  const stackDepthOf = (lane: Lane, row: number): number => row - (lane.threadRow ? 1 : 0);
  let depths: Int32Array | undefined;
  return {
    axis: 'time',
    lanes,
    start: model.start,
    end: model.end,
    frameName: (frame) => functionName(strategy, frame),
    threadOf: (lane, row, run) => samples.thread[lanes[lane]!.rows[row]!.ref[run]!] ?? -1,
    threadName: (thread) => threads[thread]?.name ?? `thread ${thread}`,
    processOf: (thread) => threads[thread]?.process ?? -1,
    describe(hit) {
      const lane = lanes[hit.lane]!;
      const marks = lane.marks;
      if (hit.row < 0) return marks ? [marks.label[hit.run]!, `at ${milliseconds(hit.at)}`] : [];
      const mark = marks ? markAt(marks, hit.at) : -1;
      const runs = lane.rows[hit.row]!;
      const i = sampleAt(lane, hit.at);
      const frame = runs.frame[hit.run]!;
      const depth = stackDepthOf(lane, hit.row);
      const lines: string[] = [];
      if (frame <= -2) lines.push(`thread ${threads[-2 - frame]?.name ?? '?'}`);
      else {
        const { node } = i >= 0 ? nodeAtDepth(strategy, i, depth) : { node: -1 };
        const line = node >= 0 ? stacks.line[node]! : frames.line[frame]!;
        lines.push(functionName(strategy, frame), `${frames.file[frame]}:${line}`);
        // Self: samples of this run where this frame was the leaf.
        let self = 0;
        let count = 0;
        const timeOf = (k: number): number => samples.t[lane.samples[k]!]!;
        const from = firstSampleAfter(lane, samples.t, runs.start[hit.run]! - 1e-9) - 1;
        for (let k = Math.max(0, from); k < lane.samples.length && timeOf(k) < runs.end[hit.run]!; k++) {
          if (timeOf(k) < runs.start[hit.run]! - 1e-9) continue;
          count++;
          const leaf = samples.stack[lane.samples[k]!]!;
          if (leaf >= 0 && (depths ??= nodeDepths(stacks))[leaf] === depth) self++;
        }
        const total = runs.end[hit.run]! - runs.start[hit.run]!;
        lines.push(`total ${milliseconds(total)}, self ${count > 0 ? milliseconds((total * self) / count) : '—'}`);
      }
      if (i >= 0) {
        const state = THREAD_STATES[samples.state[i]!] ?? 'other';
        lines.push(
          `state ${STATE_DESCRIPTIONS[state]}`,
          `core ${samples.core[i]! >= 0 ? samples.core[i] : '?'}`,
          `thread ${threads[samples.thread[i]!]?.name ?? '?'}`,
        );
      }
      if (mark >= 0) lines.push(marks!.label[mark]!);
      lines.push(`at ${milliseconds(hit.at)}`);
      return lines;
    },
    source(hit) {
      const lane = lanes[hit.lane]!;
      if (hit.row < 0) {
        const site = lane.marks?.site[hit.run];
        return site ? { file: site.file, line: Math.max(1, site.line) } : null;
      }
      const frame = lane.rows[hit.row]!.frame[hit.run]!;
      if (frame < 0 || !frames.file[frame]) return null; // a thread row, or the folded [runtime] frame
      const i = sampleAt(lane, hit.at);
      const { node } = i >= 0 ? nodeAtDepth(strategy, i, stackDepthOf(lane, hit.row)) : { node: -1 };
      return {
        file: frames.file[frame]!,
        line: node >= 0 && stacks.frame[node] === frame ? stacks.line[node]! : frames.line[frame]!,
      };
    },
  };
}

export function flameGraphData(tree: CallTree, rows: Runs[], strategy: StrategyResult, intervalMs: number): ChartData {
  const { frames, stacks } = strategy;
  const lane: ChartLane = {
    key: 'all',
    label: `all threads (${tree.samples} samples)`,
    rows,
    ribbon: null,
    ribbonKind: 'state',
  };
  const end = Math.max(tree.samples * intervalMs, intervalMs);
  return {
    axis: 'aggregate',
    lanes: [lane],
    start: 0,
    end,
    frameName: (frame) => functionName(strategy, frame),
    threadOf: () => -1,
    threadName: (thread) => strategy.threads[thread]?.name ?? '',
    processOf: () => -1,
    describe(hit) {
      const a = rows[hit.row]!.ref[hit.run]!;
      const frame = tree.frame[a]!;
      return [
        functionName(strategy, frame),
        `${frames.file[frame]}:${stacks.line[tree.node[a]!]}`,
        `total ${milliseconds(tree.total[a]! * intervalMs)} (${percent(tree.total[a]! / tree.samples, 1)})`,
        `self ${milliseconds(tree.self[a]! * intervalMs)} (${percent(tree.self[a]! / tree.samples, 1)})`,
        `GIL wait ${percent(tree.gilWait[a]! / tree.total[a]!)} of its samples`,
      ];
    },
    source(hit) {
      const a = rows[hit.row]!.ref[hit.run]!;
      const file = frames.file[tree.frame[a]!];
      return file ? { file, line: stacks.line[tree.node[a]!]! } : null;
    },
  };
}
