import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { syntheticProfile } from '../helpers/syntheticProfile';
import {
  ProfileFormatError,
  newProfilePath,
  parseProfile,
  pruneProfiles,
  readProfile,
} from '../../src/extension/profileStore';

const folder = (): string => mkdtempSync(path.join(tmpdir(), 'profiles-'));

test('profile paths are named by time, file and function, with unsafe characters replaced', async () => {
  const dir = path.join(folder(), 'nested');
  const file = await newProfilePath(dir, '/w/my work.py', 'Cls.<img src=x>', new Date('2026-11-25T13:40:05.123Z'));
  assert.equal(file, path.join(dir, '2026-11-25T13-40-05-123Z.my_work.Cls._img_src_x_.profile.json'));
  assert.equal(
    path.basename(await newProfilePath(dir, '/w/run.py', null, new Date(0))),
    '1970-01-01T00-00-00-000Z.run.script.profile.json',
  );
});

test('pruning keeps the newest twenty profiles and nothing else is touched', async () => {
  const dir = folder();
  for (let i = 0; i < 25; i++) {
    writeFileSync(await newProfilePath(dir, '/w/a.py', 'f', new Date(Date.UTC(2026, 0, 1, 0, 0, i))), '{}');
  }
  writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
  await pruneProfiles(dir);
  const left = readdirSync(dir).sort();
  assert.equal(left.length, 21);
  assert.equal(left[0], '2026-01-01T00-00-05-000Z.a.f.profile.json');
  assert.ok(left.includes('notes.txt'));
});

test('a saved profile reads back whole', async () => {
  const file = path.join(folder(), 'p.json');
  const profile = syntheticProfile();
  writeFileSync(file, JSON.stringify(profile));
  assert.deepEqual(await readProfile(file), profile);
});

test('files that are not profiles are refused with the reason', () => {
  assert.throws(
    () => parseProfile('{"a":'),
    (e: unknown) => e instanceof ProfileFormatError && /^not JSON/.test(e.message),
  );
  assert.throws(
    () => parseProfile('{"schemaVersion":1}'),
    (e: unknown) => e instanceof ProfileFormatError && /not a concurrency profile/.test(e.message),
  );
  assert.throws(() => parseProfile('[]'), ProfileFormatError);
});
