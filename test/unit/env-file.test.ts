// .env files read by the Python extension's rules (--env-file, python.envFile).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { environmentWith, mergeEnv, parseEnvFile } from '../../src/profiler/envFile';
import { UsageError } from '../../src/profiler/python';

describe('parseEnvFile', () => {
  test('NAME=value lines, export prefix, quotes, blanks and comments', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      '  SPACED  =  padded value  ',
      'export EXPORTED=yes',
      "SINGLE='two\\nlines'",
      'DOUBLE="quoted # not a comment"',
      'EMPTY=',
      'not a variable line',
      '1BAD=starts with a digit',
      'WINDOWS=crlf\r',
    ].join('\n');
    assert.deepEqual(parseEnvFile(text, {}), {
      PLAIN: 'value',
      SPACED: 'padded value',
      EXPORTED: 'yes',
      SINGLE: 'two\nlines',
      DOUBLE: 'quoted # not a comment',
      EMPTY: '',
      WINDOWS: 'crlf',
    });
  });

  test('${NAME} takes the file first, then the environment, else empty; \\$ is a dollar', () => {
    const text = ['ROOT=/srv/app', 'DATA=${ROOT}/data', 'HOME_DATA=${HOME}/x', 'NONE=[${MISSING}]', 'COST=\\$5'].join(
      '\n',
    );
    assert.deepEqual(parseEnvFile(text, { HOME: '/home/u', ROOT: '/ignored' }), {
      ROOT: '/srv/app',
      DATA: '/srv/app/data',
      HOME_DATA: '/home/u/x',
      NONE: '[]',
      COST: '$5',
    });
  });

  test('a malformed ${...} leaves the whole value as written', () => {
    assert.deepEqual(parseEnvFile('A=${B:-x} ${HOME}', { HOME: '/h' }), { A: '${B:-x} ${HOME}' });
  });
});

describe('mergeEnv', () => {
  test('file variables override; PATH and PYTHONPATH go before the environment', () => {
    const merged = mergeEnv(
      { API_KEY: 'k', PYTHONPATH: '/proj/lib', PATH: '/proj/bin', LANG: 'C' },
      { LANG: 'en', PATH: '/usr/bin', PYTHONPATH: '/old', KEEP: '1' },
    );
    assert.equal(merged.API_KEY, 'k');
    assert.equal(merged.LANG, 'C');
    assert.equal(merged.KEEP, '1');
    assert.equal(merged.PYTHONPATH, `/proj/lib${delimiter}/old`);
    assert.equal(merged.PATH, `/proj/bin${delimiter}/usr/bin`);
    assert.equal(mergeEnv({ PYTHONPATH: '/p' }, {}).PYTHONPATH, '/p');
  });

  test('environmentWith reads the file; a missing file is a usage error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-env-'));
    writeFileSync(join(dir, '.env'), 'GREETING=hello\n');
    assert.equal(environmentWith(join(dir, '.env'), {}).GREETING, 'hello');
    assert.throws(
      () => environmentWith(join(dir, 'missing.env'), {}),
      (error: Error) => error instanceof UsageError && error.message.includes(join(dir, 'missing.env')),
    );
  });
});
