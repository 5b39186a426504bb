// io-bound: the task thread spends most of its time blocked (I/O, child processes, sleeps), so
// other threads or an event loop can run while it waits.
import { percent, speedup } from '../../../shared/format';
import { label, type Facts } from '../facts';
import { describeHotLine } from '../hotspots';
import { SPEEDUP_MARGIN, fastest } from '../margin';
import { NATIVE_THREADS_CORES_MIN } from './releasesGil';
import type { Finding } from './types';

/**
 * 0.5: above half the time waiting, overlapping the waits gains at least 2x with enough threads
 * (Amdahl with the CPU part as the serial fraction), more than any CPU route can on 2 cores.
 */
export const IO_WAIT_SHARE_MIN = 0.5;
/** Score multiplier when no thread pool or event loop actually beat serial: the waits did not overlap. */
export const UNCONFIRMED_FACTOR = 0.75;

export function ioWait(f: Facts): Finding | null {
  const wait = f.serialWaitShare;
  if (!f.serial || wait === null || wait < IO_WAIT_SHARE_MIN) return null;
  const evidence: string[] = [];
  const st = f.serial.states;
  if (st) {
    evidence.push(
      `serial: the task thread was blocked ${percent(wait)} of ${st.samples} samples ` +
        `(I/O or child processes ${percent(st.io)}, sleeping ${percent(st.sleep)}) ` +
        `and on CPU only ${percent(st.cpu)}.`,
    );
    const hot = f.hot(f.serial);
    const where = (st.io >= st.sleep ? hot.io : hot.sleep) ?? hot.io ?? hot.sleep;
    if (where)
      evidence.push(
        `Most of that waiting is in ${describeHotLine(where)} (${percent(where.share)} of the waiting samples).`,
      );
  } else if (f.serial.coresUsed !== null) {
    evidence.push(
      `serial used ${f.serial.coresUsed.toFixed(2)} CPU seconds per wall second: ` +
        `the rest of its time it waited (thread states unavailable here).`,
    );
  }
  const cores = f.serial.coresUsed;
  if (cores !== null && cores >= NATIVE_THREADS_CORES_MIN) {
    evidence.push(
      `serial kept ${cores.toFixed(1)} cores busy while its task thread waited: ` +
        `the function waits for work it already runs in parallel itself (its own ` +
        `threads, processes or a native pool), so running more of it at once competes ` +
        `for the same cores.`,
    );
  }
  const overlap = fastest([...f.threads, ...(f.asyncio ? [f.asyncio] : [])]);
  let score = wait;
  if (overlap && overlap.speedup !== null) {
    evidence.push(`${label(overlap)}: ${speedup(overlap.speedup)} speedup, because the waits overlap.`);
    if (overlap.speedup < SPEEDUP_MARGIN) score *= UNCONFIRMED_FACTOR;
  } else {
    score *= UNCONFIRMED_FACTOR;
  }
  return { rule: 'ioWait', kind: 'io-bound', score, evidence };
}
