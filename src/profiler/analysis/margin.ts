// Reading speedups against the noise margin (src/shared/margin.ts) and the machine's load.
import { SPEEDUP_MARGIN, beatsMargin } from '../../shared/margin';
import type { Alternative } from '../profile';
import type { Facts, StrategyFacts } from './facts';

export { SPEEDUP_MARGIN };

/** A strategy clearly beats serial. */
export function beatsSerial(s: StrategyFacts | null | undefined): boolean {
  return !!s && s.usable && beatsMargin(s.speedup);
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

/** Measured strategies as alternatives, fastest first, each with why it is not the choice. */
export function fastestFirst(list: StrategyFacts[], why: (s: StrategyFacts) => string): Alternative[] {
  return [...list]
    .sort((a, b) => b.speedup! - a.speedup!)
    .map((s) => ({ strategy: s.id, expectedSpeedup: s.speedup, why: why(s) }));
}

/**
 * 0.15 (the profiler's own CPU is not counted: src/shared/coreLoad.ts): beyond 15% other programs
 * held the cores during serial or a compared run, so strategies ran against different, changing
 * competition: on this project's machines such runs swung the same strategy between 0.7x and 3x.
 * Then measured gaps between strategies that all beat the margin are not trusted, and the one the
 * verdict predicts wins (a gain the verdict rules out is discarded).
 */
export const DISTURBED_LOAD = 0.15;

/** Runs measured while other programs held the cores: their speedups cannot be ranked against each other. */
export function disturbed(f: Pick<Facts, 'serial'>, pool: StrategyFacts[]): boolean {
  return [f.serial, ...pool].some((s) => s && s.externalLoad !== null && s.externalLoad > DISTURBED_LOAD);
}
