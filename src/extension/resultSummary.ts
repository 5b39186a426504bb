// One line about a finished profile, for the function's CodeLens, the status bar and the log:
// the verdict and the recommendation as the profile states them, e.g.
// "CPU-bound (GIL) - processes-fork 1.73x". Nothing is decided here (see shared/recommendation.ts).
import type { Profile } from '../profiler/profile';
import { recommendationSummary } from '../shared/recommendation';

export function resultSummary(profile: Profile): string {
  const baseline = profile.strategies[0];
  const parts: string[] = [];
  if (!baseline || baseline.status !== 'ok') {
    parts.push(baseline ? `${baseline.id} ${baseline.status}` : 'nothing ran');
  } else {
    if (profile.verdict) parts.push(profile.verdict.label);
    parts.push(profile.recommendation ? recommendationSummary(profile, profile.recommendation) : 'not analysed');
  }
  if (profile.interrupted) parts.push('(partial)');
  return parts.join(' - ');
}

/** The status bar's text after a run. */
export function statusBarText(profile: Profile): string {
  return `Concurrency: ${resultSummary(profile)}`;
}
