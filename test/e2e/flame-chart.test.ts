// After a threads run of a CPU-bound function in a real VS Code (code-server + Chromium): the
// source heat in the editor, the per-core lanes (one per core, the GIL letting one thread run at
// a time), and a click on a frame of the lanes that opens the editor at that frame's line.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { foldRuntime } from '../../src/webview/justMyCode';
import { laneBoxes, ROW_H } from '../../src/webview/flameCanvas';
import { coreLanes } from '../../src/webview/model';
import { lineLabel, sourceHeat } from '../../src/extension/sourceHeat';
import { COMPRESS_ABOVE_BYTES } from '../../src/profiler/export/html';
import type { Profile, StrategyResult } from '../../src/profiler/profile';
import { cpuCores, mostBlocked } from '../helpers/measured';
import { launch, prepare, screenshotPath, testWithScreenshot, type Session } from './codeServer';
import {
  afterDecorations,
  answerInputBox,
  explorerContextCommand,
  goToLine,
  openFile,
  profileWebview,
  runCommand,
  savedProfile,
  setWorkspaceSetting,
  shownVerdict,
} from './workbench';

// Generous waits: the machine has two cores that other test runs share. Assertions stay exact.
const RUN_TIMEOUT_MS = 180_000;
const FILE = 'workloads.py';
// Line of test/fixtures/e2e-workspace/workloads.py inside crunch.
const CRUNCH_BODY_LINE = 8;
const ARGS = '[(2_000_000,)] * 4';

const { vsix } = prepare();
let session: Session | undefined;

const test = testWithScreenshot(() => session);

describe('after a threads run of a CPU-bound function', { timeout: 15 * 60_000 }, () => {
  let profile: Profile;

  before(async () => {
    session = await launch({ vsix, trusted: true });
    const { page } = session;
    // Opening a Python file activates the extension, which then sees (and logs) the setting.
    await openFile(page, FILE);
    await setWorkspaceSetting(session, 'concurrencyProfiler.strategies', ['serial', 'threads']);
    await goToLine(page, CRUNCH_BODY_LINE);
    await runCommand(page, 'Concurrency: Profile concurrency');
    await answerInputBox(page, 'Profile crunch', ARGS);
    const shown = await shownVerdict(page, 'crunch', RUN_TIMEOUT_MS);
    profile = savedProfile(session.userData);
    // The panel shows the engine's verdict (which verdict a run gets is tested on recorded profiles:
    // on a heavily loaded machine the GIL's waits show as waits for a core).
    assert.equal(shown, profile.verdict!.label);
    assert.equal(profile.workload.args, ARGS);
  });
  after(async () => {
    await session?.close();
  });

  test("the profiled file shows each hot line's share of the samples and its GIL wait", async () => {
    const { page } = session!;
    const source = readFileSync(path.join(session!.workspace, FILE), 'utf8').split('\n');
    const heat = sourceHeat(profile)!;
    const expected = heat.files
      .get(profile.workload.file)!
      .map((line): [string, string] => [source[line.line - 1]!.trim(), lineLabel(line)]);
    assert.ok(expected.length > 0);
    await waitForDecorations(page, expected);
    await page.screenshot({ path: screenshotPath('10-source-heat') });

    // Hidden behind another file of its group and shown again, the editor gets them back.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '.vscode' }).click();
    await openFile(page, 'settings.json');
    await waitForDecorations(page, []);
    await page.locator('.tab', { hasText: FILE }).click();
    await waitForDecorations(page, expected);
  });

  test(
    'the per-core chart of the threads run has one lane per core, and the GIL ' + 'lets one thread run at a time',
    async () => {
      const { page } = session!;
      const lanes = await showCoreLanes(profileWebview(page));
      assert.equal(await lanes.getAttribute('data-lanes'), String(cpus().length));
      // A wider window for a readable picture of the lanes (docs/flame-chart.png), then back, each
      // once the chart has taken the new width.
      const canvasWidth = async (): Promise<number> => (await lanes.locator('canvas').boundingBox())!.width;
      const viewport = page.viewportSize()!;
      const narrow = await canvasWidth();
      await page.setViewportSize({ width: 2600, height: viewport.height });
      await until(async () => (await canvasWidth()) > narrow, 'the chart to widen');
      const wide = await canvasWidth();
      await profileWebview(page)
        .locator('section.charts')
        .screenshot({ path: screenshotPath('11-per-core-lanes') });
      await page.setViewportSize(viewport);
      await until(async () => (await canvasWidth()) < wide, 'the chart to narrow again');

      // Both task threads were sampled at the same ticks; under the GIL they used one core at most
      // between them, however many were free (free threads would use two). Per-tick "running" counts
      // and the GIL-wait share move with the machine's load (a loaded machine shows more of the
      // waiting as queued for a core); the CPU ceiling and which wait dominates do not.
      const threads = strategy(profile, 'threads');
      const ticks = ticksOfTwoTaskThreads(threads);
      assert.ok(ticks >= 20, `only ${ticks} sampler ticks saw two task threads`);
      assert.ok(cpuCores(threads) < 1.2, `the threads used ${cpuCores(threads)} cores`);
      // And when one is not on a core it waits for the GIL (a run without it has no GIL wait at all).
      const gilWaitState = profile.sampling.gilDetection ? 'gilWait' : 'lockWait';
      assert.equal(mostBlocked(threads), gilWaitState, JSON.stringify(threads.threadStates));
      assert.ok(threads.threadStates![gilWaitState] > 0, JSON.stringify(threads.threadStates));
    },
  );

  test('a click on a frame of crunch in a core lane opens the editor at its file and line', async () => {
    const { page } = session!;
    await goToLine(page, 1);
    const webview = profileWebview(page);
    const canvas = (await showCoreLanes(webview)).locator('canvas');
    // Wholly in view: a mousedown focuses the canvas, which scrolls a partly hidden one under the
    // pointer, and the mouseup then lands on another spot.
    await canvas.scrollIntoViewIfNeeded();
    const { x, y } = await widestRun(canvas, profile, 'threads', 'crunch');
    await canvas.hover({ position: { x, y } });
    const tooltip = webview.locator('.chart-tooltip');
    await tooltip.waitFor();
    const [title, where = ''] = await tooltip.locator('div').allInnerTexts();
    assert.equal(title, 'crunch');
    const [file, line] = [where.slice(0, where.lastIndexOf(':')), Number(where.slice(where.lastIndexOf(':') + 1))];
    assert.equal(file, profile.workload.file);
    assert.notEqual(line, 1);
    await canvas.click({ position: { x, y } });
    await page.locator('.statusbar', { hasText: `Ln ${line}, Col 1` }).waitFor({ timeout: 30_000 });
    await page.locator('.tab.active', { hasText: FILE }).waitFor();
    await page.screenshot({ path: screenshotPath('12-core-lane-frame-opened') });
  });

  test('"Clear source heat" removes the decorations', async () => {
    const { page } = session!;
    assert.notDeepEqual(await afterDecorations(page), []);
    await runCommand(page, 'Concurrency: Clear source heat');
    await waitForDecorations(page, []);
    await page.screenshot({ path: screenshotPath('13-source-heat-cleared') });
  });
});

describe('a profile too big to post as JSON', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    session = await launch({ vsix, trusted: true });
  });
  after(async () => {
    await session?.close();
  });

  test('is posted packed and the webview shows all of its samples', async () => {
    const { page, workspace } = session!;
    const big = syntheticProfile({ threads: 8, samplesPerThread: 30_000 });
    const json = JSON.stringify(big);
    assert.ok(json.length > COMPRESS_ABOVE_BYTES);
    const file = path.join(workspace, 'big.profile.json');
    writeFileSync(file, json);
    // The file's context menu in the explorer hands it to "Open profile..." (no file dialog).
    await explorerContextCommand(page, path.basename(file), 'Open profile...');
    assert.equal(await shownVerdict(page, 'count_words', RUN_TIMEOUT_MS), big.verdict!.label);
    const threads = strategy(big, 'threads-8');
    const webview = profileWebview(page);
    await webview.getByTestId('strategy-left').selectOption(threads.id);
    await webview
      .getByText(`${threads.id} · ${threads.threads.length} threads · ${threads.samples.t.length} samples`)
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('14-big-profile') });
  });
});

function strategy(profile: Profile, id: string): StrategyResult {
  const found = profile.strategies.find((s) => s.id === id);
  assert.ok(found, `no strategy ${id}`);
  return found;
}

/** Sampler ticks at which two or more task threads were sampled. */
function ticksOfTwoTaskThreads({ samples }: StrategyResult): number {
  const byTick = new Map<number, number>();
  for (let i = 0; i < samples.t.length; i++)
    if (samples.inTask[i] === 1) byTick.set(samples.t[i]!, (byTick.get(samples.t[i]!) ?? 0) + 1);
  return [...byTick.values()].filter((threads) => threads >= 2).length;
}

async function showCoreLanes(webview: FrameLocator): Promise<Locator> {
  await webview.getByTestId('strategy-left').selectOption('threads');
  await webview.getByTestId('view-cores').click();
  const lanes = webview.locator('[data-testid=per-core-lanes]');
  await lanes.waitFor({ timeout: 30_000 });
  return lanes;
}

/**
 * The middle of the widest run of `name` in the per-core lanes the panel draws for the strategy (with
 * "just my code", as the panel opens), as a point on the chart's canvas: the same model and lane
 * layout as the webview's. Which core ran the function, and for how long at a stretch, depends on
 * the machine's load (a busy core may show only slivers of it), so the test looks it up.
 */
async function widestRun(
  canvas: Locator,
  profile: Profile,
  id: string,
  name: string,
): Promise<{ x: number; y: number }> {
  const shown = foldRuntime(strategy(profile, id));
  const model = coreLanes(shown, profile.settings.sampleHz, profile.machine.logicalCores);
  let best = { width: 0, lane: -1, row: -1, middle: 0 };
  model.lanes.forEach((lane, l) =>
    lane.rows.forEach((runs, row) => {
      for (let r = 0; r < runs.length; r++) {
        const frame = runs.frame[r]!;
        const width = runs.end[r]! - runs.start[r]!;
        if (frame >= 0 && shown.frames.name[frame] === name && width > best.width)
          best = { width, lane: l, row, middle: (runs.start[r]! + runs.end[r]!) / 2 };
      }
    }),
  );
  assert.ok(best.lane >= 0, `no ${name} frame on any core`);
  const box = (await canvas.boundingBox())!;
  const y = laneBoxes(model.lanes).boxes[best.lane]!.rowsTop + best.row * ROW_H + ROW_H / 2;
  assert.ok(y < box.height, `the ${name} frame is below the chart's fold (y=${y})`);
  return { x: ((best.middle - model.start) / (model.end - model.start)) * box.width, y };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after 30 s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the editors' `after` decorations are `expected` (in any order: the DOM reuses line elements). */
async function waitForDecorations(page: Page, expected: [string, string][]): Promise<void> {
  const sorted = (pairs: [string, string][]): string[] => pairs.map((pair) => JSON.stringify(pair)).sort();
  const deadline = Date.now() + 30_000;
  let shown = sorted(await afterDecorations(page));
  while (JSON.stringify(shown) !== JSON.stringify(sorted(expected)) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    shown = sorted(await afterDecorations(page));
  }
  assert.deepEqual(shown, sorted(expected));
}
