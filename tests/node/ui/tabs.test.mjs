// The same link open in two tabs of one browser: the second tab's lobby
// says the meeting is already open in the other, joining there moves the
// meeting over (the other tab says it was replaced), "Use here instead"
// moves it back, and the others see one person throughout. Of two tabs
// waiting on one guest link, only one goes in at the start.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  bodyState, countsSeen, createPermalink, guestJoins, hostStarts, openPage, pollUntil, recordCounts,
  remoteNames, waitForState, watchRequests,
} from './helpers.mjs';

const WAIT = 25_000;

describe('a second tab of the same link', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('host link: moves the meeting over and back, never as two people', async () => {
    const link = await createPermalink(server);
    const first = await openPage(browser);
    await hostStarts(first, link);
    const guest = await openPage(browser);
    await guestJoins(guest, link, 'Bea');
    await recordCounts(guest);

    const second = await first.context().newPage();
    second.errors = [];
    second.on('pageerror', (err) => second.errors.push(String(err)));
    const starts = watchRequests(second, 'POST', new RegExp(`/permalink/${link.userToken}$`));
    await second.goto(link.hostUrl);
    await waitForState(second, 'lobby', WAIT);
    await second.waitForSelector('#lobby-elsewhere:not([hidden])', { timeout: WAIT });
    assert.match(await second.textContent('#lobby-elsewhere'), /already in this meeting in another tab/);
    assert.equal(await second.getAttribute('#lobby-elsewhere', 'role'), 'status');
    assert.equal((await second.textContent('#lobby-submit')).trim(), 'Join here');

    await second.click('#lobby-submit');
    await waitForState(second, 'meeting', WAIT);
    await waitForState(first, 'replaced', WAIT);
    assert.match(await first.textContent('.notice'), /Opened in another tab/);
    assert.match(await first.textContent('.notice'), /now open in another tab/);
    assert.deepEqual(starts, [], 'no second start: the other tab\'s session moved');
    await second.waitForSelector('.tile:not(.self) .tile-name >> text=Bea', { timeout: WAIT });

    // Back to the first tab.
    await first.click('text=Use here instead');
    await waitForState(first, 'meeting', WAIT);
    await waitForState(second, 'replaced', WAIT);

    assert.deepEqual(await remoteNames(guest), ['Ann']);
    assert.ok((await countsSeen(guest)).every((text) => text.startsWith('2')), `guest counts: ${await countsSeen(guest)}`);
    assert.deepEqual([...first.errors, ...second.errors, ...guest.errors], []);
    await first.context().close();
    await guest.context().close();
  });

  it('the note goes away when the other tab leaves', async () => {
    const link = await createPermalink(server);
    const first = await openPage(browser);
    await hostStarts(first, link);
    const second = await first.context().newPage();
    await second.goto(link.hostUrl);
    await second.waitForSelector('#lobby-elsewhere:not([hidden])', { timeout: WAIT });
    await first.click('#ctl-leave');
    await first.click('#dialog-leave');
    await waitForState(first, 'left', WAIT);
    await second.waitForSelector('#lobby-elsewhere', { state: 'hidden', timeout: WAIT });
    assert.equal((await second.textContent('#lobby-submit')).trim(), 'Join meeting');
    await first.context().close();
  });

  /** Two tabs of one browser waiting on the guest link; the host starts; returns [in, out]. */
  async function twoWaitingTabs(link) {
    const first = await openPage(browser);
    const second = await first.context().newPage();
    second.errors = [];
    second.on('pageerror', (err) => second.errors.push(String(err)));
    for (const page of [first, second]) {
      await page.goto(link.guestUrl);
      await waitForState(page, 'waiting', WAIT);
      await page.fill('#lobby-name', 'Bea');
    }
    const host = await openPage(browser);
    await hostStarts(host, link);
    const winner = await pollUntil(async () => {
      for (const page of [first, second]) if (await bodyState(page) === 'meeting') return page;
      return null;
    }, { timeout: WAIT, what: 'one tab in the meeting' });
    const loser = winner === first ? second : first;
    await host.waitForSelector('.tile:not(.self) .tile-name >> text=Bea', { timeout: WAIT });
    return { host, winner, loser };
  }

  it('guest link: two waiting tabs, only one goes in; the other offers Join here', async () => {
    const link = await createPermalink(server);
    const { host, winner, loser } = await twoWaitingTabs(link);
    await loser.waitForSelector('#lobby-elsewhere:not([hidden])', { timeout: WAIT });
    // Time for a second join to show, if there were one.
    await host.waitForTimeout(2000);
    assert.equal(await bodyState(loser), 'lobby');
    assert.match(await loser.textContent('#lobby-elsewhere'), /already in this meeting in another tab/);
    assert.equal((await loser.textContent('#lobby-submit')).trim(), 'Join here');
    assert.deepEqual(await remoteNames(host), ['Bea']);

    // By keyboard, the other tab takes the meeting over, still as one guest.
    await loser.focus('#lobby-submit');
    await loser.keyboard.press('Enter');
    await waitForState(loser, 'meeting', WAIT);
    await waitForState(winner, 'replaced', WAIT);
    await loser.waitForSelector('.tile:not(.self) .tile-name >> text=Ann', { timeout: WAIT });
    assert.deepEqual(await remoteNames(host), ['Bea']);
    assert.deepEqual([...host.errors, ...winner.errors, ...loser.errors], []);
    await host.context().close();
    await winner.context().close();
  });

  it('guest link: when the tab that went in is closed, the other may join', async () => {
    const link = await createPermalink(server);
    const { host, winner, loser } = await twoWaitingTabs(link);
    await loser.waitForSelector('#lobby-elsewhere:not([hidden])', { timeout: WAIT });
    await winner.close();
    await loser.waitForSelector('#lobby-elsewhere', { state: 'hidden', timeout: WAIT });
    assert.equal((await loser.textContent('#lobby-submit')).trim(), 'Join meeting');
    await loser.click('#lobby-submit');
    await waitForState(loser, 'meeting', WAIT);
    assert.deepEqual([...host.errors, ...loser.errors], []);
    await host.context().close();
    await loser.context().close();
  });

  it('guest link: after an end, the next start again takes one tab in', async () => {
    const link = await createPermalink(server);
    const { host, winner, loser } = await twoWaitingTabs(link);
    await host.click('#ctl-leave');
    await host.click('#dialog-end');
    await waitForState(winner, 'ended', WAIT);
    await winner.click('text=Wait for the next meeting');
    await waitForState(winner, 'waiting', WAIT);
    await waitForState(loser, 'waiting', WAIT);
    await host.click('text=Start again');
    await waitForState(host, 'meeting', WAIT);
    await host.waitForSelector('.tile:not(.self) .tile-name >> text=Bea', { timeout: WAIT });
    await host.waitForTimeout(2000);
    assert.deepEqual(await remoteNames(host), ['Bea']);
    const states = [await bodyState(winner), await bodyState(loser)].sort();
    assert.deepEqual(states, ['lobby', 'meeting']);
    assert.deepEqual([...host.errors, ...winner.errors, ...loser.errors], []);
    await host.context().close();
    await winner.context().close();
  });
});
