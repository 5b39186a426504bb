// cpu-bound-releases-gil: CPU work done in native code that releases the GIL (hashlib, zlib,
// sqlite3, numpy, ...): a thread pool keeps several cores busy without process costs.
import { percent, speedup } from '../../../shared/format';
import { label, type Facts } from '../facts';
import { DISTURBED_LOAD, SPEEDUP_MARGIN, fastest } from '../margin';
import { CPU_SHARE_MIN, GIL_WAIT_SHARE_MIN } from './gilContention';
import { gilShareOfDemand } from './gilShare';
import type { Finding } from './types';

/**
 * 1.3 cores: a serial run that keeps more than this busy runs its own native threads (a
 * multi-threaded BLAS, numexpr); more Python threads then mostly compete for the same cores.
 */
export const NATIVE_THREADS_CORES_MIN = 1.3;
/** Score multiplier when no thread pool beat serial (cores taken by other work, or too few tasks). */
export const UNCONFIRMED_FACTOR = 0.7;

export function releasesGil(f: Facts): Finding | null {
  const cpu = f.serialCpuShare;
  if (!f.serial || cpu === null || cpu < CPU_SHARE_MIN) return null;
  const pool = f.contentionPool;
  const gil = gilShareOfDemand(f, pool);
  const bestThreads = fastest(f.threads);
  const threadsScale = !!bestThreads && (bestThreads.speedup ?? 0) >= SPEEDUP_MARGIN;
  const evidence: string[] = [];
  if (gil !== null && pool?.states) {
    const st = pool.states;
    // The pool's threads must be on CPU together, not blocked on anything: a lock wait in a
    // CPU-bound pool is either a user lock or a GIL the sampler misplaced, and neither scales.
    const blocked = (st.gil + st.lock) / (st.running + st.gil + st.lock || 1);
    if (gil >= GIL_WAIT_SHARE_MIN || blocked >= GIL_WAIT_SHARE_MIN || st.cpu < CPU_SHARE_MIN) return null;
    evidence.push(
      `${label(pool)}: task threads on CPU ${percent(st.cpu)} of samples and waiting ` +
        `for the GIL only ${percent(st.gil)} (locks ${percent(st.lock)}): the work ` +
        `runs with the GIL released.`,
    );
  } else if (!threadsScale) {
    return null;
  }
  if (bestThreads && bestThreads.speedup !== null) {
    const load = f.serial.externalLoad;
    const busy =
      load !== null && load > DISTURBED_LOAD ? `, while other programs held ${percent(load)} of the cores` : '';
    evidence.push(
      threadsScale
        ? `${label(bestThreads)}: ${speedup(bestThreads.speedup)} speedup with no pickling or process start-up.`
        : `${label(bestThreads)}: only ${speedup(bestThreads.speedup)} here${busy}: ` +
            `the states show the threads ran free of the GIL, but no faster in wall time.`,
    );
  }
  const serialCores = f.serial.coresUsed;
  if (serialCores !== null && serialCores >= NATIVE_THREADS_CORES_MIN) {
    evidence.push(`serial already kept ${serialCores.toFixed(1)} cores busy: the native library runs its own threads.`);
  }
  return {
    rule: 'releasesGil',
    kind: 'cpu-bound-releases-gil',
    score: Math.min(1, cpu) * (threadsScale ? 1 : UNCONFIRMED_FACTOR),
    evidence,
  };
}
