// Runs: the rectangles of one row of a flame chart, in time order, as typed arrays so that a
// 1M-sample profile stays compact and a binary search finds the visible ones.

export interface Runs {
  start: Float64Array;
  end: Float64Array;
  /** Frame index (>= 0); for a lane's thread row, -2 - thread index; for a state ribbon, the state code. */
  frame: Int32Array;
  /** Timeline rows: the first sample of the run. Flame graph rows: the aggregate node. */
  ref: Int32Array;
  length: number;
}

export class RunsBuilder {
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly frame: number[] = [];
  private readonly ref: number[] = [];

  push(start: number, end: number, frame: number, ref: number): number {
    this.start.push(start);
    this.end.push(end);
    this.frame.push(frame);
    this.ref.push(ref);
    return this.start.length - 1;
  }

  extend(run: number, end: number): void {
    this.end[run] = end;
  }

  build(): Runs {
    return {
      start: Float64Array.from(this.start),
      end: Float64Array.from(this.end),
      frame: Int32Array.from(this.frame),
      ref: Int32Array.from(this.ref),
      length: this.start.length,
    };
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
