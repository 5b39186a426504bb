// How many workers: on a measured scaling curve, the smallest pool within the noise margin of the
// best one, and why a larger pool would not be faster.
import type { ScalingCurve, ScalingPoint } from '../profile';
import { parseStrategyId, formatStrategyId } from '../../shared/strategyId';
import { speedup } from '../../shared/format';
import type { Facts, StrategyFacts } from './facts';
import { SPEEDUP_MARGIN } from './margin';

/** The curve a run belongs to, if one was measured for its family. */
export function curveOf(f: Facts, s: StrategyFacts): ScalingCurve | null {
  const parts = parseStrategyId(s.id);
  if (!parts) return null;
  const key = formatStrategyId({ ...parts, workers: null });
  return f.profile.scaling?.find((c) => c.strategy === key && c.points.some((p) => p.strategy === s.id)) ?? null;
}

/**
 * The measured best worker count: the smallest pool whose speedup is at least the best's / margin.
 * When the best beats the baseline by the margin, the pick must too: else a small pool just under
 * the margin (1 process at 1.14x beside 2 at 1.33x) would stand for a curve that did win.
 */
export function bestWorkers(curve: ScalingCurve): ScalingPoint | null {
  if (curve.points.length === 0) return null;
  const best = Math.max(...curve.points.map((p) => p.speedup));
  const floor = Math.max(best / SPEEDUP_MARGIN, best >= SPEEDUP_MARGIN ? SPEEDUP_MARGIN : 0);
  return [...curve.points].sort((a, b) => a.workers - b.workers).find((p) => p.speedup >= floor)!;
}

/**
 * Runs that stand for their family: the best worker count of each measured curve, and every run
 * of a family without a curve. The other points of a curve are in `scaling`, not alternatives.
 */
export function representatives(f: Facts, pool: StrategyFacts[]): StrategyFacts[] {
  return pool.filter((s) => {
    const curve = curveOf(f, s);
    return !curve || bestWorkers(curve)?.strategy === s.id;
  });
}

function noun(kind: string, n: number): string {
  if (kind === 'processes') return n === 1 ? 'process' : 'processes';
  if (kind === 'threads') return n === 1 ? 'thread' : 'threads';
  return n === 1 ? 'worker' : 'workers';
}

/** Why not a larger pool: the cores, the task count, the waits themselves, the fit's peak, or not measured. */
export function whyNotMore(f: Facts, chosen: StrategyFacts, curve: ScalingCurve): string {
  const point = curve.points.find((p) => p.strategy === chosen.id);
  if (!point) return '';
  const n = point.workers;
  const kind = chosen.result.kind;
  const larger = curve.points.filter((p) => p.workers > n);
  const next = larger.reduce<ScalingPoint | null>((best, p) => (!best || p.speedup > best.speedup ? p : best), null);
  const evidence = next ? `: ${next.workers} reached ${speedup(next.speedup)}` : '';
  const ceiling = curve.fit?.ceiling ?? null;
  if (ceiling && n >= ceiling.workers && ceiling.reason === 'tasks')
    return `Not more: there are ${f.tasks} tasks, so a larger pool would leave workers idle.`;
  if (next && curve.bound === 'cpu' && n >= f.logicalCores)
    return `Not more: past ${n} ${noun(kind, n)} the ${f.logicalCores} cores are the limit${evidence}.`;
  if (next) {
    const pace =
      curve.bound === 'io'
        ? `the waits themselves (what each task waits for), not the pool, set the pace`
        : `contention (sigma ${curve.fit?.sigma.toFixed(2) ?? '?'}) eats what more workers add`;
    return `Not more: past ${n} ${noun(kind, n)} ${pace}${evidence}, less than ${SPEEDUP_MARGIN}x above ${n}.`;
  }
  const skipped = curve.skipped.filter((s) => s.workers > n);
  if (skipped.length > 0)
    return (
      `Larger pools were not measured (${skipped[0]!.workers}: ${skipped[0]!.reason}); ` +
      `${n} is the largest measured.`
    );
  const peak = curve.fit?.peakWorkers;
  return peak && peak > n
    ? `${n} is the largest pool measured; the fit peaks at ~${peak}, so a larger pool may still gain.`
    : `${n} is the largest pool measured.`;
}
