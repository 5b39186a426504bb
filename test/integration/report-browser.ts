// Headless Chromium for the report tests and the render benchmark: Debian's browser, no network.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
