import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { packProfile, unpackProfile } from '../../src/profiler/export/packedProfile';

const roundTrip = (bytes: Uint8Array) =>
  unpackProfile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

test('a packed profile unpacks to the same profile, odd sample counts and empty strategies included', () => {
  const profile = syntheticProfile({ threads: 3, samplesPerThread: 7 });
  assert.deepEqual(roundTrip(packProfile(profile)), profile);
});

test('int columns take the narrowest width that holds their values, wide values survive', () => {
  const profile = syntheticProfile({ threads: 1, samplesPerThread: 5 });
  const narrow = packProfile(profile).length;
  const wide = structuredClone(profile);
  wide.strategies[1]!.samples.stack = [-1, 40_000, 2_000_000_000, 3, 4];
  wide.strategies[1]!.samples.core = [-1, 300, 0, 1, 1];
  const bytes = packProfile(wide);
  assert.ok(bytes.length > narrow);
  assert.deepEqual(roundTrip(bytes), wide);
});

test('times with at most three decimals travel as microseconds and come back as the same doubles', () => {
  const profile = syntheticProfile({ threads: 1, samplesPerThread: 4 });
  const exact = structuredClone(profile);
  exact.strategies[1]!.samples.t = [21.97, 33.39, 0.001, 2_000_000.125]; // out of order on purpose
  const finer = structuredClone(profile);
  finer.strategies[1]!.samples.t = [21.97, 33.39, 0.0001, 1 / 3];
  const negative = structuredClone(profile);
  negative.strategies[1]!.samples.t = [-5, 0, 5, 10];
  assert.deepEqual(roundTrip(packProfile(exact)), exact);
  assert.deepEqual(roundTrip(packProfile(finer)), finer);
  assert.deepEqual(roundTrip(packProfile(negative)), negative);
  // 4 bytes per time instead of 8 (allowing for the 8-byte block padding).
  assert.ok(packProfile(finer).length - packProfile(exact).length >= 16 - 8);
});

test('anything else is refused', () => {
  assert.throws(() => unpackProfile(new Uint8Array(16).buffer), /not a packed profile/);
});
