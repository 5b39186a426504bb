// What handing calls to worker threads or child processes costs.
//   copy-bound: arguments and results are copied by structured clone (postMessage, advanced IPC),
//     and the copying costs as much as the work.
//   overhead-bound: calls so short that a message round trip per call costs more than the call.
import { label } from '../../facts';
import { bytes, percent, seconds } from '../../../../shared/format';
import { SPEEDUP_MARGIN, beatsSerial, fastest } from '../../margin';
import type { Finding } from '../../rules/types';
import { alternatives, copying, type NodeFacts, type NodeStrategyFacts } from '../facts';

/**
 * 50 MB/s: what V8's serializer (structured clone, both ways) moved on this project's 2-core
 * machines for an array of a million numbers (typed arrays ~200 MB/s, arrays of small objects
 * ~6 MB/s). Turns measured bytes into an estimated copy time.
 */
export const CLONE_BYTES_PER_SECOND = 50e6;
/** 0.25 of serial's whole duration spent copying already eats most of a 2-core gain. */
export const CLONE_SHARE_MIN = 0.25;
/** 64 KiB per call: below it one clone costs less than the message round trip itself. */
export const MIN_CLONE_BYTES_PER_TASK = 64 * 1024;
export const MAX_SCORE = 0.95;
/** 1 ms: a worker_threads round trip measured 0.1 ms here; calls under 1 ms pay 10% or more. */
export const SMALL_CALL_SECONDS = 1e-3;
export const SLOWER_SCORE = 0.9;
export const NO_GAIN_SCORE = 0.6;

export interface CloneEstimate {
  strategy: NodeStrategyFacts;
  bytesMoved: number;
  copySeconds: number;
  share: number;
}

export function worstClone(f: NodeFacts): CloneEstimate | null {
  const serialWall = f.serial?.result.wallSeconds;
  if (!serialWall) return null;
  let worst: CloneEstimate | null = null;
  for (const s of copying(f)) {
    const c = s.result.processCosts;
    if (!c || c.pickledBytesSentPerTask + c.pickledBytesReceivedPerTask < MIN_CLONE_BYTES_PER_TASK) continue;
    const bytesMoved = c.pickledBytesSentTotal + c.pickledBytesReceivedTotal;
    const copySeconds = bytesMoved / CLONE_BYTES_PER_SECOND;
    const share = copySeconds / serialWall;
    if (!worst || share > worst.share) worst = { strategy: s, bytesMoved, copySeconds, share };
  }
  return worst;
}

export function cloneCost(f: NodeFacts): Finding | null {
  const worst = worstClone(f);
  if (!worst || worst.share < CLONE_SHARE_MIN || copying(f).some(beatsSerial)) return null;
  const c = worst.strategy.result.processCosts!;
  const evidence = [
    `${label(worst.strategy)}: ${bytes(c.pickledBytesSentPerTask)} of arguments and ` +
      `${bytes(c.pickledBytesReceivedPerTask)} of results per call copied by structured clone ` +
      `(${bytes(worst.bytesMoved)} in all): about ${seconds(worst.copySeconds)} at ` +
      `~${CLONE_BYTES_PER_SECOND / 1e6} MB/s, ${percent(worst.share)} of serial's ` +
      `${seconds(f.serial!.result.wallSeconds!)}.`,
  ];
  for (const s of copying(f)) if (s.speedup !== null) evidence.push(`${label(s)}: ${s.speedup.toFixed(2)}x.`);
  return { rule: 'cloneCost', kind: 'copy-bound', score: Math.min(MAX_SCORE, 0.5 + worst.share / 2), evidence };
}

export function handoffOverhead(f: NodeFacts): Finding | null {
  const serialWall = f.serial?.result.wallSeconds;
  const task = f.serialTaskSeconds;
  if (!f.serial || !serialWall || task === null || task >= SMALL_CALL_SECONDS) return null;
  const best = fastest(alternatives(f));
  if (best && (best.speedup ?? 0) >= SPEEDUP_MARGIN) return null;
  const evidence = [
    `${f.tasks} calls of ${seconds(task)} each on average in serial: about what handing one call to a worker and ` +
      `back costs.`,
  ];
  if (best?.speedup != null)
    evidence.push(`Even the fastest other run, ${label(best)}, reached ${best.speedup.toFixed(2)}x.`);
  const slower = !best || (best.speedup ?? 0) < 1;
  return { rule: 'handoffOverhead', kind: 'overhead-bound', score: slower ? SLOWER_SCORE : NO_GAIN_SCORE, evidence };
}
