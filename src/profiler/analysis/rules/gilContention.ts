// cpu-bound-gil: CPU work that holds the GIL, so a thread pool runs one task at a time.
import { percent, speedup } from '../../../shared/format';
import { label, type Facts } from '../facts';
import { describeHotLine } from '../hotspots';
import { SPEEDUP_MARGIN, fastest } from '../margin';
import { gilProxied, gilShareOfDemand, latenessSaysGil } from './gilShare';
import type { Finding } from './types';

/**
 * 0.6: the serial task thread is on CPU at least 60% of the time; below that, waiting is a
 * large enough part that the io-bound or mixed rules describe it better.
 */
export const CPU_SHARE_MIN = 0.6;
/**
 * 0.15 of the pool's executing-or-GIL-blocked time spent in gilWait. n CPU-bound threads under one
 * GIL wait (n-1)/n of it in theory (0.5 for 2 threads); measured here under heavy load from other
 * programs 0.27-0.45 for pure-Python loops, regex, json and a shared counter; 0.00-0.02 for hashlib,
 * zlib, sqlite3 and numpy. 0.15 leaves room on both sides.
 */
export const GIL_WAIT_SHARE_MIN = 0.15;
/** Score multiplier when threads did beat serial anyway, or when states were unavailable. */
export const CONTRADICTED_FACTOR = 0.7;
export const NO_STATES_FACTOR = 0.8;

export function gilContention(f: Facts): Finding | null {
  const cpu = f.serialCpuShare;
  if (!f.serial || cpu === null || cpu < CPU_SHARE_MIN) return null;
  const pool = f.contentionPool;
  const gil = gilShareOfDemand(f, pool);
  const bestThreads = fastest(f.threads);
  const bestProcesses = fastest(f.processes);
  let byStates = false;
  const proxied = gilProxied(f);
  if (gil !== null) {
    if (gil < GIL_WAIT_SHARE_MIN) return null;
    byStates = !proxied;
  } else if (!latenessSaysGil(f)) {
    // Last resort without states or lateness: threads flat while processes scale.
    const flat = !bestThreads || (bestThreads.speedup ?? 0) < SPEEDUP_MARGIN;
    if (!(flat && bestProcesses && (bestProcesses.speedup ?? 0) >= SPEEDUP_MARGIN)) return null;
  }
  const evidence: string[] = [];
  if (pool && pool.states && gil !== null) {
    const speed = pool.speedup !== null ? speedup(pool.speedup) : 'no';
    evidence.push(
      proxied
        ? `${label(pool)}: ${speed} speedup while ${percent(pool.states.gil + pool.states.lock)} ` +
            `of thread samples waited on a lock; the sampler did not recognise the GIL ` +
            `in this run (${f.profile.sampling.note ?? 'no GIL address learned'}), and ` +
            `for CPU-bound threads that lock is almost always the GIL.`
        : `${label(pool)}: ${speed} speedup while ${percent(pool.states.gil)} of thread ` +
            `samples waited for the GIL (${percent(gil)} of the time they were not queued ` +
            `for a core).`,
    );
  }
  const st = f.serial.states;
  if (st) {
    const where = f.hot(f.serial).running;
    const mostly = where ? `, mostly in ${describeHotLine(where)} (${percent(where.share)})` : '';
    evidence.push(`serial: on CPU ${percent(st.cpu)} of ${st.samples} task samples${mostly}.`);
  }
  const late = pool?.meanLatenessMs;
  if (late != null && f.serial.meanLatenessMs != null && latenessSaysGil(f)) {
    evidence.push(
      `The in-process stack sampler woke ${late.toFixed(1)} ms late on average ` +
        `under ${label(pool!)} vs ${f.serial.meanLatenessMs.toFixed(1)} ms in serial: ` +
        `it queued for the GIL too.`,
    );
  }
  if (bestProcesses && bestProcesses.speedup !== null) {
    evidence.push(
      `${label(bestProcesses)}: ${speedup(bestProcesses.speedup)}: each process has its own interpreter and GIL.`,
    );
  }
  let score = Math.min(1, cpu);
  if (bestThreads && (bestThreads.speedup ?? 0) >= SPEEDUP_MARGIN) score *= CONTRADICTED_FACTOR;
  if (!byStates) score *= NO_STATES_FACTOR;
  return { rule: 'gilContention', kind: 'cpu-bound-gil', score, evidence };
}
