// What the main thread did when it was not running JavaScript.
//   io-bound: serial's calls mostly waited (timers, network, child processes, blocking file reads):
//     the waits overlap when the calls run together (async) or on other threads.
//   mixed: a synchronous function that both computes and blocks (readFileSync, execSync,
//     Atomics.wait) for sizable shares: no single route removes both.
import { describeHotLine } from '../../hotspots';
import { label } from '../../facts';
import { percent, speedup } from '../../../../shared/format';
import { SPEEDUP_MARGIN, fastest } from '../../margin';
import type { VerdictKind } from '../../../profile';
import type { Finding } from '../../rules/types';
import { alternatives, baselineThreads, type NodeFacts } from '../facts';

/** 0.5: above half of serial's time waiting, overlapping the waits gains at least 2x (as for Python). */
export const LOOP_WAIT_SHARE_MIN = 0.5;
/** Score multiplier when nothing overlapped the waits faster than serial. */
export const UNCONFIRMED_FACTOR = 0.75;
/** 0.3: both computing and blocking take at least 30% of serial's time (as for Python's mixed rule). */
export const MIXED_SHARE_MIN = 0.3;

export function loopWait(f: NodeFacts): Finding | null {
  const wait = f.serialWaitShare;
  if (!f.serial || wait === null || wait < LOOP_WAIT_SHARE_MIN) return null;
  const evidence: string[] = [];
  const st = f.serial.states;
  if (st) {
    evidence.push(
      `${baselineThreads(f)} waited ${percent(wait)} of ${st.samples} samples (in I/O or idle in the event loop ` +
        `${percent(st.io)}, sleeping ${percent(st.sleep)}, in a futex wait ${percent(st.lock)}) and ran only ` +
        `${percent(st.cpu)}.`,
    );
    const hot = f.hot(f.serial);
    const where = hot.io ?? hot.sleep ?? hot.lockWait;
    if (where) evidence.push(`The waiting is in ${describeHotLine(where)} (${percent(where.share)} of those samples).`);
  }
  if (f.serial.loop && !f.isAsync && f.serial.loop.utilization >= 0.5)
    evidence.push(
      `The function is synchronous: it blocked the event loop while it waited (busy ` +
        `${percent(f.serial.loop.utilization)} of the time), so nothing else could run meanwhile.`,
    );
  const overlap = fastest(alternatives(f));
  let score = wait;
  if (overlap?.speedup != null) {
    evidence.push(`${label(overlap)}: ${speedup(overlap.speedup)}, because the waits overlap.`);
    if (overlap.speedup < SPEEDUP_MARGIN) score *= UNCONFIRMED_FACTOR;
  } else score *= UNCONFIRMED_FACTOR;
  return { rule: 'loopWait', kind: 'io-bound', score, evidence };
}

export function nodeMixedWork(f: NodeFacts): Finding | null {
  const cpu = f.serialCpuShare;
  const wait = f.serialWaitShare;
  if (!f.serial || f.isAsync || cpu === null || wait === null) return null;
  if (cpu < MIXED_SHARE_MIN || wait < MIXED_SHARE_MIN) return null;
  const total = cpu + wait;
  const shares: Partial<Record<VerdictKind, number>> = {
    'io-bound': wait / total,
    'cpu-bound-event-loop': cpu / total,
  };
  const evidence = [
    `${baselineThreads(f)} ran ${percent(cpu)} and blocked ${percent(wait)} of the time, synchronously: the event ` +
      `loop could run nothing else meanwhile.`,
  ];
  const best = fastest(alternatives(f));
  if (best?.speedup != null) evidence.push(`Fastest: ${label(best)} at ${speedup(best.speedup)}.`);
  return { rule: 'nodeMixedWork', kind: 'mixed', score: 1 - Math.abs(cpu - wait) / total, evidence, shares };
}
