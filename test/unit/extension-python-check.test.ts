import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkPython } from '../../src/extension/pythonCheck';

test('python3 on PATH is found with its absolute path and version', async () => {
  const result = await checkPython('python3');
  assert.ok(result.ok, JSON.stringify(result));
  assert.ok(path.isAbsolute(result.python.executable));
  assert.match(result.python.version, /^3\.\d+\.\d+$/);
});

test('a missing interpreter is reported as not found', async () => {
  const result = await checkPython('/nonexistent/python9');
  assert.deepEqual(result, { ok: false, reason: '/nonexistent/python9: not found' });
});

test('an interpreter older than 3.8 is refused with its version', async () => {
  // A stand-in that answers the probe like Python 3.6 would.
  const dir = mkdtempSync(path.join(tmpdir(), 'old-python-'));
  const fake = path.join(dir, 'python3.6');
  writeFileSync(fake, `#!/bin/sh\necho ${fake}\necho 3.6.15\necho False\n`);
  chmodSync(fake, 0o755);
  const result = await checkPython(fake);
  assert.deepEqual(result, { ok: false, reason: `${fake}: Python 3.6.15 is too old (3.8 or newer is needed)` });
});

test('a program that is not Python is refused', async () => {
  const result = await checkPython('/bin/false');
  assert.equal(result.ok, false);
});
