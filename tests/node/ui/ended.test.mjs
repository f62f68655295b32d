// The screen after a permalink's meeting ended: it says who ended it ("You"
// to the one who did), and offers the way to the next meeting: a guest goes
// back to waiting, a host starts again with one click; a deleted or expired
// link offers neither. The exit URL stays reachable; leaving goes there at once.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { apiFetch } from '../lib/api.mjs';
import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import { catchExit, createPermalink, guestJoins, hostStarts, openPage, waitForState } from './helpers.mjs';

const WAIT = 25_000;
const EXIT = 'https://exit.example/after';

describe('the ended screen', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('says who ended it, and leads guest and host into the next meeting', async () => {
    const link = await createPermalink(server);
    const host = await openPage(browser);
    await hostStarts(host, link);
    const guest = await openPage(browser);
    await guestJoins(guest, link);

    await host.click('#ctl-leave');
    await host.click('#dialog-end');
    await waitForState(host, 'ended', WAIT);
    await waitForState(guest, 'ended', WAIT);
    assert.match(await host.textContent('.notice'), /You ended the meeting/);
    assert.match(await guest.textContent('.notice'), /Ann ended the meeting/);
    assert.equal((await host.textContent('.notice button')).trim(), 'Start again');

    // The guest, by keyboard: Tab reaches the button, Enter goes back to waiting.
    await guest.keyboard.press('Tab');
    assert.equal(await guest.evaluate(() => document.activeElement?.textContent), 'Wait for the next meeting');
    await guest.keyboard.press('Enter');
    await waitForState(guest, 'waiting', WAIT);
    assert.match(await guest.textContent('.waiting'), /Waiting for the host/);

    // One click starts the next meeting, and the waiting guest is taken in.
    const starts = [];
    host.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/permalink/${link.userToken}`)) starts.push(r.url());
    });
    await host.click('text=Start again');
    await waitForState(host, 'meeting', WAIT);
    assert.equal(starts.length, 1);
    await waitForState(guest, 'meeting', WAIT);
    await host.waitForSelector('.tile:not(.self) .tile-name >> text=Bea', { timeout: WAIT });
    assert.deepEqual([...host.errors, ...guest.errors], []);
    await host.context().close();
    await guest.context().close();
  });

  it('keeps the exit URL: a countdown a key press stops, and leaving goes there', async () => {
    const link = await createPermalink(server, { options: { exit_url: EXIT } });
    const host = await openPage(browser);
    await hostStarts(host, link);
    const guest = await openPage(browser);
    await catchExit(guest, EXIT);
    await guestJoins(guest, link);
    const other = await openPage(browser);
    await catchExit(other, EXIT);
    await guestJoins(other, link, 'Cem');

    // Leaving goes straight to the exit URL.
    await other.click('#ctl-leave');
    await other.waitForURL(EXIT, { timeout: WAIT });

    await host.click('#ctl-leave');
    await host.click('#dialog-end');
    await waitForState(guest, 'ended', WAIT);
    assert.equal(await guest.getAttribute('.notice a', 'href'), EXIT);
    assert.match(await guest.textContent('.notice'), /Taking you on/);
    // A key press means the guest stays to choose.
    await guest.keyboard.press('Tab');
    await guest.waitForTimeout(6500);
    assert.equal(await guest.evaluate(() => document.body.dataset.state), 'ended');
    assert.doesNotMatch(await guest.textContent('.notice'), /Taking you on/);
    for (const page of [host, guest, other]) await page.context().close();
  });

  it('offers no next meeting once the link was deleted', async () => {
    const link = await createPermalink(server);
    const host = await openPage(browser);
    await hostStarts(host, link);
    const guest = await openPage(browser);
    await guestJoins(guest, link);

    const res = await apiFetch(server, `/permalink/${link.id}`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    for (const page of [host, guest]) {
      await waitForState(page, 'ended', WAIT);
      assert.match(await page.textContent('.notice'), /The meeting link was deleted/);
      assert.equal(await page.$('.notice button'), null, 'no Start again, no Wait for the next meeting');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'notice-title');
    }
    assert.deepEqual([...host.errors, ...guest.errors], []);
    await host.context().close();
    await guest.context().close();
  });

  it('offers no next meeting once the link has expired', async () => {
    const link = await createPermalink(server, { expiresAt: new Date(Date.now() + 6000).toISOString() });
    const host = await openPage(browser);
    await hostStarts(host, link);
    const guest = await openPage(browser);
    await guestJoins(guest, link);
    // The meeting outlives the expiry; once it ends, no new one can start.
    await host.waitForTimeout(Math.max(0, Date.parse(link.response.permalink.expires_at) - Date.now() + 500));
    await host.click('#ctl-leave');
    await host.click('#dialog-end');
    for (const page of [host, guest]) {
      await waitForState(page, 'ended', WAIT);
      await page.waitForSelector('.notice button', { state: 'detached', timeout: WAIT });
      assert.equal(await page.evaluate(() => document.activeElement?.closest('.notice') !== null), true, 'focus stays on the notice');
    }
    assert.deepEqual([...host.errors, ...guest.errors], []);
    await host.context().close();
    await guest.context().close();
  });

  it('speaks German and French', async () => {
    for (const [locale, you, again] of [['de', 'Sie haben das Meeting beendet.', 'Erneut starten'], ['fr', 'Vous avez mis fin à la réunion.', 'Relancer la réunion']]) {
      const link = await createPermalink(server, { options: { custom_fields: { locale } } });
      const host = await openPage(browser);
      await host.goto(link.hostUrl);
      await waitForState(host, 'lobby', WAIT);
      await host.fill('#lobby-name', 'Ann');
      await host.click('#lobby-submit');
      await waitForState(host, 'meeting', WAIT);
      await host.click('#ctl-leave');
      await host.click('#dialog-end');
      await waitForState(host, 'ended', WAIT);
      assert.match(await host.textContent('.notice'), new RegExp(you));
      assert.equal((await host.textContent('.notice button')).trim(), again);
      await host.context().close();
    }
  });
});
