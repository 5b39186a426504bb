// Headless Chromium for the report tests and the render benchmark: Debian's browser, no network.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeExports } from '../../src/profiler/export/index';
import type { Profile } from '../../src/profiler/profile';

/** Debian's Chromium as root, without GPU or network chatter (the e2e tests' browser too). */
export const QUIET_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const CHROMIUM_ARGS = ['--headless', ...QUIET_CHROMIUM_ARGS];

export const MEDIA_DIR = path.join(__dirname, '..', '..', 'media');

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(path.join(MEDIA_DIR, 'webview.js')))
    throw new Error('media/webview.js is missing: run `npm run build` first.');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Opens `profile` as the standalone HTML report (the webview's bundle) in Chromium and runs `check`
 * on the page once the strategies table is there; the browser and the file are gone afterwards. */
export async function withReport(profile: Profile, check: (page: Page) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-report-'));
  const html = path.join(dir, 'report.html');
  await writeExports(profile, { html, mediaDir: MEDIA_DIR });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`file://${html}`);
    await page.getByTestId('strategy-table').waitFor();
    await check(page);
    if (problems.length > 0) throw new Error(`the report threw: ${problems.join('; ')}`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
