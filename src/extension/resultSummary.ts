// One line about a finished profile, for the function's CodeLens and the completion message:
// the verdict label and the best measured speedup, e.g. "CPU-bound (GIL) - processes-fork 1.9x".
import type { Profile, StrategyResult } from '../profiler/profile';

/** The fastest strategy that finished and computed the same results as serial. */
export function bestStrategy(profile: Profile): StrategyResult | null {
  let best: StrategyResult | null = null;
  for (const strategy of profile.strategies) {
    if (strategy.kind === 'serial' || strategy.status !== 'ok' || strategy.speedup === null) continue;
    if (strategy.resultsMatchBaseline === false) continue;
    if (!best || strategy.speedup > (best.speedup ?? 0)) best = strategy;
  }
  return best;
}

export function resultSummary(profile: Profile): string {
  const best = bestStrategy(profile);
  const speed = best ? `${best.id} ${formatSpeedup(best.speedup ?? 0)}` : null;
  const parts = [profile.verdict?.label, speed].filter((part): part is string => !!part);
  if (profile.interrupted) parts.push('(partial)');
  return parts.length > 0 ? parts.join(' - ') : 'No strategy finished';
}

function formatSpeedup(speedup: number): string {
  return `${speedup.toFixed(1)}x`;
}
