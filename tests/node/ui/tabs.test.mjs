// The same link open in two tabs of one browser: the second tab's lobby
// says the meeting is already open in the other, joining there moves the
// meeting over (the other tab says it was replaced), "Use here instead"
// moves it back, and the others see one person throughout.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from '../lib/server.mjs';
import {
  countsSeen, createPermalink, hostStarts, launch, openPage, recordCounts, remoteNames, waitForState, watchRequests,
} from './helpers.mjs';

const WAIT = 25_000;

describe('a second tab of the same link', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('host link: moves the meeting over and back, never as two people', async () => {
    const link = await createPermalink(server);
    const first = await openPage(browser);
    await hostStarts(first, link);
    const guest = await openPage(browser);
    await guest.goto(link.guestUrl);
    await waitForState(guest, 'lobby', WAIT);
    await guest.fill('#lobby-name', 'Bea');
    await guest.click('#lobby-submit');
    await waitForState(guest, 'meeting', WAIT);
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
});
