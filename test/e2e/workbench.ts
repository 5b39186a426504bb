// What a user does in the workbench, as playwright steps: open a file, put the cursor on a line,
// run a palette command, answer an input box, click a lens, read the profile webview.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { FrameLocator, Locator, Page } from 'playwright-core';

export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).dblclick();
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Puts the cursor at the start of a one-based line of the active editor. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.locator('.statusbar', { hasText: `Ln ${line}, Col 1` }).waitFor();
}

export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  // While extensions are still activating, the palette can open before its command list is in;
  // reopening it then lists them.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 15_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** Waits for the input box with `title`; replaces its value when `value` is given; Enter. Returns what it held. */
export async function answerInputBox(page: Page, title: string, value?: string): Promise<string> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  const input = page.locator('.quick-input-widget input');
  const prefilled = await input.inputValue();
  if (value !== undefined) await input.fill(value);
  await page.keyboard.press('Enter');
  return prefilled;
}

/** The `index`-th lens (top to bottom) whose title contains `title`. */
export function codeLens(page: Page, title: string, index: number): Locator {
  return page.locator('.codelens-decoration a', { hasText: title }).nth(index);
}

export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notification-toast', { hasText: text });
}

/** The profile webview's document (VS Code nests the content in an iframe inside an iframe). */
export function profileWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Waits until the panel's tab names `subject`, then returns the verdict label it shows. */
export async function shownVerdict(page: Page, subject: string, timeoutMs: number): Promise<string> {
  await page.locator('.tab', { hasText: `Concurrency: ${subject}` }).waitFor({ timeout: timeoutMs });
  const label = profileWebview(page).getByTestId('verdict-label');
  await label.waitFor({ timeout: 30_000 });
  await profileWebview(page).getByTestId('strategy-table').waitFor({ timeout: 30_000 });
  return (await label.textContent())?.trim() ?? '';
}

/**
 * Processes of a profiling run on a file in `folder`, by pid: the engine (its command line names
 * the file) and the Python processes it starts (they work in the file's folder).
 */
export function runProcessesIn(folder: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const ofRun = /python|cli\.js/.test(command);
      if (ofRun && (readlinkSync(`/proc/${entry}/cwd`) === folder || command.includes(folder))) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
