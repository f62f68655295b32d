// Reloading the meeting tab goes back in as the same participant: no new
// guest registration, no second start for a host, no lobby, and the others
// see no one leave, come or appear twice. Leaving forgets the session.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import {
  countsSeen, createPermalink, framesRise, guestJoins, hostStarts, openTrackedPage, recordCounts,
  recordStates, remoteNames, statesSeen, waitForState, watchRequests,
} from './helpers.mjs';

const WAIT = 25_000;

function stored(page, token) {
  return page.evaluate((key) => sessionStorage.getItem(key), `anteroom:session:${token}`);
}

describe('reloading the meeting tab', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('brings guest and host back as themselves, with media, and leaving forgets it', async () => {
    const link = await createPermalink(server);
    const host = await openTrackedPage(browser);
    await recordStates(host);
    await hostStarts(host, link);
    const guest = await openTrackedPage(browser);
    await recordStates(guest);
    await guestJoins(guest, link, 'Bea');
    await host.waitForFunction(() => document.querySelector('.count')?.textContent.startsWith('2'), null, { timeout: WAIT });
    assert.ok(JSON.parse(await stored(guest, link.guestToken)).accessKey, 'the guest tab keeps its session');

    // The guest mutes, then reloads: straight back in, not registered
    // again, and still muted.
    await guest.click('#ctl-mic');
    await host.waitForSelector('.tile:not(.self) .tile-muted:not([hidden])', { timeout: WAIT });
    await recordCounts(host);
    const registrations = watchRequests(guest, 'POST', /\/guests\//);
    await guest.reload();
    await waitForState(guest, 'meeting', WAIT);
    assert.deepEqual(registrations, []);
    assert.equal(await guest.getAttribute('#ctl-mic', 'aria-pressed'), 'true', 'the microphone stays muted');
    assert.ok(!(await statesSeen(guest)).includes('lobby'), `states after reload: ${await statesSeen(guest)}`);
    await guest.waitForSelector('.tile:not(.self) .tile-name >> text=Ann', { timeout: WAIT });
    assert.equal(await host.isVisible('.tile:not(.self) .tile-muted'), true, 'the host still sees Bea muted');
    // Each side decodes the other again: the host the reloaded camera, the guest the host's.
    await Promise.all([framesRise(host, { timeout: WAIT }), framesRise(guest, { timeout: WAIT })]);
    assert.deepEqual(await remoteNames(host), ['Bea']);
    assert.ok((await countsSeen(host)).every((text) => text.startsWith('2')), `host counts: ${await countsSeen(host)}`);

    // The host reloads: back in without a second start.
    await recordCounts(guest);
    const starts = watchRequests(host, 'POST', new RegExp(`/permalink/${link.userToken}$`));
    await host.reload();
    await waitForState(host, 'meeting', WAIT);
    assert.deepEqual(starts, []);
    assert.ok(!(await statesSeen(host)).includes('lobby'), `states after reload: ${await statesSeen(host)}`);
    await host.waitForSelector('.tile:not(.self) .tile-name >> text=Bea', { timeout: WAIT });
    await framesRise(guest, { timeout: WAIT });
    assert.deepEqual(await remoteNames(guest), ['Ann']);
    assert.ok((await countsSeen(guest)).every((text) => text.startsWith('2')), `guest counts: ${await countsSeen(guest)}`);

    // Leaving forgets the session: the next load shows the lobby again.
    await guest.click('#ctl-leave');
    await waitForState(guest, 'left', WAIT);
    assert.equal(await stored(guest, link.guestToken), null);
    await guest.reload();
    await waitForState(guest, 'lobby', WAIT);
    assert.deepEqual([...host.errors, ...guest.errors], []);
    await host.context().close();
    await guest.context().close();
  });

  it('a stored session of an ended meeting is dropped for the link as it is now', async () => {
    const link = await createPermalink(server);
    const host = await openTrackedPage(browser);
    await hostStarts(host, link);
    const accessKey = JSON.parse(await stored(host, link.userToken)).accessKey;
    await host.click('#ctl-leave');
    await host.click('#dialog-end');
    await waitForState(host, 'ended', WAIT);
    assert.equal(await stored(host, link.userToken), null, 'the end forgets the session');

    // A tab whose stored session outlived its meeting (closed while it ended).
    const late = await openTrackedPage(browser);
    await late.goto(link.hostUrl);
    await waitForState(late, 'lobby', WAIT);
    await late.evaluate(([key, value]) => sessionStorage.setItem(key, value),
      [`anteroom:session:${link.userToken}`, JSON.stringify({ accessKey, media: {} })]);
    await late.reload();
    await waitForState(late, 'lobby', WAIT);
    assert.equal((await late.textContent('#lobby-submit')).trim(), 'Start meeting');
    assert.equal(await stored(late, link.userToken), null);
    await host.context().close();
    await late.context().close();
  });
});
