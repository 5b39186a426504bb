// Geometry of the Scaling chart: a log2 workers axis, a speedup axis with round ticks, the fitted
// line scaled back to the baseline through the 1-worker point, and the texts a point and a fit show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitCurve } from '../../src/profiler/analysis/projection';
import type { ScalingCurve, ScalingFit } from '../../src/profiler/profile';
import { CHART, fitSummary, fittedAt, pointText, scalingGeometry } from '../../src/webview/scaling';

function curve(speedups: [number, number][], ceiling: ScalingFit['ceiling']): ScalingCurve {
  const points = speedups.map(([workers, speedup]) => ({
    workers,
    strategy: `threads-${workers}`,
    wallSeconds: 1 / speedup,
    speedup,
  }));
  const one = speedups.find(([w]) => w === 1)?.[1] ?? 1;
  return {
    strategy: 'threads',
    bound: 'io',
    points,
    skipped: [],
    fit: fitCurve(
      points.map((p) => ({ workers: p.workers, speedup: p.speedup / one })),
      ceiling,
    ),
  };
}

test('workers on a log2 axis, the core count marked, round speedup ticks', () => {
  const c = curve(
    [
      [1, 0.9],
      [2, 1.8],
      [4, 3.5],
      [8, 6.8],
      [16, 12.9],
    ],
    { workers: 16, reason: 'tasks' },
  );
  const g = scalingGeometry([c], 2);
  assert.deepEqual(g.xTicks, [1, 2, 4, 8, 16]);
  const xs = g.xTicks.map(g.x);
  const steps = xs.slice(1).map((x, i) => x - xs[i]!);
  for (const s of steps) assert.ok(Math.abs(s - steps[0]!) < 1e-9, 'each doubling is the same width');
  assert.equal(xs[0], CHART.left);
  assert.equal(g.coresX, g.x(2));
  assert.deepEqual(g.yTicks, [0, 5, 10, 15]);
  assert.ok(g.maxSpeedup >= 12.9 * 1.1 - 1e-9);
  assert.ok(g.y(0) > g.y(12.9), 'speedup grows upwards');
  assert.equal(g.curves[0]!.points.length, 5);
  assert.ok(Math.abs(g.curves[0]!.points[4]!.efficiency - 12.9 / 16) < 1e-12);
  assert.equal(scalingGeometry([c], 64).coresX, null, 'more cores than the largest pool: no line');
});

test('the fitted line passes near the points, scaled by the 1-worker run', () => {
  const c = curve(
    [
      [1, 0.9],
      [2, 1.8],
      [4, 3.6],
      [8, 7.2],
    ],
    { workers: 8, reason: 'tasks' },
  );
  assert.ok(Math.abs(fittedAt(c, 8)! - 7.2) < 0.01, String(fittedAt(c, 8)));
  assert.ok(Math.abs(fittedAt(c, 1)! - 0.9) < 1e-9);
  assert.equal(fittedAt({ ...c, fit: null }, 8), null);
});

test('texts: a point says wall time and efficiency; a fit says sigma, kappa, the peak and when it is a guess', () => {
  const c = curve(
    [
      [1, 1],
      [2, 1.9],
      [4, 1.85],
    ],
    { workers: 2, reason: 'cores' },
  );
  const g = scalingGeometry([c], 2);
  assert.equal(pointText(g.curves[0]!.points[2]!), 'threads-4: 4 workers, 540.5 ms wall, 1.85x, efficiency 46%');
  assert.match(fitSummary(c), /^USL sigma 0\.0\d\d · kappa 0\.0000 · peak at 2 \(the cores\) · rmse 0\.0\d/);
  assert.ok(fitSummary(c).endsWith(' · a guess: fewer than 3 worker counts'));
  assert.equal(fitSummary({ ...c, fit: null }), 'no fit: fewer than two worker counts measured');
});
