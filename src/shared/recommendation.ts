// How every view names the recommendation (CLI, webview, CodeLens, status bar): read from the
// profile's recommendation, never decided again, so they cannot disagree.
import type { Profile, Recommendation } from '../profiler/profile';
import { speedup } from './format';

/** Serial (or the whole script as it is): no strategy beat it. */
export function keepsSerial(rec: Recommendation): boolean {
  return rec.strategy === 'serial' || rec.strategy === 'script';
}

/** The recommended strategy was one of the profile's own runs (else it names an unmeasured route). */
export function isMeasured(profile: Profile, rec: Recommendation): boolean {
  return profile.strategies.some((s) => s.id === rec.strategy);
}

/** The routes list's heading: Python's routes go around the GIL, Node's around its one event loop. */
export function routesHeading(profile: Profile): string {
  return profile.runtime === 'node' ? 'Routes in Node.js' : 'Routes around the GIL';
}

/** "processes-fork 1.73x", "serial (keep it)", "free-threaded (unmeasured)". */
export function recommendationSummary(profile: Profile, rec: Recommendation): string {
  if (keepsSerial(rec)) return `${rec.strategy} (keep it)`;
  if (!isMeasured(profile, rec) || rec.expectedSpeedup === null) return `${rec.strategy} (unmeasured)`;
  return `${rec.strategy} ${speedup(rec.expectedSpeedup)}`;
}
