// The extension in a real VS Code (code-server + Chromium): what a user sees from the palette,
// the CodeLens, Cancel and Restricted Mode. Screenshots of each step go to test/e2e/screenshots/.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { launch, prepare, screenshotPath, type Session } from './codeServer';
import { answerInputBox, codeLens, goToLine, notification, openFile, runProcessesIn, runCommand, shownVerdict } from './workbench';

// Generous waits: the machine has two cores that other test runs share. Assertions stay exact.
const RUN_TIMEOUT_MS = 120_000;
const PROFILE_COMMAND = 'Concurrency: Profile concurrency';
// Lines of test/fixtures/e2e-workspace/workloads.py.
const CRUNCH_BODY_LINE = 8;
const LENS = { crunch: 0, fetch: 1, endless: 2 };

const { vsix } = prepare();
let session: Session | undefined;

/** A test that leaves a screenshot of the workbench behind when it fails. */
function test(name: string, body: () => Promise<void>): void {
  nodeTest(name, async () => {
    try {
      await body();
    } catch (error) {
      await session?.page.screenshot({ path: screenshotPath(`FAILED ${name}`) }).catch(() => undefined);
      throw error;
    }
  });
}

describe('in a trusted workspace', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    session = await launch({ vsix, trusted: true });
    await openFile(session.page, 'workloads.py');
  });
  after(async () => {
    await session?.close();
  });

  test('the palette command profiles the function under the cursor and shows its verdict', async () => {
    const { page } = session!;
    await goToLine(page, CRUNCH_BODY_LINE);
    await runCommand(page, PROFILE_COMMAND);
    const prefilled = await answerInputBox(page, 'Profile crunch', '[(3_000_000,)] * 4');
    assert.equal(prefilled, '[(100_000,)] * 8');
    await notification(page, 'Profiling crunch').waitFor();
    await page.screenshot({ path: screenshotPath('01-palette-run-progress') });
    const verdict = await shownVerdict(page, 'crunch', RUN_TIMEOUT_MS);
    await page.screenshot({ path: screenshotPath('02-palette-verdict') });
    assert.equal(verdict, 'CPU-bound (GIL)');
    // The lens of the function now carries the result.
    await codeLens(page, 'CPU-bound (GIL)', 0).waitFor();
  });

  test('the CodeLens profiles the I/O-bound function, with its default arguments, and shows a different verdict', async () => {
    const { page } = session!;
    await codeLens(page, 'Profile concurrency', LENS.fetch).click();
    const prefilled = await answerInputBox(page, 'Profile fetch');
    assert.equal(prefilled, '[(0.1,)] * 8');
    const verdict = await shownVerdict(page, 'fetch', RUN_TIMEOUT_MS);
    await page.screenshot({ path: screenshotPath('03-codelens-verdict') });
    assert.equal(verdict, 'I/O-bound');
  });

  test('Cancel stops a run that would never end and leaves no process behind', async () => {
    const { page, workspace } = session!;
    await codeLens(page, 'Profile concurrency', LENS.endless).click();
    await answerInputBox(page, 'Profile endless', '[()] * 2');
    const progress = notification(page, 'Profiling endless');
    await progress.waitFor();
    await waitFor(() => runProcessesIn(workspace).length > 0, 30_000, 'the workload to start');
    await page.screenshot({ path: screenshotPath('04-cancel-running') });
    await progress.hover();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    const cancelledAt = Date.now();
    await waitFor(() => runProcessesIn(workspace).length === 0, 10_000, 'the workload processes to exit');
    const stoppedAfterMs = Date.now() - cancelledAt;
    await notification(page, 'Profiling cancelled').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('05-cancelled') });
    assert.deepEqual(runProcessesIn(workspace), []);
    assert.ok(stoppedAfterMs < 3_000, `processes were gone ${stoppedAfterMs} ms after Cancel`);
  });
});

describe('in Restricted Mode', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    session = await launch({ vsix, trusted: false });
    await openFile(session.page, 'workloads.py');
  });
  after(async () => {
    await session?.close();
  });

  test('the command refuses to run the workload and says why', async () => {
    const { page, workspace } = session!;
    await goToLine(page, CRUNCH_BODY_LINE);
    await runCommand(page, PROFILE_COMMAND);
    const refusal = notification(page, 'does not run in Restricted Mode');
    await refusal.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('06-restricted-mode-refusal') });
    assert.match((await refusal.textContent()) ?? '', /profiling executes the Python code of this workspace/);
    assert.equal(await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Profile crunch' }).isVisible(), false);
    assert.deepEqual(runProcessesIn(workspace), []);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
