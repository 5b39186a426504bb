// Real projects in a real VS Code: a multi-root workspace of a package project (relative and
// absolute imports, a .env read through python.envFile's default) and a src/ layout project. A
// CodeLens run of each module's `where(expected)` under serial, threads and every process start
// method: `where` raises in any process that imported the module another way, so every strategy
// ok means every process ran it as `python -m` from its workspace folder would. No timing asserted.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { launch, prepare, screenshotPath, testWithScreenshot, type Session } from './codeServer';
import { answerInputBox, codeLens, profileWebview, quickOpen, runCommand, shownVerdict } from './workbench';

const RUN_TIMEOUT_MS = 240_000;
const STRATEGIES = ['serial', 'threads', 'processes-fork', 'processes-forkserver', 'processes-spawn'];
// In both modules `where` is the second function, so its lens is the second.
const WHERE_LENS = 1;

const { vsix } = prepare();
let session: Session | undefined;
const test = testWithScreenshot(() => session);

/** The strategy rows of the panel's table as [id, status]. */
async function shownStatuses(session: Session): Promise<[string, string][]> {
  const rows = profileWebview(session.page).getByTestId('strategy-table').locator('tbody tr:not(.detail)');
  const ids = await rows.locator('th').allTextContents();
  const statuses = await rows.locator('.status').allTextContents();
  return ids.map((id, i) => [id.replace(/ \(.*\)$/, ''), statuses[i]!]);
}

async function profileWhere(session: Session, file: string, expected: string): Promise<string> {
  const { page } = session;
  // One editor at a time, so that the lens clicked is this file's.
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tab').first().waitFor({ state: 'detached' });
  await quickOpen(page, file);
  await codeLens(page, 'Profile concurrency', WHERE_LENS).click();
  await answerInputBox(page, 'Profile where', `[(${expected},)] * 4`);
  await shownVerdict(page, 'where', RUN_TIMEOUT_MS);
  const statuses = await shownStatuses(session);
  await page.screenshot({ path: screenshotPath(`10-project-${path.parse(file).name}`) });
  assert.deepEqual(
    statuses,
    STRATEGIES.map((id) => [id, 'ok']),
    await profileWebview(page).getByTestId('strategy-table').innerText(),
  );
  return (await profileWebview(page).getByTestId('how-it-ran').textContent()) ?? '';
}

describe('a multi-root workspace of real project layouts', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    session = await launch({ vsix, trusted: true, fixture: 'projects', workspaceFile: 'e2e.code-workspace' });
  });
  after(async () => {
    await session?.close();
  });

  test('a package module runs as app.core.work from its workspace folder with the folder .env', async () => {
    const root = path.join(session!.workspace, 'pkgapp');
    const how = await profileWhere(
      session!,
      'work.py',
      `("app.core.work", "app.core", "3", ${JSON.stringify(root)}, True)`,
    );
    assert.equal(how, `imported as app.core.work · cwd ${root} · sys.path + ${root} · env ${path.join(root, '.env')}`);
  });

  test('a src/ layout module runs as tally.counting with src/ on sys.path', async () => {
    const root = path.join(session!.workspace, 'srcapp');
    const how = await profileWhere(session!, 'counting.py', `("tally.counting", "tally", ${JSON.stringify(root)})`);
    assert.equal(how, `imported as tally.counting · cwd ${root} · sys.path + ${path.join(root, 'src')}, ${root}`);
  });
});
