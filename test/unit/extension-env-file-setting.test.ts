// python.envFile resolved as the Python extension resolves it.
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { test } from 'node:test';
import { resolveEnvFileSetting } from '../../src/extension/envFileSetting';

test('unset: ${workspaceFolder}/.env', () => {
  assert.equal(resolveEnvFileSetting(undefined, '/w s', {}), '/w s/.env');
  assert.equal(resolveEnvFileSetting('  ', '/w s', {}), '/w s/.env');
});

test('variables, relative paths and what cannot be resolved', () => {
  const env = { STAGE: 'dev' };
  assert.equal(resolveEnvFileSetting('${workspaceRoot}/env/${env:STAGE}.env', '/w', env), '/w/env/dev.env');
  assert.equal(resolveEnvFileSetting('${workspaceFolderBasename}.env', '/p/app', env), '/p/app/app.env');
  assert.equal(resolveEnvFileSetting('${userHome}/.env', '/w', env), `${homedir()}/.env`);
  assert.equal(resolveEnvFileSetting('config/.env', '/w', env), '/w/config/.env');
  assert.equal(resolveEnvFileSetting('/abs/../x.env', '/w', env), '/x.env');
  // No workspace folder, or a variable only VS Code's own resolver knows: not used.
  assert.equal(resolveEnvFileSetting(undefined, null, env), null);
  assert.equal(resolveEnvFileSetting('${command:pick}/.env', '/w', env), null);
});
