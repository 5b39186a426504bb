// Scaling curves: after the base sweep, which pool families get run at several worker counts, in
// which order, and when a curve stops. The engine's run loop asks `next()` for the next run and
// runs it; this module only plans, from the profile measured so far and the run's budget.
// Rules and thresholds: docs/heuristics.md ("Scaling curves").
import { parseStrategyId, withStrategyParts, formatStrategyId } from '../shared/strategyId';
import { collectFacts } from './analysis/facts';
import { SPEEDUP_MARGIN } from './analysis/margin';
import { ceilingFor, fitCurve } from './analysis/projection';
import { decideVerdict } from './analysis/verdict';
import type { RunBudget } from './budget';
import {
  coresOf,
  type Profile,
  type ScalingCurve,
  type ScalingMode,
  type ScalingSkip,
  type StrategyResult,
  type VerdictKind,
} from './profile';
import type { StrategySpec } from './strategies';

/** Default `--max-workers`: the largest pool a curve tries. */
export const DEFAULT_MAX_WORKERS = 256;
/** The serial task thread on CPU below this share of its time: the work mostly waits, so pools
 * larger than the cores still help, and a curve goes up to the task count (else to 2 x cores). */
export const IO_BOUND_CPU_SHARE = 0.5;
/** CPU-bound curves go up to this many times the cores: one doubling past them shows the ceiling. */
export const CPU_CURVE_CORES_FACTOR = 2;
/** A curve stops after this many doublings in a row that each gained less than the noise margin. */
export const FLAT_DOUBLINGS_TO_STOP = 2;
/** An I/O-bound script's size curve goes up to this many times the size the script chose. */
export const SCRIPT_IO_SIZE_FACTOR = 4;

export interface PlannerOptions {
  mode: ScalingMode;
  /** `--workers` K: every curve includes it. */
  workers: number;
  maxWorkers: number;
  cores: number;
  /** The user named the strategies: `auto` adds no curves, `full` sizes each named pool family. */
  named: boolean;
  /** Builds the spec of a curve point, or null when the engine cannot run that id. */
  specFor: (id: string) => StrategySpec | null;
}

export interface PlannedRun {
  id: string;
  estimatedSeconds: number;
}

interface Curve {
  key: string;
  bound: 'cpu' | 'io';
  ladder: number[];
  next: number;
  stopped: string | null;
  skipped: ScalingSkip[];
}

/** The curve a run belongs to: its id without the worker count (`threads-16` -> `threads`). */
export function curveKey(id: string): string | null {
  const parts = parseStrategyId(id);
  return parts ? formatStrategyId({ ...parts, workers: null }) : null;
}

/**
 * Worker counts of a curve, ascending: 1, 2, 4, ... doubling up to `limit` (the task count for
 * I/O-bound work, 2 x cores for CPU-bound work, never above the cap), `limit` itself, and K.
 */
export function curveLadder(limit: number, workers: number, maxWorkers: number): number[] {
  const top = Math.max(1, Math.min(limit, maxWorkers));
  const counts = new Set<number>();
  for (let n = 1; n <= top; n *= 2) counts.add(n);
  counts.add(top);
  if (workers <= maxWorkers) counts.add(workers);
  return [...counts].sort((a, b) => a - b);
}

const isPowerOfTwo = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

/**
 * The stopping rule: among the measured doublings (n -> 2n, both powers of two), the last
 * FLAT_DOUBLINGS_TO_STOP in a row each gained less than the margin. Returns why, or null to go on.
 */
export function flatDoublings(points: { workers: number; speedup: number }[], margin = SPEEDUP_MARGIN): string | null {
  const ladder = points.filter((p) => isPowerOfTwo(p.workers)).sort((a, b) => a.workers - b.workers);
  const gains: { from: number; to: number; gain: number }[] = [];
  for (let i = 1; i < ladder.length; i++) {
    const [a, b] = [ladder[i - 1]!, ladder[i]!];
    if (b.workers === 2 * a.workers && a.speedup > 0)
      gains.push({ from: a.workers, to: b.workers, gain: b.speedup / a.speedup });
  }
  const last = gains.slice(-FLAT_DOUBLINGS_TO_STOP);
  if (last.length < FLAT_DOUBLINGS_TO_STOP || last.some((g) => g.gain >= margin)) return null;
  const steps = last.map((g) => `${g.from}->${g.to} ${g.gain.toFixed(2)}x`).join(', ');
  return `stopped: ${FLAT_DOUBLINGS_TO_STOP} doublings in a row gained less than the ${margin}x margin (${steps})`;
}

/** A run that counts as a point: ok, timed, results equal the baseline's. */
function usable(r: StrategyResult): boolean {
  return r.status === 'ok' && r.wallSeconds !== null && r.speedup !== null && r.resultsMatchBaseline !== false;
}

export class ScalingPlanner {
  private curves: Curve[] = [];
  private readonly estimates = new Map<string, number>();

  constructor(private readonly options: PlannerOptions) {}

  /** Chooses the curves from the base sweep and returns what they would run, with estimates. */
  plan(profile: Profile): PlannedRun[] {
    this.curves = this.chooseCurves(profile);
    const planned: PlannedRun[] = [];
    for (const curve of this.curves) {
      for (const n of curve.ladder) {
        const id = withStrategyParts(curve.key, { workers: n });
        if (this.runOf(profile, curve.key, n)) continue;
        planned.push({ id, estimatedSeconds: round1(this.estimate(profile, curve.key, n)) });
      }
    }
    return planned;
  }

  /**
   * The next run, or null when every curve is done. Points the stopping rule, a failure or the
   * budget rule out are recorded as skipped (on the curve and in the budget) and passed over.
   */
  next(profile: Profile, budget: RunBudget): StrategySpec | null {
    for (const curve of this.curves) {
      while (curve.next < curve.ladder.length) {
        const n = curve.ladder[curve.next++]!;
        if (this.runOf(profile, curve.key, n)) continue; // already measured: shared
        const id = withStrategyParts(curve.key, { workers: n });
        curve.stopped ??= this.stopReason(profile, curve, n);
        if (curve.stopped) {
          this.skip(curve, n, curve.stopped, budget);
          continue;
        }
        const spec = this.options.specFor(id);
        if (!spec) {
          this.skip(curve, n, 'the engine cannot run this strategy', budget);
          continue;
        }
        const estimate = this.estimate(profile, curve.key, n);
        if (!budget.affords(estimate)) {
          this.skip(curve, n, budget.refusal(estimate), budget);
          continue;
        }
        this.estimates.set(id, estimate);
        return spec;
      }
    }
    return null;
  }

  /** Marks every point not yet run as skipped (the run was interrupted). */
  abandon(reason: string, budget: RunBudget, profile: Profile): void {
    for (const curve of this.curves) {
      for (; curve.next < curve.ladder.length; curve.next++) {
        const n = curve.ladder[curve.next]!;
        if (!this.runOf(profile, curve.key, n)) this.skip(curve, n, reason, budget);
      }
    }
  }

  /** The curves as measured: usable points (shared runs included), skips, and the USL fit. */
  results(profile: Profile): ScalingCurve[] {
    return this.curves.map((curve) => buildCurve(profile, curve.key, curve.bound, curve.skipped));
  }

  private skip(curve: Curve, workers: number, reason: string, budget: RunBudget): void {
    curve.skipped.push({ workers, reason });
    budget.skip(withStrategyParts(curve.key, { workers }), reason);
  }

  private runOf(profile: Profile, key: string, workers: number): StrategyResult | null {
    return profile.strategies.find((s) => curveKey(s.id) === key && s.workers === workers) ?? null;
  }

  /** Why the curve stops before `workers`: a smaller point failed, or the last doublings were flat. */
  private stopReason(profile: Profile, curve: Curve, workers: number): string | null {
    const below = profile.strategies.filter((s) => curveKey(s.id) === curve.key && s.workers < workers);
    const failed = below.find((s) => s.kind !== 'serial' && !usable(s) && s.status !== 'skipped');
    if (failed) {
      const what = failed.status === 'ok' ? 'returned different results' : failed.status;
      return `stopped: ${failed.id} ${what}, so larger pools were not tried`;
    }
    if (this.options.mode === 'full') return null;
    return flatDoublings(below.filter(usable).map((s) => ({ workers: s.workers, speedup: s.speedup! })));
  }

  /**
   * Seconds a point will take: the family's fixed costs (interpreter, import, pool start-up and
   * the engine's own, from its base run) plus the baseline's wall time over the speedup expected
   * at that size, interpolated between the measured points and held flat past the largest.
   */
  private estimate(profile: Profile, key: string, workers: number): number {
    const baseline = profile.strategies[0]!;
    const family = profile.strategies.filter((s) => curveKey(s.id) === key && usable(s));
    const reference = family[0] ?? baseline;
    const fixed = Math.max(0, reference.timing.totalSeconds - (reference.wallSeconds ?? 0));
    const startup = reference.processCosts?.workerStartupSeconds ?? [];
    const perWorker = startup.length > 0 ? startup.reduce((a, b) => a + b, 0) / startup.length : 0;
    const extraWorkers = Math.max(0, workers - reference.workers);
    const points = [{ workers: 1, speedup: 1 }, ...family.map((s) => ({ workers: s.workers, speedup: s.speedup! }))];
    const wall = (baseline.wallSeconds ?? 0) / Math.max(0.1, interpolate(points, workers));
    return fixed + (perWorker * extraWorkers) / this.options.cores + wall;
  }

  private chooseCurves(profile: Profile): Curve[] {
    const { mode, named } = this.options;
    if (mode === 'off' || (named && mode === 'auto') || profile.strategies[0]?.status !== 'ok') return [];
    const facts = collectFacts(profile);
    const verdict = decideVerdict(facts).kind;
    if (profile.mode === 'script') return this.scriptCurves(profile, verdict);
    const bound: Curve['bound'] =
      facts.serialCpuShare !== null && facts.serialCpuShare < IO_BOUND_CPU_SHARE ? 'io' : 'cpu';
    const limit = bound === 'io' ? Math.max(1, facts.tasks) : CPU_CURVE_CORES_FACTOR * this.options.cores;
    const ladder = curveLadder(limit, this.options.workers, this.options.maxWorkers);
    const keys =
      mode === 'full' ? rankedFamilies(profile).map((f) => f.key) : familiesThatMatter(profile, verdict, bound);
    return keys.map((key) => this.curve(key, bound, limit, ladder));
  }

  /** A curve to run; a limit above `--max-workers` is listed as skipped, so the cap is visible. */
  private curve(key: string, bound: Curve['bound'], limit: number, ladder: number[]): Curve {
    const { maxWorkers } = this.options;
    const skipped = limit > maxWorkers ? [{ workers: limit, reason: `capped: above --max-workers ${maxWorkers}` }] : [];
    return { key, bound, ladder, next: 0, stopped: null, skipped };
  }

  /**
   * A script that sizes its own pools (max_workers=, processes=) gets a curve of that size for
   * its fastest usable variant (`full`: every variant): as written, or with its pools swapped. Its
   * own size takes K's place; I/O-bound scripts go up to SCRIPT_IO_SIZE_FACTOR x that size (a
   * script's task count is unknown), CPU-bound ones to 2 x cores.
   */
  private scriptCurves(profile: Profile, verdict: VerdictKind): Curve[] {
    const own = profile.strategies[0]!;
    if (!(own.pools ?? []).some((p) => p.sized)) return [];
    const ranked = profile.strategies
      .filter((s) => s.kind === 'script' && usable(s) && parseStrategyId(s.id)?.workers === null)
      .sort((a, b) => b.speedup! - a.speedup!);
    const keys = (this.options.mode === 'full' ? ranked : ranked.slice(0, 1)).map((s) => curveKey(s.id)!);
    const bound: Curve['bound'] = verdict === 'io-bound' ? 'io' : 'cpu';
    const limit = bound === 'io' ? SCRIPT_IO_SIZE_FACTOR * own.workers : CPU_CURVE_CORES_FACTOR * this.options.cores;
    const ladder = curveLadder(limit, own.workers, this.options.maxWorkers);
    return keys.map((key) => this.curve(key, bound, limit, ladder));
  }
}

/**
 * `auto`: the fastest family when it beat serial by the margin; the families the work needs, whatever
 * their speedup on a busy machine: the fastest processes family for CPU-bound work (separate
 * interpreters are what scales it on a GIL), threads for I/O-bound work and for work that releases
 * the GIL; and the fastest family of the other kind when it beat the margin. Start methods of one
 * kind scale alike (they differ in start-up, measured at K), so the runner-up is of the other kind.
 */
function familiesThatMatter(profile: Profile, verdict: VerdictKind, bound: 'cpu' | 'io'): string[] {
  const ranked = rankedFamilies(profile);
  if (ranked.length === 0) return [];
  const needed = new Set<string>([bound === 'io' ? 'threads' : 'processes']);
  if (verdict === 'cpu-bound-releases-gil') needed.add('threads');
  const best = ranked[0]!;
  const keys: string[] = [];
  if (best.speedup >= SPEEDUP_MARGIN) keys.push(best.key);
  for (const kind of needed) {
    const must = ranked.find((f) => f.kind === kind);
    if (must) keys.push(must.key);
  }
  const runnerUp = ranked.find((f) => f.kind !== best.kind && f.speedup >= SPEEDUP_MARGIN);
  if (runnerUp) keys.push(runnerUp.key);
  return [...new Set(keys)];
}

/** Pool families that ran usably, fastest first, with their best speedup. */
function rankedFamilies(profile: Profile): { key: string; kind: string; speedup: number }[] {
  const best = new Map<string, { key: string; kind: string; speedup: number }>();
  for (const s of profile.strategies) {
    if ((s.kind !== 'threads' && s.kind !== 'processes') || !usable(s)) continue;
    const parts = parseStrategyId(s.id);
    if (!parts || parts.variant !== null || parts.interpreter !== null) continue;
    const key = curveKey(s.id)!;
    const seen = best.get(key);
    if (!seen || s.speedup! > seen.speedup) best.set(key, { key, kind: s.kind, speedup: s.speedup! });
  }
  return [...best.values()].sort((a, b) => b.speedup - a.speedup);
}

/** Piecewise linear in workers between measured points; flat past the largest. */
function interpolate(points: { workers: number; speedup: number }[], workers: number): number {
  const sorted = [...points].sort((a, b) => a.workers - b.workers);
  let below = sorted[0]!;
  for (const p of sorted) {
    if (p.workers === workers) return p.speedup;
    if (p.workers > workers) {
      const t = (workers - below.workers) / (p.workers - below.workers);
      return below.speedup + t * (p.speedup - below.speedup);
    }
    below = p;
  }
  return below.speedup;
}

/**
 * A curve from the runs in the profile: every usable run of the family is a point (a run the base
 * sweep made is shared, not repeated); the fit is on speedups normalised to the 1-worker point.
 */
export function buildCurve(profile: Profile, key: string, bound: 'cpu' | 'io', skipped: ScalingSkip[]): ScalingCurve {
  const byWorkers = new Map<number, StrategyResult>();
  for (const s of profile.strategies) {
    if (curveKey(s.id) !== key || !usable(s)) continue;
    if (!byWorkers.has(s.workers)) byWorkers.set(s.workers, s);
  }
  const points = [...byWorkers.values()]
    .sort((a, b) => a.workers - b.workers)
    .map((s) => ({ workers: s.workers, strategy: s.id, wallSeconds: s.wallSeconds!, speedup: s.speedup! }));
  const failed = profile.strategies
    .filter((s) => curveKey(s.id) === key && !usable(s) && !byWorkers.has(s.workers))
    .map((s) => ({
      workers: s.workers,
      reason: `${s.id} ${s.status === 'ok' ? 'returned different results' : s.status}`,
    }));
  const one = points.find((p) => p.workers === 1);
  const normalised = points.map((p) => ({ workers: p.workers, speedup: one ? p.speedup / one.speedup : p.speedup }));
  const tasks = profile.mode === 'script' ? null : profile.workload.tasks;
  const ceiling = ceilingFor(bound === 'cpu' ? 'cores' : 'waits', coresOf(profile.machine), tasks);
  return {
    strategy: key,
    bound,
    points,
    skipped: [...failed, ...skipped].sort((a, b) => a.workers - b.workers),
    fit: fitCurve(normalised, ceiling),
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
