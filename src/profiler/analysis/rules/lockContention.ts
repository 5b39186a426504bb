// lock-contention: a lock (or other blocking synchronisation) in the user's code makes the
// tasks take turns, so threads queue on it instead of overlapping.
import { baseName, percent, seconds, speedup } from '../../../shared/format';
import { lockName } from '../../locks';
import type { LockInfo } from '../../profile';
import { label, type Facts, type StrategyFacts } from '../facts';
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

/** The lock waited on longest in any run the lock recorder traced. */
export function worstLock(f: Facts): LockInfo | null {
  let worst: LockInfo | null = null;
  for (const s of f.all)
    for (const lock of s.result.locks ?? []) if (!worst || lock.waitMs > worst.waitMs) worst = lock;
  return worst && worst.waitMs > 0 ? worst : null;
}

/** "The worst lock is LOCK, a Lock created at app.py:7: ...; held by update() at app.py:11 for 100 ms on average." */
export function describeLock(lock: LockInfo): string {
  const at = (site: { file: string; line: number }): string => `${baseName(site.file)}:${site.line}`;
  const holder = lock.holders[0];
  const held = holder
    ? `; held longest by ${holder.function}() at ${at(holder.site)}, ${seconds(holder.meanHoldMs / 1000)} ` +
      `per hold on average (longest ${seconds(holder.maxHoldMs / 1000)}, ${holder.count} holds)`
    : '';
  const instances = lock.instances > 1 ? ` (${lock.instances} locks created there)` : '';
  return (
    `The worst lock is ${lockName(lock)}, a ${lock.kind} created at ${at(lock.site)}${instances}: ` +
    `${lock.waiters} thread${lock.waiters === 1 ? '' : 's'} waited ${percent(lock.waitShare)} ` +
    `of their task time for it (${lock.contended} of ${lock.acquisitions} acquisitions ` +
    `waited, ${seconds(lock.waitMs / 1000)} in all)${held}.`
  );
}

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
  const named = worstLock(f);
  const evidence = [
    `${label(worst)}: ${worst.speedup !== null ? speedup(worst.speedup) : 'no'} ` +
      `speedup while ${percent(st.lock)} of thread samples waited on ` +
      `${named ? `lock ${lockName(named)}` : 'a lock that is not the GIL'}.`,
  ];
  const where = f.hot(worst).lockWait;
  if (where)
    evidence.push(`The waits are at ${describeHotLine(where)} (${percent(where.share)} of lock-wait samples).`);
  if (named) evidence.push(describeLock(named));
  const serialLock = f.serial?.states?.lock;
  if (serialLock !== undefined)
    evidence.push(`serial: ${percent(serialLock)} lock waits, so the lock is only contended when tasks run together.`);
  const expected = (worst.workers - 1) / worst.workers;
  let score = Math.min(1, st.lock / expected);
  if ((worst.speedup ?? 0) >= SPEEDUP_MARGIN) score *= CONTRADICTED_FACTOR;
  return { rule: 'lockContention', kind: 'lock-contention', score, evidence };
}
