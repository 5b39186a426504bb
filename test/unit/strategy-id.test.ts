import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStrategyId, parseStrategyId, withStrategyParts } from '../../src/shared/strategyId';

test('every part of family[-N][+variant][@interpreter] is read', () => {
  assert.deepEqual(parseStrategyId('threads-16'), { family: 'threads', workers: 16, variant: null, interpreter: null });
  assert.deepEqual(parseStrategyId('processes-fork+native-1'), {
    family: 'processes-fork',
    workers: null,
    variant: 'native-1',
    interpreter: null,
  });
  assert.deepEqual(parseStrategyId('processes-forkserver-4+native-1@python3.13t'), {
    family: 'processes-forkserver',
    workers: 4,
    variant: 'native-1',
    interpreter: 'python3.13t',
  });
  assert.deepEqual(parseStrategyId('serial@pypy3.9'), {
    family: 'serial',
    workers: null,
    variant: null,
    interpreter: 'pypy3.9',
  });
  assert.deepEqual(parseStrategyId('script+processes'), {
    family: 'script',
    workers: null,
    variant: 'processes',
    interpreter: null,
  });
  assert.deepEqual(parseStrategyId('async+uv-8'), {
    family: 'async',
    workers: null,
    variant: 'uv-8',
    interpreter: null,
  });
  assert.deepEqual(parseStrategyId('dask-local-2'), {
    family: 'dask-local',
    workers: 2,
    variant: null,
    interpreter: null,
  });
});

test('ids outside the grammar are refused', () => {
  for (const id of [
    '',
    'Threads',
    'threads-0',
    'threads-',
    'threads--2',
    '-threads',
    'threads+',
    'serial@',
    'a b',
    '4',
  ])
    assert.equal(parseStrategyId(id), null, JSON.stringify(id));
});

test('formatting is the inverse of parsing', () => {
  for (const id of [
    'serial',
    'threads-16',
    'processes-fork+native-1',
    'serial@pypy3.9',
    'threads-2+native-1@python3.12-2',
  ])
    assert.equal(formatStrategyId(parseStrategyId(id)!), id);
  assert.equal(withStrategyParts('threads+native-1', { interpreter: 'pypy3.9' }), 'threads+native-1@pypy3.9');
  assert.equal(withStrategyParts('processes-fork-4', { workers: null }), 'processes-fork');
});
