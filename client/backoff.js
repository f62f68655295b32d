// Reconnect delays of docs/realtime.md: 0.5, 1, 2, 4, then every 8 seconds,
// each with ±20 % jitter so that many clients dropped by one network blip do
// not all come back in the same instant.

const STEPS_MS = [500, 1000, 2000, 4000, 8000];
const JITTER = 0.2;

/**
 * The delay before reconnect attempt `attempt` (0 for the first).
 * @param {number} attempt
 * @param {() => number} [random] - uniform in [0, 1)
 */
export function reconnectDelay(attempt, random = Math.random) {
  const base = STEPS_MS[Math.min(attempt, STEPS_MS.length - 1)];
  const factor = 1 - JITTER + 2 * JITTER * random();
  return Math.round(base * factor);
}
