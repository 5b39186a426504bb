// The Node runtime's pure pieces: its strategy ids (through the one id parser), V8's source
// position tables, and the 0x tick frames built from a profile's frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zeroXFrame } from '../../src/profiler/export/flamegraph';
import { isNodeSource } from '../../src/profiler/node/runtime';
import { parseNodeStrategy, uvPoolId, UV_DEFAULT_THREADS } from '../../src/profiler/node/strategies';
import { lineOf, parsePositions, sourceOffsetAt } from '../../src/profiler/node/v8Log';
import { upgradeProfile, type Profile } from '../../src/profiler/profile';

test('Node strategy ids: families, pool sizes and the libuv variant', () => {
  assert.deepEqual(parseNodeStrategy('worker-threads', 4), {
    id: 'worker-threads',
    kind: 'worker-threads',
    workers: 4,
    startMethod: null,
    nativeThreads: null,
    interpreter: null,
    uvThreads: null,
  });
  assert.equal(parseNodeStrategy('child-processes-3', 4)?.workers, 3);
  assert.equal(parseNodeStrategy('async+uv-8', 2)?.uvThreads, 8);
  assert.equal(parseNodeStrategy('async+uv-8', 2)?.kind, 'async');
  assert.equal(parseNodeStrategy('serial+uv-16', 2)?.uvThreads, 16);
  for (const bad of [
    'async-2',
    'worker-threads+uv-8',
    'threads',
    'processes-fork',
    'async+uv-0',
    'async+native-1',
    'serial@node18',
  ])
    assert.equal(parseNodeStrategy(bad, 2), null, bad);
  assert.equal(uvPoolId(2), `async+uv-${2 * UV_DEFAULT_THREADS}`);
  assert.equal(uvPoolId(32), 'async+uv-32');
});

test('Node sources are told by their extension', () => {
  for (const file of ['a.js', 'b.mjs', 'c.cjs', 'd.ts', 'e.mts', 'F.JS']) assert.ok(isNodeSource(file), file);
  for (const file of ['a.py', 'b.json', 'c.tsx.py']) assert.ok(!isNodeSource(file), file);
});

test('V8 source positions map a code offset to a 1-based line', () => {
  const pairs = parsePositions('C0O10C4O25C9O40');
  assert.deepEqual(pairs, [
    [0, 10],
    [4, 25],
    [9, 40],
  ]);
  assert.equal(sourceOffsetAt(pairs, 0), 10);
  assert.equal(sourceOffsetAt(pairs, 8), 25);
  assert.equal(sourceOffsetAt(pairs, 100), 40);
  assert.equal(sourceOffsetAt(parsePositions('C5O1'), 2), null);
  const starts = [0, 12, 30]; // "line one\n..." lines start at these offsets
  assert.equal(lineOf(starts, 0), 1);
  assert.equal(lineOf(starts, 11), 1);
  assert.equal(lineOf(starts, 12), 2);
  assert.equal(lineOf(starts, 45), 3);
});

test("0x frames: JavaScript by file:line, V8's own code typed the way 0x colours it", () => {
  assert.deepEqual(zeroXFrame('spin', '/w/spin.js', 3), { name: 'spin /w/spin.js:3:1', type: 'JS' });
  assert.deepEqual(zeroXFrame('(builtin) ArrayMap', '', 0), { name: 'ArrayMap', type: 'CODE', kind: 'Builtin' });
  assert.deepEqual(zeroXFrame('(native) libc.so.6', '', 0), { name: 'libc.so.6', type: 'SHARED_LIB' });
  assert.deepEqual(zeroXFrame('(garbage collection)', '', 0), {
    name: '(garbage collection)',
    type: 'CODE',
    kind: 'VM',
  });
});

test('profiles of format version 1 load as Python runs; unknown versions are refused', () => {
  const v1 = { schemaVersion: 1, workload: {}, strategies: [] } as unknown as Profile;
  const upgraded = upgradeProfile(v1);
  assert.equal(upgraded.runtime, 'python');
  assert.equal(upgraded.schemaVersion, 2);
  const v2 = { schemaVersion: 2, runtime: 'node', workload: {}, strategies: [] } as unknown as Profile;
  assert.equal(upgradeProfile(v2), v2);
  assert.throws(() => upgradeProfile({ schemaVersion: 3 } as unknown as Profile), /format version 3/);
});
