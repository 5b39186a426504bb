// Thousands of generated hostile inputs, in bounded time:
// - profiles: a real recorded profile damaged at random (fields deleted or retyped, indexes out of
//   range, stack parents rewired into cycles, numbers made huge or negative, text cut or corrupted).
//   The loader must refuse each with a ProfileFormatError, or accept it; and whatever it accepts, every
//   reader of a loaded profile (exports, the webview's models, source heat) must handle without throwing.
// - webview messages: random values and crafted paths. The handler must never throw, accept only the
//   shapes of the protocol, and never let "open source" reach a file the shown profile does not name.
// The generator is seeded: a failure names its seed and input number, and replays.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  filesNamedIn,
  isPlainLocalPath,
  openSourceRefusal,
  parseWebviewMessage,
} from '../../src/extension/webviewMessages';
import { profileMessage } from '../../src/extension/profileMessage';
import { sourceHeat } from '../../src/extension/sourceHeat';
import { packProfile, toChromeTrace, toCollapsed, toSpeedscope } from '../../src/profiler/export/index';
import { unpackProfile } from '../../src/profiler/export/packedProfile';
import type { Profile } from '../../src/profiler/profile';
import { parseProfile, ProfileFormatError } from '../../src/profiler/profileLoader';
import { callTree, coreLanes, flameGraphRows, functionStats, threadLanes } from '../../src/webview/model';
import { loadRecorded, recordedCases } from '../helpers/recorded';
import { rng } from '../helpers/syntheticProfile';
import { tally } from './tally';

const SEED = Number(process.env.CP_FUZZ_SEED ?? 12);
const PROFILE_INPUTS = 2_000;
const MESSAGE_INPUTS = 5_000;
/** One input taking longer than this counts as a hang (the largest here parse in milliseconds). */
const INPUT_BUDGET_MS = 2_000;
/** The whole fuzz of one kind stops early past this, so the suite's time stays bounded. */
const TOTAL_BUDGET_MS = 120_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HOSTILE_VALUES: Json[] = [
  null,
  true,
  -1,
  0,
  1.5,
  2 ** 31,
  -(2 ** 53),
  1e308,
  '',
  'x'.repeat(1000),
  '\u001b]0;pwned\u0007',
  '../../etc/passwd',
  '\\\\server\\share\\x.py',
  [],
  [-1, 1e9],
  {},
  { __proto__: null } as unknown as Json,
];

/** Every (container, key) pair of a JSON value, found by walking it. */
function slots(root: Json): [Json[] | Record<string, Json>, string | number][] {
  const found: [Json[] | Record<string, Json>, string | number][] = [];
  const walk = (value: Json): void => {
    if (Array.isArray(value)) {
      // Long columns: a few positions stand for all of them.
      const step = Math.max(1, Math.floor(value.length / 8));
      for (let i = 0; i < value.length; i += step) {
        found.push([value, i]);
        walk(value[i]!);
      }
    } else if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        found.push([value, key]);
        walk(value[key]!);
      }
    }
  };
  walk(root);
  return found;
}

function damage(base: string, rand: () => number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;
  const kind = rand();
  if (kind < 0.15) {
    // Text-level: cut short, a byte changed, or junk inserted.
    const at = Math.floor(rand() * base.length);
    if (kind < 0.05) return base.slice(0, at);
    if (kind < 0.1) return base.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + base.slice(at + 1);
    return base.slice(0, at) + pick(['{', ']', '"', ',', 'null', '1e999']) + base.slice(at);
  }
  const value = JSON.parse(base) as Json & Record<string, Json>;
  const count = 1 + Math.floor(rand() * 3);
  for (let n = 0; n < count; n++) {
    const strategies = value.strategies as unknown as Profile['strategies'];
    if (kind < 0.35 && strategies.length > 0) {
      // Structural: indexes and stack parents, where the schema cannot help.
      const s = pick(strategies);
      const column = pick([
        s.stacks.parent,
        s.stacks.frame,
        s.samples.thread,
        s.samples.stack,
        s.samples.state,
        s.samples.core,
        s.tasks.thread,
      ]);
      if (column.length === 0) continue;
      const i = Math.floor(rand() * column.length);
      column[i] = pick([-2, -1, 0, i, i + 1, column.length, column.length + 100, 2 ** 31, 0.5]);
      if (rand() < 0.2) column.pop(); // uneven columns
      continue;
    }
    const [container, key] = pick(slots(value));
    const action = rand();
    if (action < 0.3) {
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
    } else if (action < 0.8) (container as Record<string, Json>)[key] = pick(HOSTILE_VALUES);
    else {
      // Duplicate a subtree elsewhere: valid pieces in the wrong places.
      const [other, otherKey] = pick(slots(value));
      (container as Record<string, Json>)[key] = structuredClone((other as Record<string, Json>)[otherKey] ?? null);
    }
  }
  return JSON.stringify(value);
}

/** Everything that reads a loaded profile: the CLI's exports and the extension's views. */
function readEverything(profile: Profile): void {
  for (const strategy of profile.strategies) {
    toCollapsed(strategy);
    toSpeedscope(profile, strategy);
    toChromeTrace(profile, strategy);
    flameGraphRows(callTree(strategy), 5);
    functionStats(strategy);
    threadLanes(strategy, profile.settings.sampleHz);
    coreLanes(strategy, profile.settings.sampleHz, profile.machine.logicalCores);
  }
  const bytes = packProfile(profile);
  unpackProfile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  profileMessage(profile, null);
  sourceHeat(profile);
}

describe('fuzz', () => {
  const loaderTitle = `the profile loader and every reader of what it accepts: ${PROFILE_INPUTS} damaged profiles`;
  test(`${loaderTitle} (seed ${SEED})`, () => {
    const entries = recordedCases();
    assert.ok(entries.length > 0, 'no recorded profile to start from');
    // The smallest recorded profiles: each input is parsed and checked whole, so size is time.
    const bases = entries
      .map((entry) => JSON.stringify(loadRecorded(entry)))
      .sort((a, b) => a.length - b.length)
      .slice(0, 2);
    const rand = rng(SEED);
    const started = Date.now();
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < PROFILE_INPUTS && Date.now() - started < TOTAL_BUDGET_MS; n++) {
      const text = damage(bases[n % bases.length]!, rand);
      const t0 = Date.now();
      let profile: Profile | null = null;
      try {
        profile = parseProfile(text);
        accepted++;
        readEverything(profile);
      } catch (error) {
        if (profile === null && error instanceof ProfileFormatError) refused++;
        else {
          tally.crashes++;
          assert.fail(
            `input ${n} (seed ${SEED}) ` +
              `${profile ? 'was accepted, then a reader threw' : 'made the loader throw'}: ${(error as Error).stack}`,
          );
        }
      } finally {
        tally.inputsTried++;
      }
      const took = Date.now() - t0;
      if (took > INPUT_BUDGET_MS) {
        tally.hangs++;
        assert.fail(`input ${n} (seed ${SEED}) took ${took} ms`);
      }
    }
    console.log(
      `profile fuzz: ${accepted + refused} inputs in ${Date.now() - started} ms, ` +
        `${refused} refused, ${accepted} accepted and read`,
    );
    assert.ok(refused > 0 && accepted > 0, 'the mutations reach both sides');
  });

  test(`the webview message handler: ${MESSAGE_INPUTS} generated messages (seed ${SEED})`, () => {
    const profile = loadRecorded(recordedCases()[0]!);
    const named = filesNamedIn(profile);
    const realFiles = [...named];
    const rand = rng(SEED + 1);
    const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;
    const paths = [
      ...realFiles,
      ...realFiles.map((f) => `${f}/../../../etc/passwd`),
      ...realFiles.map((f) => `file://${f}`),
      ...realFiles.map((f) => `${f}\0.png`),
      ...realFiles.map((f) => `//${f}`),
      '/etc/passwd',
      '\\\\evil\\share\\x.py',
      '//evil/share/x.py',
      '\\\\?\\C:\\x.py',
      'C:\\Windows\\win.ini',
      'relative.py',
      'command:workbench.action.terminal.new',
      '',
    ];
    const started = Date.now();
    let opened = 0;
    for (let n = 0; n < MESSAGE_INPUTS && Date.now() - started < TOTAL_BUDGET_MS; n++) {
      const type = pick(['ready', 'openSource', 'export', 'copy', 'unknown', '__proto__', 42, null]);
      const candidate: Record<string, unknown> = { type };
      for (const field of ['file', 'line', 'format', 'strategy', 'text'])
        if (field === 'file' && rand() < 0.7) candidate.file = pick(paths);
        else if (rand() < 0.8)
          candidate[field] = pick([
            pick(paths),
            Math.floor(rand() * 1e4) - 10,
            rand(),
            pick(['html', 'trace', 'speedscope', 'collapsed', 'pdf']),
            pick(profile.strategies).id,
            null,
            [],
            {},
            'x'.repeat(Math.floor(rand() * 5000)),
          ]);
      const value = rand() < 0.05 ? pick([null, 7, 'ready', [candidate], candidate]) : candidate;
      let message;
      try {
        message = parseWebviewMessage(value);
      } catch (error) {
        tally.crashes++;
        assert.fail(`message ${n} (seed ${SEED + 1}) made the handler throw: ${(error as Error).stack}`);
      } finally {
        tally.inputsTried++;
      }
      if (message?.type === 'openSource' && openSourceRefusal(message.file, profile, named) === null) {
        opened++;
        assert.ok(named.has(message.file) && isPlainLocalPath(message.file), `opened ${JSON.stringify(message.file)}`);
        assert.ok(Number.isInteger(message.line) && message.line >= 0);
      }
      if (message?.type === 'export') assert.ok(['html', 'trace', 'speedscope', 'collapsed'].includes(message.format));
    }
    console.log(`webview message fuzz: ${opened} "open source" requests for the profile's own files allowed`);
    assert.ok(opened > 0, 'real files of the profile still open');
  });
});
