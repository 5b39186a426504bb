import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionAtLine, outlinePython } from '../../src/server/pythonOutline';

const source = `import os

@decorator
def crunch(n: int, scale=2, *rest, key: str = "k", **options):
    def helper():
        return 1
    return n


async def fetch(url):
    await x

class Worker(Base):
    def run(self, items: list[int]):
        pass

    @staticmethod
    def build(size): pass

    @classmethod
    def make(cls, name, /, *, flag=True):
        pass

def broken(:
    pass

if True:
    def hidden(): pass

def after(x, y=[1, 2]):
    pass
`;

test('lists top-level functions and methods of top-level classes with their lines', () => {
  const functions = outlinePython(source);
  assert.deepEqual(
    functions.map((f) => [f.qualifiedName, f.startLine, f.defLine, f.endLine, f.isAsync]),
    [
      ['crunch', 2, 3, 6, false],
      ['fetch', 9, 9, 10, true],
      ['Worker.run', 13, 13, 14, false],
      ['Worker.build', 16, 17, 17, false],
      ['Worker.make', 19, 20, 21, false],
      ['broken', 23, 23, 24, false],
      ['after', 29, 29, 30, false],
    ],
  );
});

test('reads parameters with kinds, annotations and defaults, without self or cls', () => {
  const byName = new Map(outlinePython(source).map((f) => [f.qualifiedName, f.parameters]));
  assert.deepEqual(byName.get('crunch'), [
    { name: 'n', kind: 'positional', annotation: 'int', defaultValue: null },
    { name: 'scale', kind: 'positional', annotation: null, defaultValue: '2' },
    { name: 'rest', kind: 'varargs', annotation: null, defaultValue: null },
    { name: 'key', kind: 'keywordOnly', annotation: 'str', defaultValue: '"k"' },
    { name: 'options', kind: 'varkw', annotation: null, defaultValue: null },
  ]);
  assert.deepEqual(byName.get('Worker.run'), [
    { name: 'items', kind: 'positional', annotation: 'list[int]', defaultValue: null },
  ]);
  assert.deepEqual(byName.get('Worker.build'), [
    { name: 'size', kind: 'positional', annotation: null, defaultValue: null },
  ]);
  assert.deepEqual(byName.get('Worker.make'), [
    { name: 'name', kind: 'positional', annotation: null, defaultValue: null },
    { name: 'flag', kind: 'keywordOnly', annotation: null, defaultValue: 'True' },
  ]);
  assert.deepEqual(byName.get('after'), [
    { name: 'x', kind: 'positional', annotation: null, defaultValue: null },
    { name: 'y', kind: 'positional', annotation: null, defaultValue: '[1, 2]' },
  ]);
});

test('finds the function around a line, the outer one for nested defs', () => {
  const functions = outlinePython(source);
  assert.equal(functionAtLine(functions, 4)?.qualifiedName, 'crunch');
  assert.equal(functionAtLine(functions, 2)?.qualifiedName, 'crunch');
  assert.equal(functionAtLine(functions, 14)?.qualifiedName, 'Worker.run');
  assert.equal(functionAtLine(functions, 0), undefined);
  assert.equal(functionAtLine(functions, 12), undefined);
});

test('a file that does not parse at all still yields the functions before the damage', () => {
  const functions = outlinePython('def ok():\n    return 1\n\nclass (((\n  def\n');
  assert.equal(functions[0]?.qualifiedName, 'ok');
});

test('a module-level name bound to a lambda is a function too', () => {
  const functions = outlinePython(
    'import os\nsquare = lambda x, y=2: x * y\nnoargs = lambda: 1\na = b = lambda: 2\nvalue = 3\n',
  );
  assert.deepEqual(
    functions.map((f) => [f.qualifiedName, f.startLine, f.endLine, f.parameters.map((p) => p.name)]),
    [
      ['square', 1, 1, ['x', 'y']],
      ['noargs', 2, 2, []],
    ],
  );
});

test('an empty file has no functions', () => {
  assert.deepEqual(outlinePython(''), []);
});
