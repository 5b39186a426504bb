// Whose code a frame is, from its path alone: the same profile reads the same on any machine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameOrigin, isUserFrame } from '../../src/shared/frames';

test('the thread, process and event-loop machinery of the standard library is the runtime', () => {
  for (const file of [
    '/usr/lib/python3.11/threading.py',
    '/usr/lib/python3.11/concurrent/futures/thread.py',
    '/root/.pyenv/versions/3.11.7/lib/python3.11/asyncio/base_events.py',
    '/usr/lib/python3.13t/multiprocessing/pool.py',
    '/usr/lib/pypy3.10/queue.py',
    'C:\\Python311\\Lib\\threading.py',
    '<frozen runpy>',
    '/opt/ext/dist/python/cp_worker.py',
  ])
    assert.equal(frameOrigin(file), 'runtime', file);
});

test('the rest of the standard library and installed packages are libraries; everything else is yours', () => {
  for (const file of [
    '/usr/lib/python3.11/collections/__init__.py',
    '/usr/lib/python3/dist-packages/numpy/core/_methods.py',
    '/home/me/.venv/lib/python3.12/site-packages/requests/api.py',
    '<string>',
    '<frozen importlib._bootstrap>',
  ])
    assert.equal(frameOrigin(file), 'library', file);
  for (const file of ['/home/me/app/threading.py', '/w/work.py', 'C:\\Users\\me\\app\\queue.py'])
    assert.equal(frameOrigin(file), 'user', file);
});

test('the profiled file is the user’s even inside site-packages', () => {
  const file = '/venv/lib/python3.11/site-packages/mypkg/work.py';
  assert.equal(isUserFrame(file, file), true);
  assert.equal(isUserFrame(file, '/w/other.py'), false);
});
