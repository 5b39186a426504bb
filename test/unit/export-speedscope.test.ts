import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Ajv from 'ajv';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { pickStrategy } from '../../src/profiler/export/strategy';
import { toSpeedscope } from '../../src/profiler/export/speedscope';

const schema = JSON.parse(readFileSync(require.resolve('speedscope/dist/release/file-format-schema.json'), 'utf8'));

test('speedscope export validates against the schema shipped with speedscope', () => {
  const profile = syntheticProfile({ threads: 3, samplesPerThread: 50 });
  const file = toSpeedscope(profile, pickStrategy(profile, 'threads-3'));
  const validate = new Ajv({ strict: false }).compile(schema);
  assert.ok(validate(file), JSON.stringify(validate.errors?.slice(0, 3)));
});

test('speedscope export holds one profile per thread with every sample, root frame first', () => {
  const profile = syntheticProfile({ threads: 3, samplesPerThread: 50 });
  const strategy = pickStrategy(profile, 'threads-3');
  const file = toSpeedscope(profile, strategy);
  assert.equal(file.profiles.length, 3);
  for (const p of file.profiles) {
    assert.equal(p.samples.length, 50);
    assert.equal(p.weights.length, 50);
    assert.ok(p.weights.every((w) => w === 5));
  }
  const first = file.profiles[0]!;
  const withStack = first.samples.find((s) => s.length > 1)!;
  assert.equal(file.shared.frames[withStack[0]!]!.name, 'worker');
  assert.equal(file.shared.frames[withStack[1]!]!.name, 'count_words');
  assert.ok(first.name.includes('ThreadPoolExecutor-0_0'));
});

test('samples without a Python stack keep their time under a frame named after their state', () => {
  const profile = syntheticProfile({ threads: 1, samplesPerThread: 5 });
  const strategy = pickStrategy(profile, 'threads-1');
  strategy.samples.stack[2] = -1;
  strategy.samples.state[2] = 4; // io
  const file = toSpeedscope(profile, strategy);
  const sample = file.profiles[0]!.samples[2]!;
  assert.equal(sample.length, 1);
  assert.equal(file.shared.frames[sample[0]!]!.name, '[io, no Python stack]');
});
