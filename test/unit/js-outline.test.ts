// The JavaScript/TypeScript outline the CodeLenses come from: exported functions only (what the
// engine's --function can call), named as the engine takes them, with lines and parameters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outlineJavaScript } from '../../src/server/jsOutline';
import { isNodeLanguage, isProfiledLanguage, outlineFor } from '../../src/server/outline';
import { defaultJavaScriptArgs } from '../../src/extension/defaultArgs';

const names = (source: string, ts = false) => outlineJavaScript(source, ts).map((f) => f.qualifiedName);

test('ES module exports: declarations, const functions, default, export lists with renames, classes', () => {
  const source = [
    'export async function fetchAll(urls, retries = 2, ...rest) {}', // 0
    'export const square = (x) => x * x;', // 1
    'function helper() {}', // 2
    'function inner() {}', // 3
    'export { inner as renamed, helper };', // 4
    'export default function () {}', // 5
    'export class Pool {', // 6
    '  constructor() {}', // 7
    '  static make(n) {}', // 8
    '  get size() { return 1; }', // 9
    '  async run(task) {}', // 10
    '}', // 11
    'const notExported = () => 1;', // 12
    'export const value = 3;', // 13
  ].join('\n');
  assert.deepEqual(names(source), ['fetchAll', 'square', 'helper', 'renamed', 'default', 'Pool.make', 'Pool.run']);
  const fns = outlineJavaScript(source, false);
  const fetchAll = fns.find((f) => f.qualifiedName === 'fetchAll')!;
  assert.equal(fetchAll.isAsync, true);
  assert.deepEqual(
    fetchAll.parameters.map((p) => [p.name, p.kind, p.defaultValue]),
    [
      ['urls', 'positional', null],
      ['retries', 'positional', '2'],
      ['rest', 'varargs', null],
    ],
  );
  // A re-exported function's lens stands on its declaration.
  assert.equal(fns.find((f) => f.qualifiedName === 'renamed')!.startLine, 3);
  const run = fns.find((f) => f.qualifiedName === 'Pool.run')!;
  assert.deepEqual([run.startLine, run.endLine, run.isAsync], [10, 10, true]);
});

test('CommonJS exports: module.exports.x, exports.x, an object of names and methods, a whole function', () => {
  const source = [
    'function spin(n) {', // 0
    '  let x = 0;', // 1
    '  return x;', // 2
    '}', // 3
    'const later = async (ms) => ms;', // 4
    'module.exports.direct = function (a, b) {};', // 5
    'exports.arrow = async () => 1;', // 6
    'module.exports = { spin, wait: later, inline(a) {}, fn: function () {}, data: 3 };', // 7
  ].join('\n');
  assert.deepEqual(names(source), ['spin', 'wait', 'direct', 'arrow', 'inline', 'fn']);
  const spin = outlineJavaScript(source, false).find((f) => f.qualifiedName === 'spin')!;
  assert.deepEqual([spin.startLine, spin.endLine], [0, 3]);
  assert.deepEqual(names('module.exports = function (n) {};'), ['default']);
  assert.deepEqual(names('function main() {}\nmodule.exports = main;'), ['default']);
});

test('TypeScript: annotations and optional parameters, `this` left out; a syntax error keeps the rest', () => {
  const source = [
    'export function hash(this: void, data: Buffer, rounds: number, label?: string): string {',
    '  return "";',
    '}',
    'export const broken = (;',
    'export function after(n: number) {}',
  ].join('\n');
  const fns = outlineJavaScript(source, true);
  const hash = fns.find((f) => f.qualifiedName === 'hash')!;
  assert.deepEqual(
    hash.parameters.map((p) => [p.name, p.annotation, p.defaultValue]),
    [
      ['data', 'Buffer', null],
      ['rounds', 'number', null],
      ['label', 'string', 'undefined'],
    ],
  );
  assert.ok(
    fns.some((f) => f.qualifiedName === 'after'),
    fns.map((f) => f.qualifiedName).join(', '),
  );
  assert.equal(defaultJavaScriptArgs(hash), 'Array(8).fill([Buffer.alloc(1_000_000), 100_000])');
});

test('the languages: Python, JavaScript and TypeScript are profiled; others get no lenses', () => {
  assert.ok(isProfiledLanguage('python') && isProfiledLanguage('javascript') && isProfiledLanguage('typescript'));
  assert.ok(!isProfiledLanguage('rust') && isNodeLanguage('typescript') && !isNodeLanguage('python'));
  assert.deepEqual(
    outlineFor('python', 'def f():\n    pass\n').map((f) => f.qualifiedName),
    ['f'],
  );
  assert.deepEqual(
    outlineFor('javascript', 'export function f() {}').map((f) => f.qualifiedName),
    ['f'],
  );
  assert.deepEqual(outlineFor('rust', 'fn f() {}'), []);
  assert.equal(defaultJavaScriptArgs(outlineFor('javascript', 'export function f() {}')[0]!), 'Array(8).fill([])');
  assert.equal(
    defaultJavaScriptArgs(outlineFor('javascript', 'export function f(delayMs, n) {}')[0]!),
    'Array(8).fill([100, 100_000])',
  );
});
