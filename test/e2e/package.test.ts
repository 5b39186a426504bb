// The .vsix users install: `vsce package --no-dependencies` runs without questions and the
// package holds only the bundles, the engine's Python files, its Node harness and 0x's flame
// graph, the webview assets and the docs: no native binary (esbuild's stays a build tool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from './codeServer';

const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/[^/]+\.js$/,
  /^extension\/dist\/python\/.+\.py$/,
  /^extension\/dist\/node\/[^/]+\.js$/,
  /^extension\/dist\/0x\/[^/]+\.(js|css)$/,
  /^extension\/media\/[^/]+\.(js|css|png)$/,
];

test('vsce packages the extension non-interactively into a small .vsix of shipped files only', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-vsix-'));
  const vsix = path.join(dir, 'extension.vsix');
  execFileSync(
    process.execPath,
    [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix],
    {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(
    files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file))),
    [],
  );
  for (const needed of [
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/cli.js',
    'extension/dist/node/cp_node_harness.js',
    'extension/dist/node/cp_node_preload.js',
    'extension/dist/node/cp_node_typescript.js',
    'extension/dist/0x/visualizer.js',
    'extension/dist/0x/loading-stacks.js',
    'extension/media/webview.js',
    'extension/readme.md',
    'extension/LICENSE.txt',
  ]) {
    assert.ok(files.includes(needed), `${needed} is in the package`);
  }
  assert.ok(
    files.some((file) => file.startsWith('extension/dist/python/')),
    'the engine Python files are in the package',
  );
  assert.deepEqual(
    files.filter((file) => /\.(node|wasm|so|dylib|dll|exe)$/.test(file)),
    [],
    'no native binary: TypeScript is stripped by sucrase, pure JavaScript',
  );
  const typescript = execFileSync('unzip', ['-p', vsix, 'extension/dist/node/cp_node_typescript.js'], {
    encoding: 'utf8',
  });
  assert.ok(typescript.startsWith('// TypeScript loader: sucrase'), 'the TypeScript loader is sucrase');
  assert.ok(!/@esbuild\/|esbuild-wasm|require\(["']esbuild["']\)/.test(typescript), 'esbuild is not in it');
  const size = statSync(vsix).size;
  assert.ok(size < 3 * 1024 * 1024, `the .vsix is ${size} bytes`);
  rmSync(dir, { recursive: true });
});
