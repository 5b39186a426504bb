// "Compare interpreters...": the list comes from the real CLI (dist/cli.js, `interpreters --json`)
// run the way the extension runs it; the quick pick items from that list.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { interpreterChoices, listInterpreters } from '../../src/extension/interpreterChoices';
import type { InterpreterListing } from '../../src/profiler/interpreterListing';

const cliPath = path.resolve(__dirname, '../../dist/cli.js');

const about = (implementation: string, version: string, freeThreaded = false) => ({
  executable: '',
  version,
  implementation,
  freeThreaded,
  gil: !freeThreaded,
  subinterpreters: false,
  distributed: false,
});

const LISTING: InterpreterListing = {
  main: { name: 'python3.11', about: about('CPython', '3.11.2') },
  mainError: null,
  found: [
    {
      name: 'pypy3.9',
      executable: '/usr/bin/pypy3',
      source: 'PATH',
      about: about('PyPy', '3.9.16'),
      unusable: null,
      auto: true,
      byDefault: true,
    },
    {
      name: 'python3.13t',
      executable: '/u/python3.13t',
      source: 'uv',
      about: about('CPython', '3.13.1', true),
      unusable: null,
      auto: true,
      byDefault: true,
    },
    {
      name: 'python3.12',
      executable: '/p/python3.12',
      source: 'pyenv',
      about: about('CPython', '3.12.1'),
      unusable: null,
      auto: true,
      byDefault: false,
    },
    {
      name: null,
      executable: '/p/python3.7',
      source: 'pyenv',
      about: about('CPython', '3.7.16'),
      unusable: 'Python 3.7.16 is older than 3.8',
      auto: false,
      byDefault: false,
    },
  ],
};

test('one item per usable interpreter; first use picks what the default measures, then what was picked', () => {
  const first = interpreterChoices(LISTING, undefined);
  assert.deepEqual(
    first.map((c) => [c.label, c.picked]),
    [
      ['pypy3.9', true],
      ['python3.13t', true],
      ['python3.12', false],
    ],
  );
  assert.equal(first[1]!.description, 'CPython 3.13.1 free-threaded · measured by default');
  assert.equal(first[2]!.detail, '/p/python3.12 (pyenv)');
  const again = interpreterChoices(LISTING, ['/p/python3.12']);
  assert.deepEqual(
    again.filter((c) => c.picked).map((c) => c.executable),
    ['/p/python3.12'],
  );
});

test('the real CLI lists the main interpreter and what it finds, with the editor-known ones', async () => {
  const listing = await listInterpreters(cliPath, '/usr/bin/python3', ['/usr/bin/python3']);
  assert.equal(listing.mainError, null);
  assert.match(listing.main!.name, /^python3\.\d+$/);
  for (const f of listing.found) {
    assert.ok(f.executable.length > 0);
    if (f.unusable === null) assert.ok(f.name, JSON.stringify(f));
  }
  assert.ok(!listing.found.some((f) => f.executable === '/usr/bin/python3'), 'the main interpreter is not among them');
  const broken = await listInterpreters(cliPath, '/nonexistent/python', []);
  assert.equal(broken.main, null);
  assert.match(broken.mainError!, /not found/);
});
