// Projected speedups on bigger machines: Amdahl's law with the serial fraction fitted to the
// measured runs. S(p) = 1 / (s + (1 - s) / p), p = tasks that can run at once.
import type { Recommendation } from '../profile';
import { pct, type Facts, type StrategyFacts } from './facts';

export interface Point {
  /** Parallelism the run could use: min(workers, cores, tasks). */
  p: number;
  speedup: number;
}

export function amdahl(serialFraction: number, p: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / p);
}

/**
 * Least squares on 1/S - 1/p = s (1 - 1/p), which is linear in s; clamped to [0, 1].
 * Points with p <= 1 carry no information about s. Null without any usable point.
 */
export function fitSerialFraction(points: Point[]): number | null {
  let num = 0;
  let den = 0;
  for (const { p, speedup } of points) {
    if (p <= 1 || !(speedup > 0)) continue;
    const x = 1 - 1 / p;
    num += x * (1 / speedup - 1 / p);
    den += x * x;
  }
  if (den === 0) return null;
  return Math.max(0, Math.min(1, num / den));
}

function parallelism(f: Facts, s: StrategyFacts): number {
  return Math.max(1, Math.min(s.workers, f.logicalCores, f.tasks));
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * Projection for a strategy whose parallel part needs cores (processes; threads running code
 * that releases the GIL): fit s on every usable run of the same family, then evaluate at 2x and
 * 4x the cores, capped by the number of tasks.
 */
export function projectOnCores(f: Facts, family: StrategyFacts[]): Recommendation['projected'] {
  const points = family
    .filter((s) => s.usable && s.speedup !== null)
    .map((s) => ({ p: parallelism(f, s), speedup: s.speedup! }));
  const s = fitSerialFraction(points);
  if (s === null) return null;
  const cores = f.logicalCores;
  const at = (k: number): number => round2(amdahl(s, Math.min(k * cores, f.tasks)));
  const capped = f.tasks < 4 * cores ? ` Capped by the ${f.tasks} tasks: at most ${f.tasks} run at once.` : '';
  return {
    cores2x: at(2),
    cores4x: at(4),
    model: `Amdahl, serial fraction ${s.toFixed(2)} fitted to ${points.length} run(s)`,
    assumptions:
      `Workers = cores; each task costs what it cost here; the fitted serial fraction (${pct(s)}) absorbs pool start-up, pickling and dispatch and stays constant; measured on ${cores} logical cores.` +
      capped,
  };
}

/**
 * Projection for work that overlaps waiting on one core (threads under the GIL, asyncio): the
 * CPU part runs one task at a time whatever the core count, so more cores change nothing.
 */
export function projectWaitOverlap(measured: number, cpuShare: number | null): Recommendation['projected'] {
  const ceiling =
    cpuShare && cpuShare > 0 && 1 / cpuShare > measured
      ? ` Ceiling 1/${cpuShare.toFixed(2)} = ${(1 / cpuShare).toFixed(1)}x from the serial CPU share, reached with enough concurrent tasks.`
      : '';
  return {
    cores2x: round2(measured),
    cores4x: round2(measured),
    model: 'Amdahl over concurrent waits: the CPU share of a task is the serial fraction',
    assumptions: `Waits overlap without using cores, and the CPU part runs one task at a time under the GIL (one event loop for asyncio), so extra cores add nothing; the remote side keeps up.${ceiling}`,
  };
}
