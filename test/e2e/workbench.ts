// What a user does in the workbench, as playwright steps: open a file, put the cursor on a line,
// run a palette command, answer an input box, click a lens, read the profile webview.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { Profile } from '../../src/profiler/profile';

export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).dblclick();
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Opens a file by name through Quick Open (Ctrl+P): for files deep in a (multi-root) workspace. */
export async function quickOpen(page: Page, name: string): Promise<void> {
  // Right after the window opened the file index may still be building.
  await pickInQuickInput(page, 'Control+P', name, name);
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
  // While extensions are still activating, the palette can open before its command list is in.
  await pickInQuickInput(page, 'F1', `>${title}`, title);
}

/** Opens a quick input with `key`, types `text` and picks the first row showing `row`; when no
 * such row comes (a list still filling), closes it and asks again, three times in all. */
async function pickInQuickInput(page: Page, key: string, text: string, row: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const found = page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first();
  await openUntilShown(page, found, 15_000, async () => {
    await page.keyboard.press(key);
    await input.waitFor();
    await input.fill(text);
  });
  await page.keyboard.press('Enter');
}

/** Runs `open` until `shown` appears within `timeoutMs`, closing what opened with Escape between
 * tries; three tries in all (under load a list or menu can open empty, or not at all). */
async function openUntilShown(page: Page, shown: Locator, timeoutMs: number, open: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await open();
    try {
      await shown.waitFor({ timeout: timeoutMs });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
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
      if (ofRun && (readlinkSync(`/proc/${entry}/cwd`) === folder || command.includes(folder)))
        pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/**
 * Edits the workspace's .vscode/settings.json the way a user would, then waits until the extension
 * has seen the new value: it logs every change of its settings, and its log is a file under the
 * user data folder (nothing in the UI shows when VS Code's file watcher noticed).
 */
export async function setWorkspaceSetting(
  session: { workspace: string; userData: string },
  key: string,
  value: unknown,
): Promise<void> {
  const line = `Setting ${key} is now ${JSON.stringify(value)}`;
  const seen = (): number => extensionLog(session.userData).split(line).length - 1;
  const before = seen();
  const file = path.join(session.workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, [key]: value }, null, 2));
  const deadline = Date.now() + 60_000;
  while (seen() === before) {
    if (Date.now() > deadline) throw new Error(`the extension did not log "${line}" within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The extension's log (its LogOutputChannel), as VS Code writes it under the user data folder. */
export function extensionLog(userData: string): string {
  const logs = path.join(userData, 'logs');
  let files: string[] = [];
  try {
    files = (readdirSync(logs, { recursive: true }) as string[]).filter((f) => f.endsWith('Concurrency Profiler.log'));
  } catch {
    // no logs yet
  }
  return files.map((f) => readFileSync(path.join(logs, f), 'utf8')).join('\n');
}

/** Opens a file of the workspace through the explorer's context menu entry named `item`: the way a
 * command gets a file without a file dialog. The explorer is refreshed first: a file written just
 * after the window opened can come before the file watcher has started, and then never shows. */
export async function explorerContextCommand(page: Page, fileName: string, item: string): Promise<void> {
  await runCommand(page, 'Refresh Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName });
  await row.waitFor({ timeout: 60_000 });
  const menu = page.locator('.monaco-menu');
  const action = menu.locator('.action-item', { hasText: item }).first();
  // Under load a right-click can open no menu, or one without the item yet.
  await openUntilShown(page, action, 10_000, () => row.click({ button: 'right' }));
  // A click that lands while the menu is still being laid out highlights the item but runs nothing
  // and leaves the menu open (seen under load): then the highlighted item is run with Enter.
  await action.click();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch {
      await action.hover();
      await page.keyboard.press('Enter');
    }
  }
  await menu.waitFor({ state: 'hidden', timeout: 5_000 });
}

/**
 * The `after` decorations of the visible text editors, as [the line's text, trimmed; the
 * decoration's text]. VS Code draws them as CSS ::after content of a span at the line's end.
 */
export async function afterDecorations(page: Page): Promise<[string, string][]> {
  return page.evaluate(() => {
    const found: [string, string][] = [];
    for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
      for (const span of line.querySelectorAll('span')) {
        const content = getComputedStyle(span, '::after').content;
        if (content === 'none' || content === 'normal' || content === '""') continue;
        // content is a CSS string: quoted, with quotes and backslashes escaped.
        found.push([(line.textContent ?? '').replace(/\u00a0/g, ' ').trim(), JSON.parse(content) as string]);
      }
    }
    return found;
  });
}

/** The newest profile the extension saved in its storage under the user data folder. */
export function savedProfile(userData: string): Profile {
  const files = (readdirSync(userData, { recursive: true }) as string[]).filter((file) =>
    file.endsWith('.profile.json'),
  );
  const newest = files.sort((a, b) => path.basename(a).localeCompare(path.basename(b))).at(-1);
  if (!newest) throw new Error(`no profile saved under ${userData}`);
  return JSON.parse(readFileSync(path.join(userData, newest), 'utf8')) as Profile;
}
