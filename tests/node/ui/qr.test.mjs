// The UI's QR encoder (ui/qr.js) on Node: the Reed-Solomon arithmetic
// against a published worked example, and the structure every reader
// relies on: size, finder patterns, timing, and format bits that decode.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { encodeQr, reedSolomon } from '../../../ui/qr.js';

test('error correction matches the well-known HELLO WORLD example', () => {
  // "HELLO WORLD" in alphanumeric mode at 1-M: 16 data codewords, 10 EC codewords.
  const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
  assert.deepEqual(reedSolomon(data, 10), [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
});

test('versions grow with the text and stop at 10', () => {
  assert.equal(encodeQr('hi').version, 1);
  assert.equal(encodeQr('x'.repeat(60)).version, 4);
  assert.equal(encodeQr('x'.repeat(213)).version, 10);
  assert.throws(() => encodeQr('x'.repeat(214)), RangeError);
});

/** Decodes the 15 format bits next to the top-left finder; returns [level bits, mask]. */
function formatOf({ dark }) {
  const bits = [];
  for (let i = 0; i <= 5; i++) bits.push(dark[i][8]);
  bits.push(dark[7][8], dark[8][8], dark[8][7]);
  for (let i = 9; i < 15; i++) bits.push(dark[8][14 - i]);
  const value = bits.reduce((acc, bit, i) => acc | (Number(bit) << i), 0) ^ 0x5412;
  // The 10 low bits are a BCH code of the 5 high ones.
  let rem = value >>> 10;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  assert.equal(value & 0x3ff, rem & 0x3ff, 'format bits are a valid codeword');
  return [value >>> 13, (value >>> 10) & 7];
}

test('a guest link encodes with finders, timing and valid format bits', () => {
  const code = encodeQr('http://localhost:8080/app/permalink?guest=AbCdEfGhIjKlMnOpQrStUvWx');
  assert.equal(code.size, 17 + 4 * code.version);
  const ring = (x, y) => code.dark[y][x];
  for (const [ox, oy] of [[0, 0], [code.size - 7, 0], [0, code.size - 7]]) {
    assert.equal(ring(ox, oy), true);
    assert.equal(ring(ox + 1, oy + 1), false);
    assert.equal(ring(ox + 3, oy + 3), true);
  }
  for (let i = 8; i < code.size - 8; i++) assert.equal(code.dark[6][i], i % 2 === 0, `timing at ${i}`);
  const [level, mask] = formatOf(code);
  assert.equal(level, 0b00, 'level M');
  assert.ok(mask >= 0 && mask < 8);
  // The dark module the standard fixes beside the bottom-left finder.
  assert.equal(code.dark[code.size - 8][8], true);
});
