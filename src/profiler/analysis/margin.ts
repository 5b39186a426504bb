// The noise margin: how much faster than serial a strategy must be before it counts as faster.
import type { Facts, StrategyFacts } from './facts';

/**
 * 1.2x. Repeated runs of the same strategy on these shared 2-core machines differ by 5-15%
 * (other engineers' builds and tests share the cores), so a gain below 20% cannot be told from
 * noise in a single run; above it, the ground-truth workloads separate cleanly (GIL-bound threads
 * 0.9-1.1x, processes and GIL-releasing threads 1.5-1.9x on 2 cores).
 */
export const SPEEDUP_MARGIN = 1.2;

/** A strategy clearly beats serial. */
export function beatsSerial(s: StrategyFacts | null | undefined): boolean {
  return !!s && s.usable && s.speedup !== null && s.speedup >= SPEEDUP_MARGIN;
}

/** The fastest usable strategy of a list (by measured speedup), or null. */
export function fastest(list: StrategyFacts[]): StrategyFacts | null {
  let best: StrategyFacts | null = null;
  for (const s of list) {
    if (!s.usable || s.speedup === null) continue;
    if (!best || s.speedup > (best.speedup ?? 0)) best = s;
  }
  return best;
}

/**
 * 0.15: the engine's own samplers account for ~5% of a 2-core machine; beyond 15% other programs
 * held the cores during serial or a compared run, so strategies ran against different, changing
 * competition: on this project's machines such runs swung the same strategy between 0.7x and 3x.
 * Then measured gaps between strategies that all beat the margin are not trusted, and the one the
 * verdict predicts wins (a gain the verdict rules out is discarded).
 */
export const DISTURBED_LOAD = 0.15;

/** Runs measured while other programs held the cores: their speedups cannot be ranked against each other. */
export function disturbed(f: Facts, pool: StrategyFacts[]): boolean {
  return [f.serial, ...pool].some((s) => s && s.externalLoad !== null && s.externalLoad > DISTURBED_LOAD);
}
