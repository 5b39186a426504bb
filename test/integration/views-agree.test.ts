// One source of truth: for every fixture profile the CodeLens, the status bar, the panel (the
// webview in Chromium) and the CLI (the real `show` command) name the same recommended strategy,
// the one in profile.recommendation, and the panel lists the same routes the CLI prints.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { resultSummary, statusBarText } from '../../src/extension/resultSummary';
import { writeExports } from '../../src/profiler/export/index';
import type { Profile } from '../../src/profiler/profile';
import { lensesFor } from '../../src/server/lenses';
import { routesHeading } from '../../src/shared/recommendation';
import { runCli } from '../helpers/cli';
import { fixtureProfiles } from '../helpers/fixtures';
import { assertValidProfile } from '../helpers/schema';
import { MEDIA_DIR, launchChromium } from './report-browser';

let browser: Browser;
const dir = mkdtempSync(path.join(tmpdir(), 'cp-views-'));

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The lens title for the profiled function after a run, as the language server builds it. */
function lensTitle(profile: Profile): string {
  const fn = { qualifiedName: 'work', isAsync: false, startLine: 0, defLine: 0, endLine: 1, parameters: [] };
  const result = { summary: resultSummary(profile), profilePath: '/p.json' };
  const lenses = lensesFor('file:///w/work.py', [fn], new Map([['work', result]]));
  assert.equal(lenses.length, 2);
  return lenses[1]!.command!.title;
}

async function panelView(
  profile: Profile,
  name: string,
): Promise<{ strategy: string; routes: string[]; heading: string }> {
  const file = path.join(dir, `${name.replace(/\W+/g, '_')}.html`);
  await writeExports(profile, { html: file, mediaDir: MEDIA_DIR });
  const page = await browser.newPage();
  try {
    await page.goto(`file://${file}`);
    const strategy = (await page.getByTestId('recommendation-strategy').textContent()) ?? '';
    const routes = await page
      .getByTestId('routes')
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => `${row.getAttribute('data-route')} ${row.querySelector('summary')?.textContent}`),
      );
    const heading = (await page.locator('#routes-heading').textContent()) ?? '';
    return { strategy, routes, heading };
  } finally {
    await page.close();
  }
}

for (const [name, profile] of fixtureProfiles()) {
  test(`${name}: lens, status bar, panel and CLI recommend ${profile.recommendation!.strategy}`, async () => {
    assertValidProfile(profile);
    const rec = profile.recommendation!;
    const named = new RegExp(`(^|[ :])${rec.strategy.replace(/[+.]/g, '\\$&')}( |$)`);

    const lens = lensTitle(profile);
    assert.match(lens, named, `lens: ${lens}`);
    assert.ok(lens.startsWith(profile.verdict!.label), lens);
    assert.equal(statusBarText(profile), `Concurrency: ${lens}`);

    const file = path.join(dir, `${name.replace(/\W+/g, '_')}.profile.json`);
    writeFileSync(file, JSON.stringify(profile));
    const cli = await runCli(['show', file]);
    assert.equal(cli.code, 0, cli.stderr);
    const headline = /^Recommendation: (.*)$/m.exec(cli.stdout)?.[1] ?? '';
    assert.match(headline, named, `CLI: ${headline}`);
    const routeSummary = cli.stdout.slice(cli.stdout.indexOf(`\n${routesHeading(profile)}`)).split('\n');
    const cliRoutes = rec.routes!.map((r) => {
      const line = routeSummary.find((l) => l.startsWith(`  ${r.route} `));
      assert.ok(line?.endsWith(r.reason), `CLI route ${r.route}: ${line}`);
      return `${r.route} ${r.reason}`;
    });

    const panel = await panelView(profile, name);
    assert.equal(panel.strategy, rec.strategy, 'panel');
    assert.deepEqual(panel.routes, cliRoutes, 'the panel lists the routes the CLI prints');
    assert.equal(panel.heading, routesHeading(profile), 'the panel titles the routes as the CLI does');
  });
}
