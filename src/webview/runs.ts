// Runs: the rectangles of one row of a flame chart, in time order, as typed arrays so that a
// 1M-sample profile stays compact and a binary search finds the visible ones.
import { doubled } from '../shared/typedArrays';

export interface Runs {
  start: Float64Array;
  end: Float64Array;
  /** Frame index (>= 0); for a lane's thread row, -2 - thread index; for a state ribbon, the state code. */
  frame: Int32Array;
  /** Timeline rows: the first sample of the run. Flame graph rows: the aggregate node. */
  ref: Int32Array;
  length: number;
}

/**
 * Runs appended in order, into typed arrays. Sized exactly from a counting pass (see `counting`),
 * a million-sample lane is held once, with no grown-out copies left for the collector: those set
 * the renderer's peak memory. Without a size the arrays double when full.
 */
export class RunsBuilder {
  private start: Float64Array;
  private end: Float64Array;
  private frame: Int32Array;
  private ref: Int32Array;
  private length = 0;

  /** A builder that stores nothing: the same pushes on it give the exact size of the real one. */
  static counting(): RunsBuilder {
    return new RunsBuilder(0, true);
  }

  constructor(
    capacity = 64,
    private readonly countOnly = false,
  ) {
    const size = countOnly ? 0 : Math.max(1, capacity); // one at least, so that doubling grows it
    this.start = new Float64Array(size);
    this.end = new Float64Array(size);
    this.frame = new Int32Array(size);
    this.ref = new Int32Array(size);
  }

  get size(): number {
    return this.length;
  }

  push(start: number, end: number, frame: number, ref: number): number {
    if (this.countOnly) return this.length++;
    if (this.length === this.start.length) this.grow();
    const k = this.length++;
    this.start[k] = start;
    this.end[k] = end;
    this.frame[k] = frame;
    this.ref[k] = ref;
    return k;
  }

  extend(run: number, end: number): void {
    if (!this.countOnly) this.end[run] = end;
  }

  private grow(): void {
    this.start = doubled(this.start);
    this.end = doubled(this.end);
    this.frame = doubled(this.frame);
    this.ref = doubled(this.ref);
  }

  /** The runs, trimmed to their length (a copy only when the spare capacity is worth freeing). */
  build(): Runs {
    const n = this.length;
    const trim = <T extends Float64Array | Int32Array>(a: T): T =>
      (a.length - n > 1024 ? a.slice(0, n) : a.subarray(0, n)) as T;
    return { start: trim(this.start), end: trim(this.end), frame: trim(this.frame), ref: trim(this.ref), length: n };
  }
}

/** First index in [from, length) whose value is > x (values ascending). */
export function firstAbove(values: Float64Array, x: number, from = 0, to = values.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The run covering x, or -1. Runs of a row never overlap, so their ends ascend. */
export function runAt(runs: Runs, x: number): number {
  const i = firstAbove(runs.end, x, 0, runs.length);
  return i < runs.length && runs.start[i]! <= x ? i : -1;
}
