// Fallback when no rule's threshold was met: name the kind whose share of the serial time is
// largest, with low confidence, so every profile still gets a verdict.
import type { VerdictKind } from '../../profile';
import { percent } from '../../../shared/format';
import { type Facts } from '../facts';
import { NATIVE_THREADS_CORES_MIN } from './releasesGil';
import type { Finding } from './types';

/** Confidence of a verdict that no threshold backed. */
export const FALLBACK_SCORE = 0.3;

export function dominantState(f: Facts): Finding {
  const st = f.serial?.states;
  if (!f.serial) {
    return {
      rule: 'dominantState',
      kind: 'mixed',
      score: 0,
      evidence: ['The serial baseline did not complete, so nothing could be compared.'],
    };
  }
  if (!st) {
    const cpu = f.serialCpuShare;
    const kind: VerdictKind = cpu !== null && cpu >= 0.5 ? 'cpu-bound-gil' : 'io-bound';
    return {
      rule: 'dominantState',
      kind,
      score: cpu === null ? 0 : FALLBACK_SCORE,
      evidence: [
        cpu === null
          ? 'No thread states or CPU times were measured.'
          : `serial kept ${percent(cpu)} of a core busy; thread states were unavailable.`,
      ],
    };
  }
  const parts: [VerdictKind, number][] = [
    ['cpu-bound-gil', st.cpu],
    ['io-bound', st.wait],
    ['lock-contention', st.lock],
  ];
  parts.sort((a, b) => b[1] - a[1]);
  const evidence = [
    `No rule's threshold was met; serial task samples: on CPU ${percent(st.cpu)}, ` +
      `blocked ${percent(st.wait)}, lock waits ${percent(st.lock)}, other ${percent(st.other)}.`,
  ];
  // One task thread cannot contend with itself: lock waits in serial are waits for threads or
  // processes the function starts on its own.
  if (parts[0][0] === 'lock-contention')
    evidence.push(
      'In serial the task thread mostly waited on a lock or condition: the function ' +
        'probably waits for threads or processes it starts itself.',
    );
  if (f.serial.coresUsed !== null && f.serial.coresUsed >= NATIVE_THREADS_CORES_MIN)
    evidence.push(`serial kept ${f.serial.coresUsed.toFixed(1)} cores busy: the function is already parallel inside.`);
  return { rule: 'dominantState', kind: parts[0][0], score: FALLBACK_SCORE, evidence };
}
