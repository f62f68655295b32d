// The lobby: joining before the preview devices are open still joins with
// camera and microphone (every getUserMedia call is slowed down, so the
// click lands while the preview is still opening), and the name used last
// is filled in the next time.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  createPermalink, guestJoins, openTrackedPage, pollUntil, selfVideoLive, slowMedia,
  waitForMediaBothKinds, waitForState,
} from './helpers.mjs';

const WAIT = 25_000;

describe('the lobby', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('a host who starts at once still sends camera and microphone', async () => {
    const link = await createPermalink(server);
    const guest = await openTrackedPage(browser);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'waiting', WAIT);
    await guest.fill('#lobby-name', 'Bea');

    const host = await openTrackedPage(browser);
    await slowMedia(host, 1500);
    await host.goto(link.hostUrl);
    await waitForState(host, 'lobby', WAIT);
    await host.fill('#lobby-name', 'Ann');
    const previewOpen = await host.evaluate(() => Boolean(document.querySelector('.preview-video')?.srcObject));
    assert.equal(previewOpen, false, 'the click comes before the preview is open');
    await host.click('#lobby-submit');
    await waitForState(host, 'meeting', WAIT);
    await waitForState(guest, 'meeting', WAIT);

    await pollUntil(() => selfVideoLive(host), { timeout: WAIT, what: "the host's own camera tile" });
    // The guest decodes the host's camera and hears its microphone.
    await waitForMediaBothKinds(guest, { timeout: WAIT });
    const mic = await host.evaluate(() => document.querySelector('#ctl-mic')?.getAttribute('aria-pressed'));
    assert.equal(mic, 'false', 'the microphone is on');
    assert.deepEqual([...guest.errors, ...host.errors], []);
    await guest.context().close();
    await host.context().close();
  });

  it('fills in the name used last, for host and guest links alike', async () => {
    const link = await createPermalink(server);
    const host = await openTrackedPage(browser);
    await host.goto(link.hostUrl);
    await waitForState(host, 'lobby', WAIT);
    assert.equal(await host.inputValue('#lobby-name'), '', 'nothing is known yet');
    await host.fill('#lobby-name', 'Ann Example');
    await host.click('#lobby-submit');
    await waitForState(host, 'meeting', WAIT);

    // The host opens the link again in another tab of the same browser.
    const again = await host.context().newPage();
    await again.goto(link.hostUrl);
    await waitForState(again, 'lobby', WAIT);
    assert.equal(await again.inputValue('#lobby-name'), 'Ann Example');
    // With the name there, focus goes to the button: Enter starts.
    assert.equal(await again.evaluate(() => document.activeElement?.id), 'lobby-submit');
    await again.close();

    const guest = await openTrackedPage(browser);
    await guestJoins(guest, link, 'Bea Guest');
    await guest.click('#ctl-leave');
    await waitForState(guest, 'left', WAIT);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'lobby', WAIT);
    assert.equal(await guest.inputValue('#lobby-name'), 'Bea Guest');
    await host.context().close();
    await guest.context().close();
  });
});
