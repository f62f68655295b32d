// Media through the prebuilt UI, run by default: in a permalink meeting each
// side decodes the other's camera (framesDecoded rising once both inbound
// kinds exist) and receives audio; in an instant room with two users and a
// guest, a shared screen reaches the other two. Waits are generous (2 cores).
// P1/P2 timings are in timings.test.mjs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { apiFetch } from '../lib/api.mjs';
import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  createPermalink, hostStarts, inbound, openTrackedPage, pollUntil, waitForMediaBothKinds,
  waitForState,
} from './helpers.mjs';

const WAIT = 25_000;

async function startRoom(server, name, id) {
  const body = { name: 'Standup', user: { name } };
  if (id) body.id = id;
  const res = await apiFetch(server, '/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function joinByLink(page, url, name) {
  await page.goto(url);
  await waitForState(page, 'lobby', WAIT);
  if (name) await page.fill('#lobby-name', name);
  await page.click('#lobby-submit');
  await waitForState(page, 'meeting', WAIT);
}

describe('media in the prebuilt UI', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('permalink: each side decodes the other and receives audio', async () => {
    const link = await createPermalink(server);
    const guest = await openTrackedPage(browser);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'waiting', WAIT);
    await guest.fill('#lobby-name', 'Bea');
    const host = await openTrackedPage(browser);
    await hostStarts(host, link);
    await waitForState(guest, 'meeting', WAIT);
    await Promise.all([waitForMediaBothKinds(guest, { timeout: WAIT }), waitForMediaBothKinds(host, { timeout: WAIT })]);
    assert.deepEqual([...guest.errors, ...host.errors], []);
    await guest.context().close();
    await host.context().close();
  });

  it('instant room: two users and a guest; a shared screen reaches the others', async () => {
    const first = await startRoom(server, 'Ann');
    const second = await startRoom(server, 'Cem', first.room.id);
    const ann = await openTrackedPage(browser);
    await joinByLink(ann, first.links.gui);
    const cem = await openTrackedPage(browser);
    await joinByLink(cem, second.links.gui);
    const bea = await openTrackedPage(browser);
    await joinByLink(bea, first.links.guest_join, 'Bea');
    for (const page of [ann, cem, bea]) {
      await page.waitForFunction(() => document.querySelector('.count')?.textContent.startsWith('3'), null, { timeout: WAIT });
    }
    // Each sees both others' cameras.
    await Promise.all([ann, cem, bea].map((p) => waitForMediaBothKinds(p, { timeout: WAIT, videoStreams: 2 })));

    const before = await Promise.all([cem, bea].map((p) => inbound(p)));
    await ann.click('#ctl-screen');
    for (const [i, page] of [cem, bea].entries()) {
      await page.waitForSelector('.tile.screen', { timeout: WAIT });
      // A third inbound video (the screen) appears and decodes.
      const base = await pollUntil(async () => {
        const s = await inbound(page);
        return s.video.streams >= before[i].video.streams + 1 ? s : null;
      }, { timeout: WAIT, what: 'the screen stream' });
      await pollUntil(async () => {
        const framesOnScreen = await page.evaluate(() => {
          const v = document.querySelector('.tile.screen video');
          return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
        });
        return framesOnScreen > 2 && (await inbound(page)).video.framesDecoded > base.video.framesDecoded;
      }, { timeout: WAIT, what: 'screen frames' });
    }
    await ann.click('#ctl-screen');
    await cem.waitForSelector('.tile.screen', { state: 'detached', timeout: WAIT });
    await bea.waitForSelector('.tile.screen', { state: 'detached', timeout: WAIT });
    for (const page of [ann, cem, bea]) await page.context().close();
  });
});
