// mixed: the serial task thread splits its time between CPU work and waiting, so no single
// route removes the bottleneck (threads overlap the waits, processes the computing).
import type { VerdictKind } from '../../profile';
import { percent, speedup } from '../../../shared/format';
import { label, type Facts } from '../facts';
import { fastest } from '../margin';
import { GIL_WAIT_SHARE_MIN } from './gilContention';
import { gilShareOfDemand } from './gilShare';
import type { Finding } from './types';

/**
 * 0.3: both CPU and waiting take at least 30% of the serial time. Then overlapping only the
 * waits caps threads at 1/0.3 = 3.3x under the GIL and processes gain on the CPU part only.
 */
export const MIXED_SHARE_MIN = 0.3;

export function mixedWork(f: Facts): Finding | null {
  const st = f.serial?.states;
  if (!st || st.cpu < MIXED_SHARE_MIN || st.wait < MIXED_SHARE_MIN) return null;
  const gil = gilShareOfDemand(f, f.contentionPool);
  const cpuKind: VerdictKind = gil !== null && gil < GIL_WAIT_SHARE_MIN ? 'cpu-bound-releases-gil' : 'cpu-bound-gil';
  const total = st.cpu + st.wait;
  const shares: Partial<Record<VerdictKind, number>> = { 'io-bound': st.wait / total, [cpuKind]: st.cpu / total };
  const evidence = [
    `serial: the task thread was on CPU ${percent(st.cpu)} and blocked ${percent(st.wait)} ` +
      `(I/O ${percent(st.io)}, sleeping ${percent(st.sleep)}) of ${st.samples} samples.`,
  ];
  if (gil !== null && f.contentionPool?.states) {
    evidence.push(
      `${label(f.contentionPool)}: ${percent(f.contentionPool.states.gil)} of thread ` +
        `samples waited for the GIL, so the CPU part ${cpuKind === 'cpu-bound-gil' ? 'holds' : 'releases'} it.`,
    );
  }
  const best = fastest([...f.threads, ...f.processes, ...(f.asyncio ? [f.asyncio] : [])]);
  if (best && best.speedup !== null) evidence.push(`Fastest: ${label(best)} at ${speedup(best.speedup)}.`);
  // Most convincing when the split is even; a 70/30 split is nearly one kind.
  const score = 1 - Math.abs(st.cpu - st.wait) / total;
  return { rule: 'mixedWork', kind: 'mixed', score, evidence, shares };
}
