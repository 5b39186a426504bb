// Shared GIL measures for the rules: how much of a thread pool's time went to waiting for the
// GIL, from thread states when the sampler recognised the GIL, else from the stack sampler's lateness.
import type { Facts, StrategyFacts } from '../facts';

/**
 * Stack-sampler lateness: the sampler thread wakes about switch interval x busy threads late under
 * GIL contention; 2x serial's lateness and at least 2 ms (under half the 5 ms switch interval) is
 * beyond timer jitter.
 */
export const LATENESS_RATIO_MIN = 2;
export const LATENESS_MIN_MS = 2;

/**
 * Of the time a pool's task threads were either executing or blocked on the GIL, the share
 * blocked on the GIL. Runnable time (waiting for a core) is left out: under load from other
 * programs it grows for GIL-bound and GIL-free work alike. Null when the GIL was not recognised.
 */
export function gilShareOfDemand(f: Facts, pool: StrategyFacts | null): number | null {
  const st = pool?.states;
  if (!st || !f.gilDetected) return null;
  const demand = st.running + st.gil;
  return demand > 0 ? st.gil / demand : null;
}

/** The stack sampler woke much later under the thread pool than in serial: it queued for the GIL. */
export function latenessSaysGil(f: Facts): boolean {
  const pool = f.contentionPool ?? f.threads.find((t) => t.workers >= 2) ?? null;
  const late = pool?.meanLatenessMs;
  const base = f.serial?.meanLatenessMs ?? 0;
  return late != null && late >= LATENESS_MIN_MS && late >= LATENESS_RATIO_MIN * base;
}
