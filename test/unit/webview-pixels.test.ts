import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packRgba, parseNormalisedColor } from '../../src/webview/pixelBuffer';

test('colours as canvas normalises them parse to RGBA', () => {
  assert.deepEqual(parseNormalisedColor('#e8743b'), [0xe8, 0x74, 0x3b, 1]);
  assert.deepEqual(parseNormalisedColor('rgba(128, 128, 128, 0.35)'), [128, 128, 128, 0.35]);
  assert.deepEqual(parseNormalisedColor('rgb(1, 2, 3)'), [1, 2, 3, 1]);
});

test('packed pixels are the RGBA bytes of ImageData read as little-endian 32-bit words', () => {
  const word = new Uint32Array([packRgba(0x11, 0x22, 0x33)]);
  assert.deepEqual([...new Uint8Array(word.buffer)], [0x11, 0x22, 0x33, 0xff]);
});
