// Talks to the built language server (dist/server.js) over stdio, as an editor would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-languageserver/node';
import { sha256 } from '../../src/server/runResults';
import {
  OPEN_PROFILE_COMMAND,
  PROFILE_FUNCTION_COMMAND,
  RunResultNotification,
  SettingsNotification,
  type RunResult,
} from '../../src/shared/serverProtocol';

interface Lens {
  range: { start: { line: number } };
  command: { title: string; command: string; arguments: unknown[] };
}

const server = spawn(process.execPath, [path.resolve(__dirname, '../../dist/server.js'), '--stdio'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const connection = createMessageConnection(
  new StreamMessageReader(server.stdout),
  new StreamMessageWriter(server.stdin),
);
let refreshes = 0;
connection.onRequest('workspace/codeLens/refresh', () => {
  refreshes++;
  return null;
});
connection.listen();
after(() => {
  connection.dispose();
  server.kill();
});

const dir = mkdtempSync(path.join(tmpdir(), 'server-lenses-'));
const file = path.join(dir, 'work.py');
const uri = pathToFileURL(file).toString();
const source =
  'import time\n\ndef crunch(n):\n    return n\n\nclass Job:\n    def run(self):\n ' +
  '       pass\n\ndef broken(:\n    pass\n\nasync def fetch():\n    pass\n';
writeFileSync(file, source);
let version = 1;

const lenses = (): Promise<Lens[]> => connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
const titlesByLine = (all: Lens[]): Array<[number, string]> => all.map((l) => [l.range.start.line, l.command.title]);
const edit = (text: string): Promise<void> =>
  connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: ++version },
    contentChanges: [{ text }],
  });
const sendResult = (result: RunResult): Promise<void> => connection.sendNotification(RunResultNotification, result);
const sendLensSetting = (codeLensEnabled: boolean): Promise<void> =>
  connection.sendNotification(SettingsNotification, { codeLensEnabled });

test('initializes with a lens provider and incremental sync', async () => {
  const result = await connection.sendRequest<{
    capabilities: { codeLensProvider: unknown; textDocumentSync: number };
  }>('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { codeLens: { refreshSupport: true } } },
    initializationOptions: { codeLensEnabled: true },
  });
  assert.deepEqual(result.capabilities.codeLensProvider, { resolveProvider: false });
  assert.equal(result.capabilities.textDocumentSync, 2);
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'python', version, text: source },
  });
});

test('every function and method gets a lens, even past a syntax error', async () => {
  const all = await lenses();
  assert.deepEqual(titlesByLine(all), [
    [2, 'Profile concurrency'],
    [6, 'Profile concurrency'],
    [9, 'Profile concurrency'],
    [12, 'Profile concurrency'],
  ]);
  assert.deepEqual(all[1].command, {
    title: 'Profile concurrency',
    command: PROFILE_FUNCTION_COMMAND,
    arguments: [uri, 'Job.run'],
  });
});

test('a run result adds a lens that opens the profile, while the text is the one measured', async () => {
  const before = refreshes;
  const result = {
    uri,
    functionName: 'crunch',
    summary: 'CPU-bound (GIL) - processes-fork 1.9x',
    profilePath: '/p/1.json',
    textSha256: sha256(source),
  };
  await sendResult(result);
  const all = await lenses();
  assert.ok(refreshes > before, 'the server asked the editor to refresh its lenses');
  assert.deepEqual(all[1], {
    range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
    command: {
      title: 'CPU-bound (GIL) - processes-fork 1.9x',
      command: OPEN_PROFILE_COMMAND,
      arguments: ['/p/1.json'],
    },
  });
  await edit(`${source}# edited\n`);
  assert.deepEqual(
    titlesByLine(await lenses()).map(([, title]) => title),
    Array(4).fill('Profile concurrency'),
  );
  await edit(source);
  assert.equal((await lenses())[1].command.title, 'CPU-bound (GIL) - processes-fork 1.9x');
});

test('a result measured on other text is not shown', async () => {
  await sendResult({
    uri,
    functionName: 'fetch',
    summary: 'I/O-bound - threads 2.0x',
    profilePath: '/p/2.json',
    textSha256: sha256('older text'),
  });
  assert.ok(!(await lenses()).some((lens) => lens.command.title.startsWith('I/O-bound')));
});

test('lenses follow edits and the CodeLens setting', async () => {
  await edit('def only():\n    pass\n');
  assert.deepEqual(titlesByLine(await lenses()), [[0, 'Profile concurrency']]);
  await sendLensSetting(false);
  assert.deepEqual(await lenses(), []);
  await sendLensSetting(true);
  assert.equal((await lenses()).length, 1);
});
