import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { buildHtmlReport, escapeJsonForScript } from '../../src/profiler/export/html';
import { writeExports } from '../../src/profiler/export/index';
import { pickStrategy } from '../../src/profiler/export/strategy';
import { PROFILE_PACKED_TYPE } from '../../src/shared/webviewProtocol';
import { unpackProfile } from '../../src/profiler/export/packedProfile';

const assets = { js: 'console.log("webview")', css: 'body{}' };

test('profile JSON cannot close its script tag', () => {
  const text = escapeJsonForScript(JSON.stringify({ name: '</script><script>alert(1)</script>' }));
  assert.ok(!text.includes('</script'));
  assert.deepEqual(JSON.parse(text), { name: '</script><script>alert(1)</script>' });
});

test('the report forbids every network load and inlines script, style and profile', () => {
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 10 });
  const html = buildHtmlReport(profile, assets);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
  assert.match(csp, /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'; img-src data:$/);
  assert.ok(html.includes('console.log("webview")') && html.includes('body{}'));
  const json = /<script type="application\/json" id="profile-data">([^<]*)<\/script>/.exec(html)![1]!;
  assert.deepEqual(JSON.parse(json), profile);
  const withoutProfile = html.slice(0, html.indexOf(json)) + html.slice(html.indexOf(json) + json.length);
  assert.ok(!/src=|href=/.test(withoutProfile));
});

test('big profiles are inlined packed and gzip-compressed, and decode to the same profile', () => {
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 10 });
  const html = buildHtmlReport(profile, assets, 100);
  const open = `<script type="${PROFILE_PACKED_TYPE}" id="profile-data">`;
  const payload = html.slice(html.indexOf(open) + open.length, html.indexOf('</script>', html.indexOf(open)));
  assert.match(payload, /^[A-Za-z0-9+/=]+$/);
  const bytes = gunzipSync(Buffer.from(payload, 'base64'));
  assert.deepEqual(unpackProfile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), profile);
});

test('a bundle that could close its own tag is refused', () => {
  assert.throws(() => buildHtmlReport(syntheticProfile(), { js: 'x = "</script>"', css: '' }), /cannot be inlined/);
});

test('default strategy: asked, else recommended when measured and not serial, else most threads', () => {
  const profile = syntheticProfile({ threads: 3 });
  assert.equal(pickStrategy(profile, 'serial').id, 'serial');
  assert.equal(profile.recommendation!.strategy, 'serial'); // threads-3 ran at 0.9x
  assert.equal(pickStrategy(profile).id, 'threads-3', 'where the contention shows');
  profile.recommendation!.strategy = 'processes-spawn'; // measured (it failed here, but it is a run)
  assert.equal(pickStrategy(profile).id, 'processes-spawn');
  profile.recommendation!.strategy = 'gpu'; // an unmeasured route
  assert.equal(pickStrategy(profile).id, 'threads-3');
  assert.throws(() => pickStrategy(profile, 'nope'), /No strategy 'nope'.*serial, threads-3, processes-spawn/);
});

test('writeExports writes each asked-for file and returns the paths', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-exports-'));
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 20 });
  const files = {
    speedscope: path.join(dir, 'a.speedscope.json'),
    collapsed: path.join(dir, 'sub', 'c.txt'),
    html: path.join(dir, 'r.html'),
  };
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'cp-media-'));
  writeFileSync(path.join(mediaDir, 'webview.js'), assets.js);
  writeFileSync(path.join(mediaDir, 'webview.css'), assets.css);
  const written = await writeExports(profile, { ...files, strategy: 'threads-2', mediaDir });
  assert.deepEqual(written, [files.speedscope, files.collapsed, files.html]);
  assert.equal(JSON.parse(readFileSync(files.speedscope, 'utf8')).profiles.length, 2);
  assert.match(readFileSync(files.collapsed, 'utf8'), /^worker \(word_stats\.py:10\)/m);
  assert.match(readFileSync(files.html, 'utf8'), /^<!DOCTYPE html>/);
});

test('a flame graph page of a strategy without stack samples is refused, and nothing is written', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-exports-'));
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 20 });
  const strategy = profile.strategies.find((s) => s.id === 'threads-2')!;
  strategy.samples.stack = strategy.samples.stack.map(() => -1);
  const page = path.join(dir, 'p.flamegraph.html');
  await assert.rejects(
    writeExports(profile, { flamegraphPage: page, strategy: 'threads-2' }),
    /threads-2 has no stack samples: no flame graph to draw/,
  );
  assert.deepEqual(readdirSync(dir), []);
});
