// Combines the rules' findings into one verdict. The first rule in PRECEDENCE that fires names
// the kind: the earlier a rule, the more directly it decides which route can work.
import type { Verdict, VerdictKind } from '../profile';
import type { Facts } from './facts';
import { alreadyParallel, oversubscription } from './rules/alreadyParallel';
import { copyCost } from './rules/copyCost';
import { dominantState } from './rules/dominantState';
import { eventLoopBlocked } from './rules/eventLoopBlocked';
import { gilContention } from './rules/gilContention';
import { ioWait } from './rules/ioWait';
import { lockContention } from './rules/lockContention';
import { mixedWork } from './rules/mixedWork';
import { releasesGil } from './rules/releasesGil';
import { taskOverhead } from './rules/taskOverhead';
import type { Finding, Rule } from './rules/types';

/**
 * Work already parallel inside one call comes first: the copy, overhead and lock signals of pools
 * on top of it are its side effects. Copy and overhead costs decide against process pools whatever
 * the work is; a contended lock
 * decides against threads even when the serial thread looked I/O-bound (it slept holding the
 * lock); a blocked event loop decides what an `async def` needs whatever it blocks on (sleeping,
 * I/O or computing); a split between CPU and waiting beats either pure kind; the pure kinds
 * exclude each other.
 */
export const PRECEDENCE: readonly Rule[] = [
  alreadyParallel,
  copyCost,
  taskOverhead,
  lockContention,
  eventLoopBlocked,
  mixedWork,
  ioWait,
  gilContention,
  releasesGil,
];

/** What pools on top of work that is already parallel inside show as a consequence, not a cause:
 * the calling threads wait on their own pools (lock waits), tiny gains look like overhead. */
const SIDE_EFFECTS = new Set<VerdictKind>(['lock-contention', 'copy-bound', 'overhead-bound']);

/** Fewer serial task samples than this (at 200 Hz: 0.1 s) make the state shares coarse. */
export const MIN_SERIAL_SAMPLES = 20;
export const FEW_SAMPLES_FACTOR = 0.7;

export const VERDICT_LABELS: Record<VerdictKind, string> = {
  'event-loop-blocked': 'Event loop blocked',
  'io-bound': 'I/O-bound',
  'cpu-bound-gil': 'CPU-bound (GIL)',
  'cpu-bound-releases-gil': 'CPU-bound (releases the GIL)',
  'lock-contention': 'Lock contention',
  'overhead-bound': 'Overhead-bound',
  'copy-bound': 'Copy-bound',
  'already-parallel': 'Already parallel inside each call',
  mixed: 'Mixed',
  'cpu-bound-event-loop': 'CPU-bound (event loop)',
  'threadpool-bound': 'Threadpool-bound (libuv)',
};

export function findings(facts: Facts): Finding[] {
  const out: Finding[] = [];
  for (const rule of PRECEDENCE) {
    const f = rule(facts);
    if (f) out.push(f);
  }
  return out;
}

export function decideVerdict(facts: Facts): Verdict {
  const fired = findings(facts);
  const winner = fired[0] ?? dominantState(facts);
  // Workers x native threads beyond the cores is said wherever it happened (the already-parallel
  // rule says it in its own evidence).
  const crowded = winner.kind !== 'already-parallel' ? oversubscription(facts) : null;
  return combineFindings(fired, winner, facts.serial?.states?.samples, crowded);
}

/** The verdict of `winner` (the first rule that fired, else the fallback), with the other rules'
 * findings as "also consistent with" evidence and `note` added to the winner's evidence. */
export function combineFindings(
  fired: Finding[],
  winner: Finding,
  serialSamples: number | undefined,
  note: string | null,
): Verdict {
  let confidence = winner.score;
  if (serialSamples !== undefined && serialSamples < MIN_SERIAL_SAMPLES) confidence *= FEW_SAMPLES_FACTOR;
  const evidence = [...winner.evidence];
  if (note) evidence.push(note);
  for (const other of fired.slice(1)) {
    if (other.kind !== winner.kind && !(winner.kind === 'already-parallel' && SIDE_EFFECTS.has(other.kind)))
      evidence.push(`Also consistent with ${VERDICT_LABELS[other.kind]}: ${other.evidence[0]}`);
  }
  const verdict: Verdict = {
    kind: winner.kind,
    label: VERDICT_LABELS[winner.kind],
    confidence: Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100,
    evidence,
    rules: (fired.length > 0 ? fired : [winner]).map((f) => f.rule),
  };
  if (winner.shares) verdict.shares = winner.shares;
  return verdict;
}
