import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { profileMessage } from '../../src/extension/profileMessage';
import { COMPRESS_ABOVE_BYTES } from '../../src/profiler/export/html';
import { unpackProfile } from '../../src/profiler/export/packedProfile';

test('an ordinary profile is posted as the object itself', () => {
  const profile = syntheticProfile();
  assert.ok(JSON.stringify(profile).length <= COMPRESS_ABOVE_BYTES);
  assert.deepEqual(profileMessage(profile, '/p/a.profile.json'), {
    type: 'profile',
    profile,
    source: '/p/a.profile.json',
  });
});

test("a profile above the HTML report's packing size is posted packed, and unpacks to the same profile", () => {
  const profile = syntheticProfile({ threads: 8, samplesPerThread: 30_000 });
  assert.ok(JSON.stringify(profile).length > COMPRESS_ABOVE_BYTES, 'the test profile is not big enough');
  const message = profileMessage(profile, null);
  assert.equal(message.type, 'packedProfile');
  if (message.type !== 'packedProfile') return;
  assert.equal(message.source, null);
  const { data } = message;
  assert.deepEqual(
    unpackProfile(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer),
    profile,
  );
});
