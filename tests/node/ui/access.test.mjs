// Who gets in and who is told why not: a locked meeting refuses a new
// guest; deleted and expired links say so, before and while waiting; a link
// without guest access says so at once; the meeting's locale picks the
// language.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { apiFetch } from '../lib/api.mjs';
import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import { createPermalink, hostStarts, openPage, recordStates, statesSeen, waitForState } from './helpers.mjs';

describe('access to permalink meetings in the prebuilt UI', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('after a lock, a new guest gets the locked screen', async () => {
    const link = await createPermalink(server, { options: { lock_available: true } });
    const host = await openPage(browser);
    await hostStarts(host, link);
    await host.click('#ctl-lock');
    await host.waitForSelector('.badge-pill:not([hidden])');
    assert.equal(await host.getAttribute('#ctl-lock', 'disabled'), '');

    const late = await openPage(browser);
    await late.goto(link.guestUrl);
    await waitForState(late, 'lobby');
    await late.fill('#lobby-name', 'Cem');
    await late.click('#lobby-submit');
    await waitForState(late, 'locked');
    assert.match(await late.textContent('.notice'), /locked/i);
    assert.deepEqual([...host.errors, ...late.errors], []);
    await host.context().close();
    await late.context().close();
  });

  it("a deleted permalink's guest page says so", async () => {
    const link = await createPermalink(server);
    const res = await apiFetch(server, `/permalink/${link.id}`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    const guest = await openPage(browser);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'deleted');
    assert.match(await guest.textContent('.notice'), /deleted or never existed/);
    await guest.context().close();
  });

  it('a waiting guest learns that the permalink was deleted', async () => {
    const link = await createPermalink(server);
    const guest = await openPage(browser);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'waiting');
    const deletedAt = performance.now();
    await apiFetch(server, `/permalink/${link.id}`, { method: 'DELETE' });
    // With no meeting running the server notices on its 15-second tick.
    await waitForState(guest, 'deleted', 20_000);
    console.log(`# deleted while waiting -> guest told after ${(performance.now() - deletedAt).toFixed(0)} ms`);
    await guest.context().close();
  });

  it("an expired permalink's guest and host pages say so", async () => {
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const link = await createPermalink(server, { expiresAt, options: { exit_url: 'https://exit.example/' } });
    const guest = await openPage(browser);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'waiting');
    // The waiting page turns by itself when the expiry passes.
    await waitForState(guest, 'expired', 8000);
    assert.match(await guest.textContent('.notice'), /expired/);
    assert.equal(await guest.getAttribute('.notice a', 'href'), 'https://exit.example/');

    const host = await openPage(browser);
    await host.goto(link.hostUrl);
    await waitForState(host, 'expired');
    const fresh = await openPage(browser);
    await fresh.goto(link.guestUrl);
    await waitForState(fresh, 'expired');
    for (const page of [guest, host, fresh]) await page.context().close();
  });

  it('with guest access off, the guest page says so at once, in the meeting\'s language', async () => {
    for (const [locale, title] of [['en', 'Guest access is switched off'], ['de', 'Gastzugang ist ausgeschaltet'], ['fr', 'L’accès invité est désactivé']]) {
      const link = await createPermalink(server, { options: { guest_token_available: false, custom_fields: { locale } } });
      const guest = await openPage(browser);
      await recordStates(guest);
      await guest.goto(link.guestUrl);
      // No host starts: the page must not wait for one to learn it.
      await waitForState(guest, 'error');
      assert.equal(await guest.textContent('.notice h1'), title);
      assert.equal(await guest.$('.notice button'), null, 'nothing to try again');
      assert.ok(!(await statesSeen(guest)).includes('waiting'), `states: ${await statesSeen(guest)}`);
      assert.deepEqual(guest.errors, []);
      await guest.context().close();
    }
  });

  it('an unknown link gets the deleted-or-unknown page', async () => {
    const guest = await openPage(browser);
    await guest.goto(`${server.appUrl}/permalink/?guest=NoSuchToken0000000000000`);
    await waitForState(guest, 'deleted');
    const bare = await openPage(browser);
    await bare.goto(`${server.appUrl}/permalink`);
    await waitForState(bare, 'invalid');
    await guest.context().close();
    await bare.context().close();
  });

  it('custom_fields.locale chooses German and French', async () => {
    for (const [locale, waiting, start] of [['de', 'Warten auf den Host', 'Meeting starten'], ['fr', 'En attente de l’hôte', 'Démarrer la réunion']]) {
      const link = await createPermalink(server, { options: { custom_fields: { locale } } });
      const guest = await openPage(browser);
      await guest.goto(link.guestUrl);
      await waitForState(guest, 'waiting');
      assert.match(await guest.textContent('.waiting'), new RegExp(waiting));
      assert.equal(await guest.getAttribute('html', 'lang'), locale);
      const host = await openPage(browser);
      await host.goto(link.hostUrl);
      await waitForState(host, 'lobby');
      assert.equal((await host.textContent('#lobby-submit')).trim(), start);
      await guest.context().close();
      await host.context().close();
    }
  });
});

describe('options that shape the meeting screen', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('hide_chat, show_names, guest_token_available and kick_available switch their parts off', async () => {
    const link = await createPermalink(server, {
      options: { show_names: false, guest_token_available: false, kick_available: false, custom_fields: { hide_chat: true } },
    });
    const host = await openPage(browser);
    await hostStarts(host, link);
    assert.equal(await host.$('#ctl-chat'), null);
    assert.equal(await host.$('#chat-panel'), null);
    assert.equal(await host.$('#ctl-invite'), null);
    assert.equal(await host.$('#ctl-lock'), null, 'lock_available is off by default');
    assert.equal(await host.isVisible('.tile.self .tile-caption'), false);
    await host.click('#ctl-people');
    assert.equal(await host.$('.person button'), null);
    await host.context().close();
  });

  it('with everything on, the invite panel shows the guest link and its QR code', async () => {
    const link = await createPermalink(server, { options: { lock_available: true } });
    const host = await openPage(browser);
    await hostStarts(host, link);
    await host.click('#ctl-invite');
    assert.equal(await host.inputValue('#guest-link'), link.guestUrl);
    assert.equal(await host.isVisible('.qr-frame svg'), true);
    assert.equal(await host.isVisible('#ctl-lock'), true);
    await host.context().close();
  });
});
