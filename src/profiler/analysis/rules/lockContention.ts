// lock-contention: a lock (or other blocking synchronisation) in the user's code makes the
// tasks take turns, so threads queue on it instead of overlapping.
import { label, pct, times, type Facts, type StrategyFacts } from '../facts';
import { describeHotLine } from '../hotspots';
import { SPEEDUP_MARGIN } from '../margin';
import { gilProxied, latenessSaysGil } from './gilShare';
import type { Finding } from './types';

/**
 * 0.3 of a pool's task samples in lockWait. A lock that serialises all the work makes n threads
 * wait (n-1)/n of the time (0.5 at 2 threads); an occasionally taken lock stays in single digits.
 */
export const LOCK_WAIT_SHARE_MIN = 0.3;
/** Score multiplier when the pool beat serial anyway: the lock costs something but does not serialise. */
export const CONTRADICTED_FACTOR = 0.6;

export function lockContention(f: Facts): Finding | null {
  // The largest lock share over the pools: contention grows with the pool size.
  let worst: StrategyFacts | null = null;
  for (const t of f.threads) {
    if (t.workers >= 2 && t.states && (!worst || t.states.lock > worst.states!.lock)) worst = t;
  }
  const st = worst?.states;
  if (!worst || !st || st.lock < LOCK_WAIT_SHARE_MIN) return null;
  // Without a recognised GIL its waits are counted as lock waits: for CPU-bound work they are read
  // as GIL waits (gilProxied); otherwise the sampler's lateness still tells them apart.
  if (gilProxied(f) || (!f.gilDetected && latenessSaysGil(f))) return null;
  const evidence = [
    `${label(worst)}: ${worst.speedup !== null ? times(worst.speedup) : 'no'} speedup while ${pct(st.lock)} of thread samples waited on a lock that is not the GIL.`,
  ];
  const where = f.hot(worst).lockWait;
  if (where) evidence.push(`The waits are at ${describeHotLine(where)} (${pct(where.share)} of lock-wait samples).`);
  const serialLock = f.serial?.states?.lock;
  if (serialLock !== undefined)
    evidence.push(`serial: ${pct(serialLock)} lock waits, so the lock is only contended when tasks run together.`);
  const expected = (worst.workers - 1) / worst.workers;
  let score = Math.min(1, st.lock / expected);
  if ((worst.speedup ?? 0) >= SPEEDUP_MARGIN) score *= CONTRADICTED_FACTOR;
  return { rule: 'lockContention', kind: 'lock-contention', score, evidence };
}
