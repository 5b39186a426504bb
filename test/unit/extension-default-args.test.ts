import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultArgsExpression } from '../../src/extension/defaultArgs';
import { outlinePython } from '../../src/server/pythonOutline';

function argsFor(source: string): string {
  const [fn] = outlinePython(source);
  assert.ok(fn, 'the source defines a function');
  return defaultArgsExpression(fn);
}

test('a function without required parameters gets eight empty calls', () => {
  assert.equal(argsFor('def work():\n    pass\n'), '[()] * 8');
  assert.equal(argsFor('def work(n=10, *args, flag=False, **kw):\n    pass\n'), '[()] * 8');
});

test('required parameters get a value from their annotation', () => {
  assert.equal(
    argsFor('def work(n: int, data: bytes, name: str):\n    pass\n'),
    "[(100_000, b'x' * 1_000_000, 'x' * 1_000,)] * 8",
  );
  assert.equal(argsFor('def work(xs: list[int], o: Optional[float]):\n    pass\n'), '[(list(range(1_000)), 0.1,)] * 8');
});

test('unannotated parameters are guessed from their names', () => {
  assert.equal(argsFor('def wait(seconds):\n    pass\n'), '[(0.1,)] * 8');
  assert.equal(argsFor('def crunch(n):\n    pass\n'), '[(100_000,)] * 8');
});

test('a method does not ask for self', () => {
  assert.equal(argsFor('class A:\n    def run(self, n: int):\n        pass\n'), '[(100_000,)] * 8');
});
