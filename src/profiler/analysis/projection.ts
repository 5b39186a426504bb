// THE projection of the analysis: how a strategy's speedup grows with its worker count, and what it
// would reach on 2x and 4x the cores. One model, the Universal Scalability Law,
//   S(N) = N / (1 + sigma (N - 1) + kappa N (N - 1)),
// fitted by least squares to measured points (sigma: contention, the part that runs one at a time;
// kappa: coherency, the cost of workers keeping each other up to date, which makes S fall past a
// peak). With kappa = 0 it is Amdahl's law with serial fraction sigma. Every projection in the
// analysis (scaling curves, the recommendation, the cluster route, native pools) goes through
// `projectSpeedup` here, so they agree on the model and on when it is only a guess.
import type { Recommendation, ScalingFit } from '../profile';

/** One measured point: the parallelism the run had, and its speedup over one worker. */
export interface UslPoint {
  n: number;
  speedup: number;
}

export interface UslParameters {
  sigma: number;
  kappa: number;
}

/** Below this many distinct worker counts (the 1-worker anchor included) kappa cannot be told from
 * sigma: the fit sets kappa = 0 (Amdahl) and every projection from it is called a guess. */
export const MIN_POINTS_FOR_FIT = 3;

export function uslSpeedup({ sigma, kappa }: UslParameters, n: number): number {
  return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/** The whole worker count where the fitted curve peaks, or null when it rises for ever (kappa = 0). */
export function uslPeak({ sigma, kappa }: UslParameters): number | null {
  if (sigma >= 1) return 1;
  if (kappa <= 0) return null;
  const real = Math.sqrt((1 - sigma) / kappa);
  const low = Math.max(1, Math.floor(real));
  return uslSpeedup({ sigma, kappa }, low + 1) > uslSpeedup({ sigma, kappa }, low) ? low + 1 : low;
}

function sse(points: UslPoint[], p: UslParameters): number {
  let sum = 0;
  for (const { n, speedup } of points) sum += (speedup - uslSpeedup(p, n)) ** 2;
  return sum;
}

/**
 * Starting point: the USL's linear form N/S - 1 = sigma (N - 1) + kappa N (N - 1), solved by least
 * squares with sigma, kappa >= 0 (each boundary tried when the free solution is negative). Exact on
 * data that follows the law; the refinement below then minimises the error in speedup itself.
 */
function linearStart(points: UslPoint[], withKappa: boolean): UslParameters {
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let b1 = 0;
  let b2 = 0;
  for (const { n, speedup } of points) {
    const x1 = n - 1;
    const x2 = n * (n - 1);
    const y = n / speedup - 1;
    a11 += x1 * x1;
    a12 += x1 * x2;
    a22 += x2 * x2;
    b1 += x1 * y;
    b2 += x2 * y;
  }
  const candidates: UslParameters[] = [{ sigma: 0, kappa: 0 }];
  if (a11 > 0) candidates.push({ sigma: Math.max(0, b1 / a11), kappa: 0 });
  if (withKappa && a22 > 0) candidates.push({ sigma: 0, kappa: Math.max(0, b2 / a22) });
  const det = a11 * a22 - a12 * a12;
  if (withKappa && Math.abs(det) > 1e-12 * Math.max(1, a11 * a22)) {
    const sigma = (b1 * a22 - b2 * a12) / det;
    const kappa = (a11 * b2 - a12 * b1) / det;
    if (sigma >= 0 && kappa >= 0) candidates.push({ sigma, kappa });
  }
  return candidates.reduce((best, c) => (sse(points, c) < sse(points, best) ? c : best));
}

/** Levenberg-Marquardt on the speedup residuals, sigma and kappa kept >= 0. */
function refine(points: UslPoint[], start: UslParameters, withKappa: boolean): UslParameters {
  let p = start;
  let error = sse(points, p);
  let lambda = 1e-3;
  for (let iteration = 0; iteration < 200 && error > 1e-18; iteration++) {
    let jss = 0;
    let jsk = 0;
    let jkk = 0;
    let gs = 0;
    let gk = 0;
    for (const { n, speedup } of points) {
      const d = 1 + p.sigma * (n - 1) + p.kappa * n * (n - 1);
      const r = speedup - n / d;
      const ds = (-n * (n - 1)) / (d * d);
      const dk = withKappa ? (-n * n * (n - 1)) / (d * d) : 0;
      jss += ds * ds;
      jsk += ds * dk;
      jkk += dk * dk;
      gs += ds * r;
      gk += dk * r;
    }
    const a = jss * (1 + lambda) + 1e-15;
    const c = jkk * (1 + lambda) + 1e-15;
    const det = a * c - jsk * jsk;
    const stepSigma = withKappa ? (gs * c - gk * jsk) / det : gs / a;
    const stepKappa = withKappa ? (a * gk - jsk * gs) / det : 0;
    const next = { sigma: Math.max(0, p.sigma + stepSigma), kappa: Math.max(0, p.kappa + stepKappa) };
    const nextError = sse(points, next);
    if (nextError < error) {
      const gain = error - nextError;
      p = next;
      error = nextError;
      lambda = Math.max(1e-9, lambda / 3);
      if (gain < 1e-15) break;
    } else {
      lambda *= 4;
      if (lambda > 1e12) break;
    }
  }
  return p;
}

export interface UslFit extends UslParameters {
  rmse: number;
  /** Distinct parallelism values fitted, the anchor N = 1 included. */
  pointsUsed: number;
}

/**
 * Least-squares USL fit. Points are (parallelism, speedup over one worker); the anchor (1, 1) is
 * added when missing, since the law passes through it. Null without a point above N = 1.
 */
export function fitUsl(points: UslPoint[]): UslFit | null {
  const usable = points.filter((p) => p.n >= 1 && p.speedup > 0 && Number.isFinite(p.speedup));
  if (!usable.some((p) => p.n > 1)) return null;
  if (!usable.some((p) => p.n === 1)) usable.push({ n: 1, speedup: 1 });
  const distinct = new Set(usable.map((p) => p.n)).size;
  const withKappa = distinct >= MIN_POINTS_FOR_FIT;
  const fitted = refine(usable, linearStart(usable, withKappa), withKappa);
  return {
    sigma: fitted.sigma,
    kappa: fitted.kappa,
    rmse: Math.sqrt(sse(usable, fitted) / usable.length),
    pointsUsed: distinct,
  };
}

/** What stops more workers from running at once, whatever the law says. */
export interface Ceiling {
  workers: number;
  reason: 'cores' | 'tasks';
}

/**
 * The most workers that can run at once: the tasks always (a pool larger than the task count has
 * idle workers), and the cores when the parallel part needs one each (`bound: 'cores'`). `tasks`
 * is null when unknown (a whole script).
 */
export function ceilingFor(bound: 'cores' | 'waits', cores: number, tasks: number | null): Ceiling | null {
  if (bound === 'cores' && (tasks === null || cores <= tasks)) return { workers: cores, reason: 'cores' };
  return tasks !== null && tasks > 0 ? { workers: tasks, reason: 'tasks' } : null;
}

/** Parallelism a pool of `workers` gets under the ceiling. */
export function parallelismOf(workers: number, ceiling: Ceiling | null): number {
  return ceiling ? Math.max(1, Math.min(workers, ceiling.workers)) : workers;
}

/** A curve's fit as stored in the profile: points are (workers, speedup over the curve's 1-worker point). */
export function fitCurve(points: { workers: number; speedup: number }[], ceiling: Ceiling | null): ScalingFit | null {
  const fit = fitUsl(points.map((p) => ({ n: parallelismOf(p.workers, ceiling), speedup: p.speedup })));
  if (!fit) return null;
  const peak = uslPeak(fit);
  return {
    model: 'usl',
    sigma: round(fit.sigma, 5),
    kappa: round(fit.kappa, 6),
    peakWorkers: ceiling && (peak === null || peak > ceiling.workers) ? ceiling.workers : peak,
    rmse: round(fit.rmse, 4),
    pointsUsed: fit.pointsUsed,
    ceiling,
  };
}

/** The fitted speedup over one worker of a pool of `workers`, ceiling applied. */
export function fittedSpeedup(fit: Pick<ScalingFit, 'sigma' | 'kappa' | 'ceiling'>, workers: number): number {
  return uslSpeedup(fit, parallelismOf(workers, fit.ceiling));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export interface ProjectionInput {
  /** Measured points of one strategy family: pool size and speedup over the baseline. */
  points: { workers: number; speedup: number }[];
  /** Logical cores of the machine the points were measured on. */
  cores: number;
  tasks: number;
  /**
   * `cores`: the parallel part needs a core per worker (processes; threads in code that releases
   * the GIL; native pools), so more cores let more of it run. `waits`: the workers overlap waits
   * (threads under the GIL, asyncio), and the CPU part runs one at a time whatever the cores.
   */
  bound: 'cores' | 'waits';
  /** For `waits`: the serial task's CPU share, whose inverse is the ceiling of overlapping waits. */
  cpuShare?: number | null;
  /** Name of what is projected in the text, e.g. "processes-fork" (default "the pool"). */
  subject?: string;
}

/**
 * THE projection: speedups at 2x and 4x this machine's cores, from a USL fit to the points. The
 * fit is on the points normalised to the 1-worker point when there is one (so pool start-up
 * stays in that point's factor, not in sigma), then scaled back to the baseline. With fewer than
 * MIN_POINTS_FOR_FIT distinct worker counts kappa is set to 0 and the model says it is a guess.
 * Null without a usable point.
 */
export function projectSpeedup(input: ProjectionInput): Recommendation['projected'] {
  const points = input.points.filter((p) => p.workers >= 1 && p.speedup > 0);
  if (points.length === 0) return null;
  if (input.bound === 'waits') return projectWaits(points, input);
  const one = points.find((p) => p.workers === 1);
  const base = one ? one.speedup : 1;
  const ceiling = ceilingFor('cores', input.cores, input.tasks);
  const fit = fitUsl(points.map((p) => ({ n: parallelismOf(p.workers, ceiling), speedup: p.speedup / base })));
  if (!fit) return null;
  const peak = uslPeak(fit);
  // A pool is sized at most at the fit's peak: past it, more workers only slow it down.
  const at = (k: number): number => {
    const target = Math.min(k * input.cores, Math.max(1, input.tasks));
    return round(base * uslSpeedup(fit, peak === null ? target : Math.min(target, peak)), 2);
  };
  const guess = fit.pointsUsed < MIN_POINTS_FOR_FIT;
  const capped =
    input.tasks < 4 * input.cores ? ` Capped by the ${input.tasks} tasks: at most ${input.tasks} run at once.` : '';
  const peakNote =
    peak !== null && peak < 4 * input.cores
      ? ` The fit peaks at ${peak} workers: past that, workers keeping each other in step cost more than they add.`
      : '';
  const basis = one ? ', normalised to its 1-worker run' : '';
  return {
    cores2x: at(2),
    cores4x: at(4),
    model: guess
      ? `a guess: Amdahl (USL with kappa 0), sigma ${fit.sigma.toFixed(2)} from ${fit.pointsUsed} ` +
        `worker count(s)${basis}; a scaling curve with 3 or more would fit contention ` +
        `and coherency`
      : `USL fit to ${fit.pointsUsed} worker counts${basis}: sigma ${fit.sigma.toFixed(3)} ` +
        `(contention), kappa ${fit.kappa.toFixed(4)} (coherency), rmse ${fit.rmse.toFixed(2)}`,
    assumptions:
      `Workers = cores; each task costs what it cost here; ${input.subject ?? 'the pool'}'s ` +
      `contention and coherency stay as fitted on ${input.cores} logical cores ` +
      `(pool start-up, pickling and dispatch included).` +
      capped +
      peakNote,
  };
}

/** Waits overlap without using cores: more cores change nothing; the serial CPU share sets a ceiling. */
function projectWaits(
  points: { workers: number; speedup: number }[],
  input: ProjectionInput,
): Recommendation['projected'] {
  const measured = Math.max(...points.map((p) => p.speedup));
  const cpuShare = input.cpuShare ?? null;
  const ceiling =
    cpuShare && cpuShare > 0 && 1 / cpuShare > measured
      ? ` Ceiling 1/${cpuShare.toFixed(2)} = ${(1 / cpuShare).toFixed(1)}x from the ` +
        `serial CPU share, reached with enough concurrent tasks.`
      : '';
  return {
    cores2x: round(measured, 2),
    cores4x: round(measured, 2),
    model: 'Amdahl over concurrent waits: the CPU share of a task is the serial fraction',
    assumptions:
      `Waits overlap without using cores, and the CPU part runs one task at a time ` +
      `under the GIL (one event loop for asyncio), so extra cores add nothing; ` +
      `the remote side keeps up.${ceiling}`,
  };
}
