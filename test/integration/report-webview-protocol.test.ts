// The webview bundle as VS Code runs it: acquireVsCodeApi present, `ready` first, the profile
// arrives as a message, clicks post openSource, state goes to setState and comes back after reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { VERDICT_LABELS } from '../../src/profiler/analysis/verdict';
import { packProfile } from '../../src/profiler/export/packedProfile';
import { BLOCKING_FILE, blockingProfile } from '../helpers/blockingProfile';
import { MEDIA_DIR, launchChromium } from './report-browser';

let browser: Browser;
const asset = (name: string): string => readFileSync(path.join(MEDIA_DIR, name), 'utf8');
const webviewHtml =
  `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${asset('webview.css')}</style></head>` +
  `<body><div id="app"></div><script>${asset('webview.js')}</script></body></html>`;

/**
 * A stand-in for VS Code's webview API that records what the webview sends. A string, not a
 * function: tsx's transpiled functions reference helpers that do not exist in the page.
 */
const fakeVsCodeApi = (saved: unknown): string => `
  window.sent = [];
  window.savedState = ${JSON.stringify(saved ?? null)} ?? undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.sent.push(m),
    getState: () => window.savedState,
    setState: (s) => { window.savedState = s; },
  });`;

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function openWebview(saved: unknown = undefined): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.addInitScript({ content: fakeVsCodeApi(saved) });
  // Served by interception (init scripts run on navigation, not on setContent); nothing leaves the machine.
  await page.route('https://webview.test/', (route) => route.fulfill({ body: webviewHtml, contentType: 'text/html' }));
  await page.goto('https://webview.test/');
  return page;
}

const sent = (page: Page) => page.evaluate(() => (window as unknown as { sent: { type: string }[] }).sent);

test('the webview says ready first, renders the profile it is sent, and posts openSource and export', async () => {
  const page = await openWebview();
  assert.deepEqual(await sent(page), [{ type: 'ready' }]);
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 200 });
  delete profile.verdict;
  delete profile.recommendation;
  await page.evaluate(
    (p) => window.postMessage({ type: 'profile', profile: p, source: '/tmp/p.json' }, '*'),
    profile as never,
  );
  await page.getByTestId('per-core-lanes').waitFor();
  assert.match((await page.getByTestId('verdict-label').textContent())!, /No verdict/);
  assert.equal(await page.getByTestId('recommendation').count(), 0);

  await page.getByTestId('view-functions').click();
  await page.getByTestId('top-functions').getByRole('button', { name: 'tokenize' }).click();
  await page.getByRole('button', { name: 'speedscope' }).click();
  const messages = await sent(page);
  assert.deepEqual(messages.slice(1), [
    { type: 'openSource', file: '/w/word_stats.py', line: 24 },
    { type: 'export', format: 'speedscope', strategy: 'threads-2' },
  ]);
  await page.close();
});

test(
  'the Blocking and Locks tables open their lines; the per-thread chart names ' + 'the lock a thread waited on',
  async () => {
    const page = await openWebview();
    await page.evaluate(
      (p) => window.postMessage({ type: 'profile', profile: p, source: null }, '*'),
      blockingProfile() as never,
    );
    const blocking = page.getByTestId('blocking-table-threads-2');
    await blocking.waitFor();
    assert.deepEqual(await blocking.locator('tbody td').allTextContents(), [
      'tokenize() word_stats.py:17',
      'time.sleep(0.05)  # blocks',
      '2',
      '100.0 ms',
      '60.0 ms',
      'sleep',
    ]);
    await blocking.getByRole('button', { name: 'tokenize()' }).click();
    const locks = page.getByTestId('locks-table-threads-2');
    assert.match(
      (await locks.locator('tbody tr').first().textContent())!,
      /^LOCK Lock.*46%2350\.0 ms \(5\/8\)count_words\(\)/,
    );
    await locks.getByRole('button', { name: '<module>()' }).click();
    await locks.getByRole('button', { name: 'count_words()' }).click();
    const opened = (await sent(page)).filter((m) => m.type === 'openSource');
    assert.deepEqual(opened, [
      { type: 'openSource', file: BLOCKING_FILE, line: 17 },
      { type: 'openSource', file: BLOCKING_FILE, line: 3 },
      { type: 'openSource', file: BLOCKING_FILE, line: 20 },
    ]);

    // Per thread: thread 1 waited on LOCK from 50 to 100 ms; find its marks strip by hovering down the chart there.
    await page.getByTestId('view-threads').click();
    await page.getByTestId('marks-legend').waitFor();
    const canvas = page.getByTestId('per-thread-lanes').locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const x = box.x + (75 / 1000) * box.width;
    let title = '';
    for (let y = box.y + 18; y < box.y + box.height && !title.startsWith('waiting for lock'); y += 2) {
      await page.mouse.move(x, y);
      title = await page.evaluate(
        () => document.querySelector('.chart-tooltip:not([hidden]) .tooltip-title')?.textContent ?? '',
      );
    }
    assert.match(title, /^waiting for lock LOCK \(Lock created at word_stats\.py:3, held mostly by count_words\(\)/);
    await page.mouse.down();
    await page.mouse.up();
    assert.deepEqual((await sent(page)).at(-1), { type: 'openSource', file: BLOCKING_FILE, line: 3 });
    await page.close();
  },
);

test('a packed profile (bytes, for big profiles) renders like a profile object', async () => {
  const page = await openWebview();
  const profile = syntheticProfile({ threads: 3, samplesPerThread: 100 });
  const bytes = Array.from(packProfile(profile));
  await page.evaluate(
    (b) => window.postMessage({ type: 'packedProfile', data: new Uint8Array(b), source: null }, '*'),
    bytes,
  );
  const lanes = page.getByTestId('per-core-lanes');
  await lanes.waitFor();
  assert.match((await lanes.locator('..').locator('h3').textContent())!, /threads-3 · 3 threads · 300 samples/);
  assert.equal(await page.getByTestId('verdict-label').textContent(), VERDICT_LABELS['cpu-bound-gil']);
  await page.close();
});

test('a theme change (VS Code swaps the body class) redraws the charts in the new colours', async () => {
  const page = await openWebview();
  await page.evaluate(
    (p) => window.postMessage({ type: 'profile', profile: p, source: null }, '*'),
    syntheticProfile({ threads: 2, samplesPerThread: 50 }) as never,
  );
  const canvas = page.getByTestId('per-core-lanes').locator('canvas');
  await canvas.waitFor();
  // A pixel of the time axis strip, which is the editor background.
  const background = () =>
    canvas.evaluate((c: HTMLCanvasElement) =>
      [...c.getContext('2d')!.getImageData(2, 2, 1, 1).data].slice(0, 3).join(','),
    );
  assert.equal(await background(), '255,255,255');
  await page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-editor-background', '#1e1e1e');
    document.body.className = 'vscode-dark';
  });
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="per-core-lanes"] canvas') as HTMLCanvasElement | null;
    return c !== null && c.getContext('2d')!.getImageData(2, 2, 1, 1).data[0] === 0x1e;
  });
  assert.equal(await page.locator('[data-testid="per-core-lanes"]').count(), 1);
  await page.close();
});

test('state saved through setState is restored for the same profile source', async () => {
  const page = await openWebview();
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 200 });
  const post = (p: Page) =>
    p.evaluate(
      (pr) => window.postMessage({ type: 'profile', profile: pr, source: '/tmp/p.json' }, '*'),
      profile as never,
    );
  await post(page);
  await page.getByTestId('view-flamegraph').click();
  await page.getByTestId('strategy-right').selectOption('serial');
  await page.waitForFunction(
    () => (window as unknown as { savedState?: { right?: string } }).savedState?.right === 'serial',
  );
  const saved = await page.evaluate(() => (window as unknown as { savedState: unknown }).savedState);
  await page.close();

  const reopened = await openWebview(saved);
  await post(reopened);
  assert.equal(await reopened.locator('[data-testid="flame-graph"]').count(), 2);
  assert.equal(await reopened.getByTestId('view-flamegraph').getAttribute('aria-selected'), 'true');
  await reopened.close();

  // Another run (same source path, newer profile) starts from the defaults, not the old zoom.
  const newer = await openWebview(saved);
  await newer.evaluate((pr) => window.postMessage({ type: 'profile', profile: pr, source: '/tmp/p.json' }, '*'), {
    ...profile,
    createdAt: '2026-02-02T00:00:00.000Z',
  } as never);
  await newer.getByTestId('per-core-lanes').waitFor();
  assert.equal(await newer.locator('[data-testid="per-core-lanes"]').count(), 1);
  await newer.close();
});
