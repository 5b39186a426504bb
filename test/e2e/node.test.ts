// Node.js in a real VS Code (code-server + Chromium): the CodeLens above an exported JavaScript
// function runs it on the Node on PATH (never the editor's runtime) under serial, worker threads and
// child processes, and the panel and the lens show the verdict. Nothing here hinges on a speedup.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { launch, NODE24, prepare, screenshotPath, testWithScreenshot, type Session } from './codeServer';
import { answerInputBox, codeLens, openFile, profileWebview, savedProfile, shownVerdict } from './workbench';

const RUN_TIMEOUT_MS = 180_000;
// test/fixtures/node-workspace/loops.js exports spin (a CPU loop) and nap (an async timer wait).
const LENS = { spin: 0, nap: 1 };

const { vsix } = prepare();
let session: Session | undefined;
const test = testWithScreenshot(() => session);

describe('Node.js functions', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    session = await launch({ vsix, trusted: true, fixture: 'node-workspace' });
    await openFile(session.page, 'loops.js');
  });
  after(async () => {
    await session?.close();
  });

  test('the lens on a CommonJS CPU loop runs it on Node and shows "CPU-bound (event loop)"', async () => {
    const { page } = session!;
    await codeLens(page, 'Profile concurrency', LENS.spin).click();
    const prefilled = await answerInputBox(page, 'Profile spin', 'Array(4).fill([20_000_000])');
    assert.equal(prefilled, 'Array(8).fill([100_000])', 'a JavaScript array per call, guessed from the parameter');
    const verdict = await shownVerdict(page, 'spin', RUN_TIMEOUT_MS);
    await page.screenshot({ path: screenshotPath('20-node-cpu-loop') });
    const profile = savedProfile(session!.userData);
    assert.equal(profile.runtime, 'node');
    assert.notEqual(profile.workload.node!.executable, NODE24, "a Node from PATH, not the editor's runtime");
    assert.deepEqual(
      profile.strategies.map((s) => [s.id, s.status, s.resultsMatchBaseline]),
      [
        ['serial', 'ok', true],
        ['worker-threads', 'ok', true],
        ['child-processes', 'ok', true],
      ],
    );
    // Serial has JavaScript stacks: spin's frames on the main thread.
    const serial = profile.strategies[0]!;
    const spinFrame = serial.frames.name.indexOf('spin');
    assert.ok(spinFrame >= 0 && serial.stacks.frame.includes(spinFrame), 'spin is on the serial stacks');
    // A synchronous loop keeps the event loop busy whatever the load.
    assert.equal(profile.verdict!.kind, 'cpu-bound-event-loop');
    assert.equal(verdict, profile.verdict!.label);
    await codeLens(page, profile.verdict!.label, 0).waitFor();
    const table = await profileWebview(page).getByTestId('strategy-table').innerText();
    assert.match(table, /worker-threads/);
  });

  test('the lens on an async timer wait adds async and shows I/O-bound', async () => {
    const { page } = session!;
    await codeLens(page, 'Profile concurrency', LENS.nap).click();
    const prefilled = await answerInputBox(page, 'Profile nap', 'Array(8).fill([300])');
    assert.equal(prefilled, 'Array(8).fill([100])', 'a duration in milliseconds');
    const verdict = await shownVerdict(page, 'nap', RUN_TIMEOUT_MS);
    await page.screenshot({ path: screenshotPath('21-node-async') });
    const profile = savedProfile(session!.userData);
    assert.ok(profile.workload.isAsync);
    const async = profile.strategies.find((s) => s.id === 'async');
    assert.equal(async?.status, 'ok');
    assert.equal(profile.verdict!.kind, 'io-bound');
    assert.equal(verdict, profile.verdict!.label);
  });
});
