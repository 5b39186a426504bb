// The standalone HTML report opened offline in Chromium: one file, no request beyond itself, the
// UI renders, workload strings stay text, clicks and hovers work, zoom survives a reload.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HOSTILE_NAME, syntheticProfile } from '../helpers/syntheticProfile';
import { VERDICT_LABELS } from '../../src/profiler/analysis/verdict';
import { buildHtmlReport, loadWebviewAssets, writeExports } from '../../src/profiler/export/index';
import { FUNCTION_PALETTE, THREAD_PALETTE, hashString } from '../../src/webview/colors';
import { MEDIA_DIR, launchChromium } from './report-browser';

let browser: Browser;
let reportUrl: string;
let compressedUrl: string;
const dir = mkdtempSync(path.join(tmpdir(), 'cp-report-'));

before(async () => {
  const file = path.join(dir, 'report.html');
  await writeExports(syntheticProfile({ threads: 4, samplesPerThread: 400, hostileName: true }), {
    html: file,
    mediaDir: MEDIA_DIR,
  });
  reportUrl = `file://${file}`;
  const compressed = path.join(dir, 'compressed.html');
  writeFileSync(
    compressed,
    buildHtmlReport(syntheticProfile({ threads: 2, samplesPerThread: 300 }), loadWebviewAssets(MEDIA_DIR), 0),
  );
  compressedUrl = `file://${compressed}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  requests: string[];
  problems: string[];
}

async function open(url = reportUrl): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  await page.getByTestId('per-core-lanes').waitFor();
  return { page, requests, problems };
}

test('the report renders offline from one file with no other request', async () => {
  const { page, requests, problems } = await open();
  assert.deepEqual(requests, [reportUrl]);
  assert.deepEqual(problems, []);
  assert.equal(await page.getByTestId('verdict-label').textContent(), VERDICT_LABELS['cpu-bound-gil']);
  const rows = await page.getByTestId('strategy-table').locator('tbody th').allTextContents();
  assert.deepEqual(rows, ['serial', 'threads-4', 'processes-spawn (spawn)']);
  assert.match(
    (await page.getByTestId('strategy-table').textContent())!,
    /PicklingError: Can't pickle <function <lambda> at 0x7f>/,
  );
  assert.equal(await page.getByTestId('per-core-lanes').getAttribute('data-lanes'), '2');
  await page.close();
});

test('a report with the profile compressed inside renders the same, still without requests', async () => {
  const { page, requests, problems } = await open(compressedUrl);
  assert.deepEqual(requests, [compressedUrl]);
  assert.deepEqual(problems, []);
  assert.equal(await page.getByTestId('verdict-label').textContent(), VERDICT_LABELS['cpu-bound-gil']);
  assert.match(
    (await page.getByTestId('per-core-lanes').locator('..').locator('h3').textContent())!,
    /threads-2 · 2 threads · 600 samples/,
  );
  await page.close();
});

test(
  'a sparse profile (no analysis, no per-core data, no thread states, a failed ' + 'baseline) renders without errors',
  async () => {
    const profile = syntheticProfile({ threads: 2, samplesPerThread: 50, withAnalysis: false });
    const [serial, threaded] = profile.strategies;
    Object.assign(serial!, {
      status: 'failed',
      error: 'ZeroDivisionError: division by zero',
      errorDetail: null,
      samples: { t: [], thread: [], core: [], state: [], stack: [], inTask: [] },
    });
    Object.assign(threaded!, {
      cores: null,
      threadStates: null,
      speedup: null,
      efficiency: null,
      resultsMatchBaseline: null,
    });
    threaded!.samples.core.fill(-1);
    Object.assign(profile, {
      interrupted: true,
      sampling: { threadStates: 'unavailable', note: 'macOS: thread states are unavailable', gilDetection: null },
    });
    const file = path.join(dir, 'sparse.html');
    writeFileSync(file, buildHtmlReport(profile, loadWebviewAssets(MEDIA_DIR)));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.getByTestId('strategy-table').waitFor();
    assert.match((await page.getByTestId('verdict-label').textContent())!, /No verdict/);
    assert.match((await page.getByTestId('strategy-table').textContent())!, /ZeroDivisionError: division by zero/);
    assert.match(
      (await page.locator('main').textContent())!,
      /interrupted: this profile is partial.*macOS: thread states are unavailable/s,
    );
    // No core is known for any sample: the lanes are the machine's cores, all without workload.
    assert.equal(await page.getByTestId('per-core-lanes').getAttribute('data-lanes'), '2');
    for (const view of ['threads', 'flamegraph', 'functions']) await page.getByTestId(`view-${view}`).click();
    await page.getByTestId('top-functions').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test('a function named like HTML renders as text everywhere', async () => {
  const { page, problems } = await open();
  await page.getByTestId('view-functions').click();
  const names = await page.getByTestId('top-functions').locator('button.fn').allTextContents();
  assert.ok(names.includes(HOSTILE_NAME), names.join(', '));
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test(
  'hover shows the frame, click reports its source line, the wheel zooms and ' + 'the zoom survives a reload',
  async () => {
    const { page, problems } = await open();
    await page.getByTestId('view-threads').click();
    const canvas = page.getByTestId('per-thread-lanes').locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    // First lane's first frame row: axis 18 + header 16 + ribbon 8 + half a row.
    const x = box.x + box.width / 2;
    const y = box.y + 18 + 16 + 8 + 7;
    await page.mouse.move(x, y);
    const tooltip = page.locator('.chart-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const text = (await tooltip.textContent())!;
    assert.match(text, /^worker\/w\/word_stats\.py:12total/);
    assert.match(text, /state (running|GIL wait|I\/O)/);
    assert.match(text, /thread ThreadPoolExecutor-0_0/);

    await page.mouse.click(x, y);
    await page.waitForFunction(() => document.querySelector('.toast')?.textContent === '/w/word_stats.py:12');

    await page.mouse.move(x, y);
    await page.mouse.wheel(0, -600);
    const zoomed = await page.waitForFunction(() => {
      const cp = (history.state as { cp?: { viewports: Record<string, { t0: number; t1: number }> } })?.cp;
      const v = cp?.viewports['threads-4/threads'];
      return v && v.t1 - v.t0 < 1000 ? v : null;
    });
    const view = (await zoomed.jsonValue()) as { t0: number; t1: number };
    await page.reload();
    await page.getByTestId('per-thread-lanes').waitFor();
    const restored = await page.evaluate(
      () => (history.state as { cp: { view: string; viewports: Record<string, unknown> } }).cp,
    );
    assert.equal(restored.view, 'threads');
    assert.deepEqual(restored.viewports['threads-4/threads'], view);
    assert.deepEqual(problems, []);
    await page.close();
  },
);

test('keyboard: Enter selects a frame, arrows walk the stack, o opens the source, Esc resets', async () => {
  const { page, problems } = await open();
  await page.getByTestId('view-threads').click();
  const canvas = page.getByTestId('per-thread-lanes').locator('canvas');
  await canvas.focus();
  await page.keyboard.press('Enter');
  const title = page.locator('.chart-tooltip .tooltip-title');
  await title.waitFor({ state: 'visible' });
  assert.equal(await title.textContent(), 'worker');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(
    () => document.querySelector('.chart-tooltip .tooltip-title')?.textContent === 'count_words',
  );
  await page.keyboard.press('o');
  await page.waitForFunction(() => document.querySelector('.toast')?.textContent === '/w/word_stats.py:20');
  await page.keyboard.press('Enter'); // zoom to the selected frame
  // The whole run is 2 s; a zoomed view is shorter, and Esc brings the whole run back.
  const spanIs = (shorter: boolean) =>
    page.waitForFunction((short) => {
      const v = (history.state as { cp: { viewports: Record<string, { t0: number; t1: number }> } }).cp.viewports[
        'threads-4/threads'
      ];
      return v !== undefined && (short ? v.t1 - v.t0 < 1900 : v.t1 - v.t0 >= 2000);
    }, shorter);
  await spanIs(true);
  await page.keyboard.press('Escape');
  await spanIs(false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('chart tabs follow the tabs pattern: arrows move and select, one tab in the Tab order', async () => {
  const { page, problems } = await open();
  await page.getByTestId('view-cores').focus();
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('per-thread-lanes').waitFor();
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid), 'view-threads');
  await page.keyboard.press('End');
  await page.getByTestId('top-functions').waitFor();
  assert.deepEqual(
    await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((t) => (t as HTMLElement).tabIndex)),
    [-1, -1, -1, 0],
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('the canvas draws the frame where it is and in the chosen colouring', async () => {
  const { page, problems } = await open();
  await page.getByTestId('view-threads').click();
  const canvas = page.getByTestId('per-thread-lanes').locator('canvas');
  // First lane's first frame row (worker), middle of the run; the canvas is 1:1 at dpr 1.
  const pixelAt = () =>
    canvas.evaluate((c: HTMLCanvasElement) => {
      const [r, g, b] = c.getContext('2d')!.getImageData(Math.floor(c.width / 2), 18 + 16 + 8 + 7, 1, 1).data;
      return `#${[r, g, b].map((v) => v!.toString(16).padStart(2, '0')).join('')}`;
    });
  assert.equal(await pixelAt(), FUNCTION_PALETTE[hashString('worker') % FUNCTION_PALETTE.length]);
  await page.getByTestId('color-by').selectOption('thread');
  await page.waitForFunction(() => (history.state as { cp: { colorBy: string } }).cp.colorBy === 'thread');
  assert.equal(await pixelAt(), THREAD_PALETTE[0]);

  // Search dims what does not match, also in a right-hand pane next to a strategy without samples.
  await page.getByTestId('color-by').selectOption('function');
  await page.getByTestId('strategy-left').selectOption('processes-spawn');
  await page.getByTestId('strategy-right').selectOption('threads-4');
  await page.getByTestId('search').fill('no such function');
  await page.waitForFunction(() => (history.state as { cp: { search: string } }).cp.search === 'no such function');
  const dimmed = await canvas.evaluate((c: HTMLCanvasElement) => [
    ...c.getContext('2d')!.getImageData(Math.floor(c.width / 2), 18 + 16 + 8 + 7, 1, 1).data,
  ]);
  assert.ok(dimmed[0] === dimmed[1] && dimmed[1] === dimmed[2] && dimmed[0]! > 150, `not grey: ${dimmed}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('two strategies side by side, and search keeps only matching functions in the table highlighted', async () => {
  const { page, problems } = await open();
  await page.getByTestId('strategy-right').selectOption('serial');
  assert.equal(await page.locator('.panes.side-by-side [data-testid="per-core-lanes"]').count(), 2);
  await page.getByTestId('view-functions').click();
  await page.getByTestId('search').fill('lower');
  const highlighted = await page.locator('[data-testid="top-functions"] tr.match button.fn').allTextContents();
  assert.deepEqual(highlighted, ['lower', 'lower']);
  assert.deepEqual(problems, []);
  await page.close();
});

test(
  'just my code: runtime frames fold into [runtime] in the charts and top functions, ' + 'the toggle shows them all',
  async () => {
    const file = path.join(dir, 'runtime.html');
    await writeExports(syntheticProfile({ threads: 2, samplesPerThread: 300, runtimeFrames: true }), {
      html: file,
      mediaDir: MEDIA_DIR,
    });
    const { page, problems } = await open(`file://${file}`);
    await page.getByTestId('view-functions').click();
    const table = page.getByTestId('top-functions');
    const functions = async (): Promise<string[]> => table.locator('td:first-child .fn').allTextContents();
    const folded = await functions();
    assert.ok(folded.includes('[runtime]'), folded.join(', '));
    assert.ok(!folded.some((name) => ['_bootstrap_inner', 'run', '_worker'].includes(name)), folded.join(', '));
    assert.ok(
      folded.includes('count_words') && folded.includes('update'),
      'the user’s code and the libraries it calls stay',
    );
    assert.equal(await table.locator('button.fn', { hasText: '[runtime]' }).count(), 0, 'no source to open');

    // The flame graph's root is the fold; hovering it says so.
    await page.getByTestId('view-flamegraph').click();
    const canvas = page.getByTestId('flame-graph').locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 18 + 16 + 7);
    await page.locator('.chart-tooltip').waitFor({ state: 'visible' });
    assert.match((await page.locator('.chart-tooltip').textContent())!, /^\[runtime\]/);

    await page.getByTestId('just-my-code').uncheck();
    await page.getByTestId('view-functions').click();
    const all = await functions();
    assert.ok(
      ['_bootstrap_inner', 'run', '_worker'].every((name) => all.includes(name)),
      all.join(', '),
    );
    assert.ok(!all.includes('[runtime]'));
    await page.waitForFunction(() => {
      const cp = (history.state as { cp?: { justMyCode?: boolean; view: string } } | null)?.cp;
      return cp?.justMyCode === false && cp.view === 'functions';
    });
    await page.reload();
    await page.getByTestId('top-functions').waitFor();
    assert.equal(await page.getByTestId('just-my-code').isChecked(), false, 'the choice survives a reload');
    assert.deepEqual(problems, []);
    await page.close();
  },
);
