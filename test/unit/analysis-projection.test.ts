// The USL fit recovers known parameters, stays sane on noisy and scarce data, and the one
// projection states its caps and when it is only a guess.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ceilingFor,
  fitCurve,
  fittedSpeedup,
  fitUsl,
  projectSpeedup,
  uslPeak,
  uslSpeedup,
} from '../../src/profiler/analysis/projection';

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (±${tolerance})`);

test('fitUsl recovers sigma and kappa exactly from points on the law', () => {
  const truth = { sigma: 0.05, kappa: 0.002 };
  const points = [1, 2, 4, 8, 16, 32].map((n) => ({ n, speedup: uslSpeedup(truth, n) }));
  const fit = fitUsl(points)!;
  near(fit.sigma, truth.sigma, 1e-6, 'sigma');
  near(fit.kappa, truth.kappa, 1e-7, 'kappa');
  near(fit.rmse, 0, 1e-6, 'rmse');
  assert.equal(fit.pointsUsed, 6);
  // Peak of the law: sqrt((1 - sigma) / kappa) = 21.8 -> the better of 21 and 22.
  assert.equal(uslPeak(truth), 22);
});

test('fitUsl on noisy points stays close and its rmse measures the noise', () => {
  const truth = { sigma: 0.1, kappa: 0.01 };
  const noise = [0, 0.04, -0.05, 0.03, -0.02, 0.05, -0.04];
  const points = [1, 2, 3, 4, 6, 8, 12].map((n, i) => ({ n, speedup: uslSpeedup(truth, n) * (1 + noise[i]!) }));
  const fit = fitUsl(points)!;
  near(fit.sigma, truth.sigma, 0.05, 'sigma');
  near(fit.kappa, truth.kappa, 0.006, 'kappa');
  assert.ok(fit.rmse > 0.01 && fit.rmse < 0.2, `rmse ${fit.rmse}`);
  // Least squares: no nearby parameter pair fits the points better.
  const error = (p: { sigma: number; kappa: number }) =>
    points.reduce((sum, { n, speedup }) => sum + (speedup - uslSpeedup(p, n)) ** 2, 0);
  const best = error(fit);
  for (const [ds, dk] of [
    [0.005, 0],
    [-0.005, 0],
    [0, 0.0005],
    [0, -0.0005],
  ] as const) {
    assert.ok(best <= error({ sigma: fit.sigma + ds, kappa: fit.kappa + dk }) + 1e-12, `(${ds}, ${dk}) fits better`);
  }
});

test('fitUsl with 2 points sets kappa to 0: Amdahl through the one measurement', () => {
  const fit = fitUsl([
    { n: 1, speedup: 1 },
    { n: 2, speedup: 1.73 },
  ])!;
  assert.equal(fit.kappa, 0);
  near(fit.sigma, 2 / 1.73 - 1, 1e-9, 'sigma from S(2) = 2 / (1 + sigma)');
  assert.equal(fit.pointsUsed, 2);
  assert.equal(uslPeak(fit), null, 'Amdahl rises for ever');
  // The anchor (1, 1) is implied when missing.
  assert.equal(fitUsl([{ n: 2, speedup: 1.73 }])!.pointsUsed, 2);
  assert.equal(fitUsl([{ n: 1, speedup: 1 }]), null, 'nothing above one worker: nothing to fit');
});

test('fitUsl keeps sigma and kappa non-negative on superlinear and on falling curves', () => {
  const superlinear = fitUsl([
    { n: 1, speedup: 1 },
    { n: 2, speedup: 2.3 },
    { n: 4, speedup: 4.8 },
  ])!;
  assert.equal(superlinear.sigma, 0);
  assert.equal(superlinear.kappa, 0);
  const falling = fitUsl([
    { n: 1, speedup: 1 },
    { n: 2, speedup: 0.9 },
    { n: 4, speedup: 0.8 },
  ])!;
  assert.ok(falling.sigma >= 0 && falling.kappa >= 0);
  assert.equal(uslPeak(falling), 1, 'more workers only lose');
});

test('fitCurve fits min(workers, ceiling): processes past the cores add nothing, the peak is the cores', () => {
  const ceiling = ceilingFor('cores', 2, 8);
  assert.deepEqual(ceiling, { workers: 2, reason: 'cores' });
  const fit = fitCurve(
    [
      { workers: 1, speedup: 1 },
      { workers: 2, speedup: 1.9 },
      { workers: 4, speedup: 1.85 },
    ],
    ceiling,
  )!;
  assert.equal(fit.model, 'usl');
  assert.equal(fit.pointsUsed, 2, 'workers 2 and 4 are both 2 running at once');
  assert.equal(fit.peakWorkers, 2);
  near(fittedSpeedup(fit, 4), fittedSpeedup(fit, 2), 1e-12, 'flat past the cores');
  assert.deepEqual(ceilingFor('waits', 2, 32), { workers: 32, reason: 'tasks' });
  assert.deepEqual(ceilingFor('cores', 8, 4), { workers: 4, reason: 'tasks' });
});

test(
  'projectSpeedup: 1.73x on 2 cores projects Amdahl at 4 and 8 cores, capped ' + 'by the tasks, and says it is a guess',
  () => {
    const proj = projectSpeedup({ points: [{ workers: 2, speedup: 1.73 }], cores: 2, tasks: 8, bound: 'cores' })!;
    const s = 2 / 1.73 - 1;
    assert.equal(proj.cores2x, Math.round(uslSpeedup({ sigma: s, kappa: 0 }, 4) * 100) / 100);
    assert.equal(proj.cores4x, Math.round(uslSpeedup({ sigma: s, kappa: 0 }, 8) * 100) / 100);
    assert.match(proj.model, /^a guess: Amdahl/);
    const few = projectSpeedup({ points: [{ workers: 2, speedup: 1.73 }], cores: 2, tasks: 4, bound: 'cores' })!;
    assert.equal(few.cores4x, few.cores2x, '4 tasks cannot use more than 4 cores');
    assert.match(few.assumptions, /Capped by the 4 tasks/);
  },
);

test('projectSpeedup: a curve of 3+ worker counts is a USL fit, relative to serial through its 1-worker point', () => {
  const truth = { sigma: 0.02, kappa: 0.01 };
  // Measured on 16 cores, the 1-worker pool at 0.9x serial (start-up).
  const points = [1, 2, 4, 8, 16].map((workers) => ({ workers, speedup: 0.9 * uslSpeedup(truth, workers) }));
  const proj = projectSpeedup({ points, cores: 16, tasks: 1000, bound: 'cores' })!;
  assert.match(proj.model, /^USL fit to 5 worker counts, normalised to its 1-worker run: sigma 0\.020/);
  const peak = uslPeak(truth)!;
  assert.equal(peak, 10);
  // 2x and 4x the cores are both past the peak: the pool stops at the peak.
  assert.equal(proj.cores2x, Math.round(0.9 * uslSpeedup(truth, peak) * 100) / 100);
  assert.equal(proj.cores4x, proj.cores2x);
  assert.match(proj.assumptions, /peaks at 10 workers/);
});

test('projectSpeedup for waits: more cores change nothing, the CPU share sets the ceiling', () => {
  const proj = projectSpeedup({
    points: [{ workers: 8, speedup: 7.5 }],
    cores: 2,
    tasks: 32,
    bound: 'waits',
    cpuShare: 0.05,
  })!;
  assert.equal(proj.cores2x, 7.5);
  assert.equal(proj.cores4x, 7.5);
  assert.match(proj.assumptions, /Ceiling 1\/0\.05 = 20\.0x/);
  assert.equal(projectSpeedup({ points: [], cores: 2, tasks: 8, bound: 'cores' }), null);
});
