// Columns that grow by doubling keep their type and values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doubled } from '../../src/shared/typedArrays';

test('doubled: same type, twice the length, the values kept and the rest zeros', () => {
  for (const column of [Float64Array.of(1.5, -2), Int32Array.of(-7, 9), Uint8Array.of(82, 83)]) {
    const next = doubled(column);
    assert.equal(next.constructor, column.constructor);
    assert.deepEqual([...next], [...column, 0, 0]);
    assert.notEqual(next.buffer, column.buffer);
  }
});
