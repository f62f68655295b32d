// P1 and P2 over at least five runs of the permalink journey (fresh browser
// contexts, one server), printed as median and p95. No wall-clock limits are
// asserted (the machines are noisy); each run must complete.
//   P1: the host's start answered -> the waiting guest's body data-state=meeting
//       (both by the browsers' wall clocks, same machine).
//   P2: the guest joins (data-state=meeting) -> first decoded frame, by
//       polling getStats every 20 ms from Node.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  createPermalink, hostStarts, inbound, openTrackedPage, pollUntil, readStateTime, stampState, stats,
  waitForState,
} from './helpers.mjs';

const RUNS = Number(process.env.ANTEROOM_TIMING_RUNS || 5);

function line(label, values) {
  const { median, p95 } = stats(values);
  return `${label}: median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (n=${values.length})`;
}

describe('P1/P2 timings', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it(`permalink journey ${RUNS} times`, async () => {
    const p1 = [];
    const p2 = [];
    for (let run = 0; run < RUNS; run++) {
      const link = await createPermalink(server, { name: `Timing ${run}` });
      const guest = await openTrackedPage(browser);
      await guest.goto(link.guestUrl);
      await waitForState(guest, 'waiting', 25_000);
      await stampState(guest, 'meeting');
      const host = await openTrackedPage(browser);
      const started = await hostStarts(host, link);
      await waitForState(guest, 'meeting', 25_000);
      const joined = await readStateTime(guest);
      await pollUntil(async () => (await inbound(guest)).video.framesDecoded > 0, { timeout: 25_000, every: 20, what: 'first decoded frame' });
      const firstFrame = await guest.evaluate(() => performance.timeOrigin + performance.now());
      assert.ok(Number.isFinite(joined) && Number.isFinite(started), `run ${run} has its times`);
      p1.push(joined - started);
      p2.push(firstFrame - joined);
      await guest.context().close();
      await host.context().close();
    }
    assert.equal(p1.length, RUNS);
    console.log(`${line('P1 host start → guest in', p1)} [${p1.map((t) => t.toFixed(0)).join(', ')}]`);
    console.log(`${line('P2 guest in → first decoded frame', p2)} [${p2.map((t) => t.toFixed(0)).join(', ')}]`);
  });
});
