// The first journey of a permalink (issue 3): a guest waits on the guest
// link, the host starts on the host link, the guest is taken in with no
// click, chat crosses both ways, the host ends for all, and the guest sees
// who ended it and lands on the exit URL. Also measures P1: the host's start
// answered → the waiting guest in the meeting.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  catchExit, createPermalink, hostStarts, openPage, readStateTime, sendChat, stampState, stats,
  waitForChat, waitForState,
} from './helpers.mjs';

const EXIT = 'https://exit.example/after-meeting';

describe('permalink journey in the prebuilt UI', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('takes a waiting guest in at the start, carries chat, and ends for all', async () => {
    const link = await createPermalink(server, { options: { exit_url: EXIT } });
    const guest = await openPage(browser);
    const host = await openPage(browser);
    await catchExit(guest, EXIT);

    await guest.goto(link.guestUrl);
    await waitForState(guest, 'waiting');
    await guest.fill('#lobby-name', 'Bea');
    assert.match(await guest.textContent('.waiting'), /Waiting for the host/);

    await stampState(guest, 'meeting');
    const started = await hostStarts(host, link);
    await waitForState(guest, 'meeting', 5000);
    const tookMs = (await readStateTime(guest)) - started;
    console.log(`# P1 host start answered -> waiting guest in the meeting: ${tookMs.toFixed(0)} ms`);
    assert.ok(tookMs < 3000, `the guest came in after ${tookMs} ms`);

    // Each sees the other by name.
    await guest.waitForSelector('.tile[data-key]:not(.self) .tile-name >> text=Ann');
    await host.waitForSelector('.tile[data-key]:not(.self) .tile-name >> text=Bea');

    await sendChat(host, 'Hello from Ann');
    await waitForChat(guest, 'Hello from Ann');
    await sendChat(guest, 'Hi Ann, Bea here');
    await waitForChat(host, 'Hi Ann, Bea here');

    await host.click('#ctl-leave');
    await host.click('#dialog-end');
    await waitForState(guest, 'ended');
    assert.match(await guest.textContent('.notice'), /Ann ended the meeting/);
    await waitForState(host, 'ended');
    await guest.waitForURL(EXIT, { timeout: 10_000 });

    assert.deepEqual(guest.errors, []);
    assert.deepEqual(host.errors, []);
    await guest.context().close();
    await host.context().close();
  });

  it('P1 over five runs: host start answered -> waiting guest in', async () => {
    const times = [];
    for (let run = 0; run < 5; run++) {
      const link = await createPermalink(server, { name: `Run ${run}` });
      const guest = await openPage(browser);
      const host = await openPage(browser);
      await guest.goto(link.guestUrl);
      await waitForState(guest, 'waiting');
      await guest.fill('#lobby-name', `Guest ${run}`);
      await stampState(guest, 'meeting');
      const started = await hostStarts(host, link);
      await waitForState(guest, 'meeting', 5000);
      times.push((await readStateTime(guest)) - started);
      await host.click('#ctl-leave');
      await host.click('#dialog-end');
      await waitForState(guest, 'ended');
      await guest.context().close();
      await host.context().close();
    }
    const { median, p95 } = stats(times);
    console.log(`# P1 over ${times.length} runs: median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
    assert.ok(median < 1000, `median ${median} ms`);
    assert.ok(times.every((t) => t > 0), 'the guest came in after the start');
  });
});
