// copy-bound: process pools lose because every task's arguments and results are pickled and
// piped between processes, and that copying costs as much as the work.
import { bytes, percent, seconds, speedup } from '../../../shared/format';
import { label, type Facts, type StrategyFacts } from '../facts';
import { beatsSerial } from '../margin';
import type { Finding } from './types';

/**
 * 150 MB/s: what a ProcessPoolExecutor moved on this project's 2-core machines for 32 MB numpy
 * arguments (pickle, pipe, unpickle; 85 MB/s for lists of str). Used to turn measured bytes
 * into an estimated copy time.
 */
export const COPY_BYTES_PER_SECOND = 150e6;
/** 0.25: copying a quarter of the serial run's whole duration already eats most of a 2-core gain. */
export const COPY_SHARE_MIN = 0.25;
/**
 * 64 KiB per task: below it one task's pickle costs less than a pool's per-task round trip
 * (0.1-0.5 ms), so many small messages are per-task overhead (taskOverhead), not copying. Measured:
 * 10,000 one-µs tasks moved 57 B each, 570 KB in all, 30% of a 12 ms serial run.
 */
export const MIN_BYTES_PER_TASK = 64 * 1024;
/** Highest score, kept below 1: the copy time is an estimate from a throughput constant. */
export const MAX_SCORE = 0.95;

export interface CopyEstimate {
  strategy: StrategyFacts;
  bytesMoved: number;
  copySeconds: number;
  /** Estimated copy time / serial wall time. */
  share: number;
}

/** The process strategy with the largest estimated copy cost, relative to the serial run. */
export function worstCopy(f: Facts): CopyEstimate | null {
  const serialWall = f.serial?.result.wallSeconds;
  if (!serialWall || serialWall <= 0) return null;
  let worst: CopyEstimate | null = null;
  for (const p of f.processes) {
    const c = p.result.processCosts;
    if (!c) continue;
    if (c.pickledBytesSentPerTask + c.pickledBytesReceivedPerTask < MIN_BYTES_PER_TASK) continue;
    const bytesMoved = c.pickledBytesSentTotal + c.pickledBytesReceivedTotal;
    const copySeconds = bytesMoved / COPY_BYTES_PER_SECOND;
    const share = copySeconds / serialWall;
    if (!worst || share > worst.share) worst = { strategy: p, bytesMoved, copySeconds, share };
  }
  return worst;
}

export function copyCost(f: Facts): Finding | null {
  const worst = worstCopy(f);
  if (!worst || worst.share < COPY_SHARE_MIN) return null;
  if (f.processes.some(beatsSerial)) return null; // processes won anyway: copying is not what limits them
  const c = worst.strategy.result.processCosts!;
  const evidence = [
    `${label(worst.strategy)}: pickled ${bytes(c.pickledBytesSentPerTask)} of ` +
      `arguments per task and ${bytes(c.pickledBytesReceivedPerTask)} of results ` +
      `(${bytes(worst.bytesMoved)} in all): about ${seconds(worst.copySeconds)} ` +
      `of copying at ~${COPY_BYTES_PER_SECOND / 1e6} MB/s, ${percent(worst.share)} ` +
      `of the serial run's ${seconds(f.serial!.result.wallSeconds!)}.`,
  ];
  for (const p of f.processes) {
    if (p.speedup !== null) evidence.push(`${label(p)}: ${speedup(p.speedup)} speedup.`);
  }
  const threads = f.threads.filter(beatsSerial);
  if (threads.length > 0) {
    const measured = threads.map((t) => `${label(t)} ${speedup(t.speedup)}`).join(', ');
    evidence.push(`Threads share the arguments without copying: ${measured}.`);
  }
  return { rule: 'copyCost', kind: 'copy-bound', score: Math.min(MAX_SCORE, 0.5 + worst.share / 2), evidence };
}
