// Beyond the schema: the speedscope app shipped in the `speedscope` package opens our export
// (offline, from node_modules) and lists one profile per thread.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { toSpeedscope } from '../../src/profiler/export/speedscope';
import { pickStrategy } from '../../src/profiler/export/strategy';
import { launchChromium } from './report-browser';

test('the speedscope app imports the export, one profile per thread', async () => {
  const profile = syntheticProfile({ threads: 4, samplesPerThread: 300 });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cp-speedscope-')), 'threads.speedscope.json');
  writeFileSync(file, JSON.stringify(toSpeedscope(profile, pickStrategy(profile, 'threads-4'))));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${require.resolve('speedscope/dist/release/index.html')}`);
    await page.locator('input[type=file]').setInputFiles(file);
    await page.waitForFunction(() => document.title === 'count_words — threads-4 - speedscope');
    assert.match(await page.locator('body').innerText(), /threads-4: ThreadPoolExecutor-0_0 \(tid \d+\) \(1\/4\)/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
