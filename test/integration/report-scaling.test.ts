// The Scaling chart in the real webview bundle, in Chromium: one curve per family, measured points,
// the fitted and ideal lines, the core count marked, and a point's wall time and efficiency on
// hover and on keyboard focus.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { ceilingFor, fitCurve, uslSpeedup } from '../../src/profiler/analysis/projection';
import { writeExports } from '../../src/profiler/export/index';
import type { Profile, ScalingCurve } from '../../src/profiler/profile';
import { MEDIA_DIR, launchChromium } from './report-browser';

function curve(
  strategy: string,
  bound: 'cpu' | 'io',
  speedups: Record<number, number>,
  cores: number,
  tasks: number,
): ScalingCurve {
  const points = Object.entries(speedups).map(([n, s]) => ({
    workers: Number(n),
    strategy: Number(n) === 2 ? strategy : `${strategy}-${n}`,
    wallSeconds: 1.6 / s,
    speedup: s,
  }));
  const one = speedups[1] ?? 1;
  const fit = fitCurve(
    points.map((p) => ({ workers: p.workers, speedup: p.speedup / one })),
    ceilingFor(bound === 'cpu' ? 'cores' : 'waits', cores, tasks),
  );
  return {
    strategy,
    bound,
    points,
    skipped: [{ workers: 64, reason: 'over the budget: ~3.0 s estimated, 1.0 s left' }],
    fit,
  };
}

function profileWithCurves(): Profile {
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 200 });
  const threads = Object.fromEntries(
    [1, 2, 4, 8, 16, 32].map((n) => [n, 0.98 * uslSpeedup({ sigma: 0.002, kappa: 0.0001 }, n)]),
  );
  profile.scaling = [
    curve('threads', 'io', threads, 2, 32),
    curve('processes-fork', 'io', { 1: 0.95, 2: 1.8, 4: 3.1, 8: 4.6 }, 2, 32),
  ];
  return profile;
}

let browser: Browser;
let url: string;
before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-scaling-'));
  const file = path.join(dir, 'report.html');
  await writeExports(profileWithCurves(), { html: file, mediaDir: MEDIA_DIR });
  url = `file://${file}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test(
  'the Scaling chart draws each curve with its fit, the ideal line and the ' +
    'core count; hover and focus tell wall time and efficiency',
  async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    const section = page.getByTestId('scaling');
    await section.waitFor();
    assert.equal(await section.locator('h2').textContent(), 'Scaling');
    assert.equal(await section.locator('g.scaling-curve').count(), 2);
    assert.equal(await section.locator('[data-curve="threads"] [data-testid="scaling-point"]').count(), 6);
    assert.equal(await section.locator('[data-curve="processes-fork"] [data-testid="scaling-point"]').count(), 4);
    assert.equal(await section.locator('path.scaling-fit').count(), 2);
    assert.equal(await section.locator('path.scaling-ideal').count(), 1);
    assert.equal(await section.getByTestId('scaling-cores').locator('text').textContent(), '2 cores');
    // The threads points rise from left to right, and the 32-worker one sits right of the cores line.
    const xs = await section
      .locator('[data-curve="threads"] [data-testid="scaling-point"]')
      .evaluateAll((dots) => dots.map((d) => Number(d.getAttribute('cx'))));
    assert.deepEqual(
      xs,
      [...xs].sort((a, b) => a - b),
    );
    const coresX = Number(await section.locator('[data-testid="scaling-cores"] line').getAttribute('x1'));
    assert.ok(xs[1]! === coresX, 'the 2-worker point is on the core count line');
    const legend = await section.getByTestId('scaling-legend-item').allTextContents();
    assert.match(legend[0]!, /^threads · USL sigma 0\.00\d · kappa 0\.000\d · peak at 32 \(the tasks\) · rmse 0\.0\d/);
    assert.match(legend[0]!, /not run: 64 \(over the budget/);

    const tip = section.getByTestId('scaling-tip');
    assert.equal(await tip.isVisible(), false);
    await section.locator('[data-strategy="threads-16"]').hover();
    assert.equal(await tip.isVisible(), true);
    assert.match(
      (await tip.textContent())!,
      /^threads-16: 16 workers, \d+(\.\d+)? ms wall, 1\d\.\dx, efficiency 9\d%$/,
    );
    await page.mouse.move(5, 5);
    assert.equal(await tip.isVisible(), false);
    await section.locator('[data-strategy="processes-fork-8"]').focus();
    assert.match((await tip.textContent())!, /^processes-fork-8: 8 workers, .* 4\.60x, efficiency 57%$/);
    assert.deepEqual(problems, []);
    if (process.env.SCALING_SCREENSHOT) await section.screenshot({ path: process.env.SCALING_SCREENSHOT });
    await page.close();
  },
);
