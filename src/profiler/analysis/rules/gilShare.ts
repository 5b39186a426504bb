// Shared GIL measures for the rules: how much of a thread pool's time went to waiting for the
// GIL, from thread states when the sampler recognised the GIL, else from the stack sampler's lateness.
import type { Facts, StrategyFacts } from '../facts';
import { CPU_SHARE_MIN } from './gilContention';

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
 * programs it grows for GIL-bound and GIL-free work alike.
 * When the sampler did not recognise the GIL (its start-up self-test can miss it on a busy
 * machine), GIL waits are counted as lock waits; for CPU-bound work (see `gilProxied`) the lock
 * waits stand in for them, since the GIL is by far the commonest lock CPU-bound threads queue on.
 */
export function gilShareOfDemand(f: Facts, pool: StrategyFacts | null): number | null {
  const st = pool?.states;
  if (!st) return null;
  const waits = f.gilDetected ? st.gil : gilProxied(f) ? st.gil + st.lock : null;
  if (waits === null) return null;
  const demand = st.running + waits;
  return demand > 0 ? waits / demand : null;
}

/** The GIL was not recognised and serial is CPU-bound: the pools' lock waits are read as GIL waits. */
export function gilProxied(f: Facts): boolean {
  return f.profile.sampling.threadStates === 'proc' && !f.gilDetected && (f.serialCpuShare ?? 0) >= CPU_SHARE_MIN;
}

/** The stack sampler woke much later under the thread pool than in serial: it queued for the GIL. */
export function latenessSaysGil(f: Facts): boolean {
  const pool = f.contentionPool ?? f.threads.find((t) => t.workers >= 2) ?? null;
  const late = pool?.meanLatenessMs;
  const base = f.serial?.meanLatenessMs ?? 0;
  return late != null && late >= LATENESS_MIN_MS && late >= LATENESS_RATIO_MIN * base;
}
