// The meeting screen's costs: remote cameras on small tiles ask the server
// for the small simulcast layer (with a band between small and large so a
// tile near the edge does not flip), and the invite QR code is drawn only
// when the invite panel opens.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  createPermalink, guestJoins, hostStarts, inboundFrameSize, layersSent, openPage, openTrackedPage,
  pollUntil, recordLayers, waitForState,
} from './helpers.mjs';

const WAIT = 25_000;

/** Sets the width of the remote camera tile on `page`; returns its participant id. */
function sizeRemoteTile(page, width) {
  return page.evaluate((w) => {
    const tile = document.querySelector('.tile:not(.self):not(.screen)');
    tile.style.width = `${w}px`;
    return tile.dataset.key;
  }, width);
}

describe('the meeting screen', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('asks for the small layer on small tiles and auto on large ones, only on change', async () => {
    const link = await createPermalink(server);
    const host = await openTrackedPage(browser);
    await recordLayers(host);
    await hostStarts(host, link);
    const guest = await openPage(browser);
    await guestJoins(guest, link, 'Bea');
    await host.waitForSelector('.tile:not(.self):not(.screen) video:not([hidden])', { timeout: WAIT });
    await pollUntil(async () => (await inboundFrameSize(host)).width > 0, { timeout: WAIT, what: 'frames of the guest' });

    // Tile widths in CSS px (border included) and the layer each should leave asked for.
    const id = await sizeRemoteTile(host, 700);
    const last = async () => (await layersSent(host)).filter((m) => m.id === id).at(-1)?.layer;
    await pollUntil(async () => (await last()) === 'auto', { timeout: 5000, what: 'auto for a large tile' });
    await sizeRemoteTile(host, 400);
    await pollUntil(async () => (await last()) === 'l', { timeout: 5000, what: 'l for a small tile' });
    // The server switches to the half-size layer of what the guest captures.
    const captured = await guest.evaluate(() => document.querySelector('.tile.self video').srcObject.getVideoTracks()[0].getSettings().width);
    await pollUntil(async () => {
      const { width } = await inboundFrameSize(host);
      return width > 0 && width <= captured / 2;
    }, { timeout: WAIT, what: `frames at most ${captured / 2} wide` });

    // Within the band nothing changes, in either direction.
    const before = (await layersSent(host)).length;
    for (const width of [500, 515, 490]) {
      await sizeRemoteTile(host, width);
      await host.waitForTimeout(300);
    }
    assert.equal((await layersSent(host)).length, before, 'nothing sent inside the band');
    await sizeRemoteTile(host, 560);
    await pollUntil(async () => (await last()) === 'auto', { timeout: 5000, what: 'auto above the band' });
    await sizeRemoteTile(host, 500);
    await host.waitForTimeout(300);
    await sizeRemoteTile(host, 600);
    await host.waitForTimeout(300);
    await sizeRemoteTile(host, 460);
    await pollUntil(async () => (await last()) === 'l', { timeout: 5000, what: 'l below the band' });

    // Only changes are sent: never the same layer twice in a row.
    const mine = (await layersSent(host)).filter((m) => m.id === id).map((m) => m.layer);
    assert.ok(mine.every((layer, i) => i === 0 || layer !== mine[i - 1]), `layers sent: ${mine}`);
    assert.deepEqual(mine.slice(-3), ['l', 'auto', 'l']);
    assert.deepEqual([...host.errors, ...guest.errors], []);
    await host.context().close();
    await guest.context().close();
  });

  it('draws the invite QR code when the invite panel first opens', async () => {
    const link = await createPermalink(server);
    const host = await openPage(browser);
    await hostStarts(host, link);
    assert.equal(await host.$('svg.qr'), null, 'no QR code at the start');
    await host.click('#ctl-invite');
    assert.equal(await host.isVisible('.qr-frame svg.qr'), true);
    assert.equal(await host.getAttribute('svg.qr', 'aria-label'), 'QR code of the guest link');
    await host.click('#ctl-invite');
    await host.click('#ctl-invite');
    assert.equal((await host.$$('svg.qr')).length, 1, 'drawn once');
    await host.context().close();
  });
});
