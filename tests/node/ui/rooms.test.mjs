// Room links in the prebuilt UI: a participant's own link and a guest link,
// and what ends a participant's session: another tab, a host's kick, and a
// dropped connection that comes back as the same participant.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { apiFetch } from '../lib/api.mjs';
import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import { bodyState, openPage, waitForState } from './helpers.mjs';

async function createRoom(server, name = 'Ann', options = {}) {
  const res = await apiFetch(server, '/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Standup', user: { name }, options }),
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function joinByLink(page, url, name) {
  await page.goto(url);
  await waitForState(page, 'lobby');
  if (name) await page.fill('#lobby-name', name);
  await page.click('#lobby-submit');
  await waitForState(page, 'meeting');
}

/** The names on the remote tiles of `page`. */
function remoteNames(page) {
  return page.evaluate(() => [...document.querySelectorAll('.tile:not(.self) .tile-name')].map((el) => el.textContent));
}

describe('room links in the prebuilt UI', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('joins by access key and by guest link, and a host can remove a guest', async () => {
    const room = await createRoom(server);
    const host = await openPage(browser);
    await joinByLink(host, room.links.gui);
    assert.equal(await host.$('#lobby-name'), null, 'the lobby is gone');

    const guest = await openPage(browser);
    await joinByLink(guest, room.links.guest_join, 'Bea');
    await host.waitForFunction(() => document.querySelector('.count')?.textContent.startsWith('2'));
    assert.deepEqual(await remoteNames(host), ['Bea']);

    await host.click('#ctl-people');
    await host.click('button[aria-label="Remove Bea"]');
    await waitForState(guest, 'kicked');
    assert.match(await guest.textContent('.notice'), /removed/);
    await host.waitForFunction(() => document.querySelector('.count')?.textContent.startsWith('1'));
    assert.deepEqual([...host.errors, ...guest.errors], []);
    await host.context().close();
    await guest.context().close();
  });

  it('the same link opened in another tab takes over', async () => {
    const room = await createRoom(server);
    const first = await openPage(browser);
    await joinByLink(first, room.links.gui);
    const second = await first.context().newPage();
    await joinByLink(second, room.links.gui);
    await waitForState(first, 'replaced');
    assert.match(await first.textContent('.notice'), /another tab/);
    assert.equal(await bodyState(second), 'meeting');
    await first.context().close();
  });

  it('a dropped connection shows reconnecting and comes back as the same participant', async () => {
    const room = await createRoom(server);
    const host = await openPage(browser);
    await joinByLink(host, room.links.gui);
    const guest = await openPage(browser);
    // The guest's realtime connection runs through Playwright, which can cut it.
    let cut = false;
    const links = [];
    await guest.routeWebSocket(/\/realtime/, (ws) => {
      if (cut) {
        ws.close({ code: 4000, reason: 'network down' });
        return;
      }
      links.push({ ws, server: ws.connectToServer() });
    });
    await joinByLink(guest, room.links.guest_join, 'Bea');
    await host.waitForFunction(() => document.querySelector('.count')?.textContent.startsWith('2'));

    cut = true;
    for (const { ws, server } of links) {
      server.close();
      ws.close({ code: 4000, reason: 'network down' });
    }
    await waitForState(guest, 'reconnecting', 5000);
    assert.equal(await guest.isVisible('.banner'), true);
    await guest.waitForTimeout(3000);
    cut = false;
    await waitForState(guest, 'meeting', 15_000);
    assert.equal(links.length, 2, 'one reconnect after the network came back');

    // The host saw neither a departure nor a second Bea.
    assert.deepEqual(await remoteNames(host), ['Bea']);
    assert.match(await host.textContent('.count'), /^2/);
    await host.context().close();
    await guest.context().close();
  });

  it('an ended meeting\'s link says it ended', async () => {
    const room = await createRoom(server);
    await apiFetch(server, `/rooms/${room.access_key}`, { method: 'DELETE' });
    const page = await openPage(browser);
    await page.goto(room.links.gui);
    await waitForState(page, 'ended');
    await page.context().close();
  });
});
