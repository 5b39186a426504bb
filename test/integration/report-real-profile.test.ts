// Every export and the HTML report from a real profile: the CLI profiles a small CPU-bound
// function under serial and threads with /usr/bin/python3 and writes them all.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Ajv from 'ajv';
import type { Browser } from 'playwright-core';
import type { Profile } from '../../src/profiler/profile';
import type { SpeedscopeFile } from '../../src/profiler/export/speedscope';
import type { TraceFile } from '../../src/profiler/export/trace';
import { launchChromium } from './report-browser';

const root = path.join(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'cp-real-'));
const out = {
  profile: path.join(dir, 'p.json'),
  speedscope: path.join(dir, 'p.speedscope.json'),
  trace: path.join(dir, 'p.trace.json'),
  collapsed: path.join(dir, 'p.collapsed.txt'),
  html: path.join(dir, 'p.html'),
};
let profile: Profile;
let browser: Browser;

before(async () => {
  const fixture = path.join(dir, 'spin.py');
  writeFileSync(
    fixture,
    'def spin(n=150_000):\n    total = 0\n    for i in range(n):\n        total += i * i % 7\n    return total\n',
  );
  execFileSync(
    process.execPath,
    [
      path.join(root, 'dist', 'cli.js'),
      'profile',
      fixture,
      '--function',
      'spin',
      '--args',
      '[(1_500_000,)] * 4', // ~0.6 s a run: a held-up sampler (loaded CI) still sees spin
      '--strategies',
      'serial,threads',
      '--workers',
      '2',
      '--python',
      '/usr/bin/python3',
      '--out',
      out.profile,
      '--speedscope',
      out.speedscope,
      '--trace',
      out.trace,
      '--collapsed',
      out.collapsed,
      '--html',
      out.html,
      '--strategy',
      'threads',
    ],
    { stdio: 'pipe', timeout: 120_000 },
  );
  profile = JSON.parse(readFileSync(out.profile, 'utf8'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

const threadsRun = (): Profile['strategies'][number] => profile.strategies.find((s) => s.id === 'threads')!;

test('speedscope export of a real run validates and has one profile per thread', () => {
  const schema = JSON.parse(readFileSync(require.resolve('speedscope/dist/release/file-format-schema.json'), 'utf8'));
  const file: SpeedscopeFile = JSON.parse(readFileSync(out.speedscope, 'utf8'));
  const validate = new Ajv({ strict: false }).compile(schema);
  assert.ok(validate(file), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(file.profiles.length, threadsRun().threads.length);
  assert.ok(file.shared.frames.some((f) => f.name === 'spin'));
});

test('trace and collapsed exports of a real run name the workload function', () => {
  const trace: TraceFile = JSON.parse(readFileSync(out.trace, 'utf8'));
  assert.ok(trace.traceEvents.some((e) => e.cat === 'python' && e.name === 'spin'));
  assert.ok(trace.traceEvents.some((e) => e.cat === 'state' && e.name === 'running'));
  assert.equal(trace.otherData.strategy, 'threads');
  assert.match(readFileSync(out.collapsed, 'utf8'), /;spin \(spin\.py:1\) \d+$/m);
});

test('the HTML report of a real run opens offline with a lane per core and every strategy', async () => {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${out.html}`);
  await page.getByTestId('strategy-left').selectOption('threads');
  const lanes = page.getByTestId('per-core-lanes');
  await lanes.waitFor();
  assert.equal(await lanes.getAttribute('data-lanes'), String(profile.machine.logicalCores));
  const rows = await page.getByTestId('strategy-table').locator('tbody th').allTextContents();
  assert.deepEqual(rows, ['serial', 'threads']);
  assert.ok(((await page.getByTestId('verdict-label').textContent()) ?? '').length > 0);
  assert.deepEqual(requests, [`file://${out.html}`]);
  assert.deepEqual(errors, []);
  await page.close();
});
