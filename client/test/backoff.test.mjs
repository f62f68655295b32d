import { test } from 'node:test';
import assert from 'node:assert/strict';

import { reconnectDelay } from '../anteroom.js';

test('the delays are 0.5, 1, 2, 4 and then 8 seconds', () => {
  const middle = () => 0.5;
  const delays = [0, 1, 2, 3, 4, 5, 20].map((n) => reconnectDelay(n, middle));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
});

test('jitter stays within 20 percent either way', () => {
  assert.equal(reconnectDelay(0, () => 0), 400);
  assert.equal(reconnectDelay(4, () => 0), 6400);
  assert.ok(reconnectDelay(4, () => 0.999999) <= 9600);
  assert.ok(reconnectDelay(1, () => 0.999999) > 1199);
});
