// The prebuilt UI by keyboard alone: Start is reachable with Tab and works
// with Enter, the chat field is reachable with Tab, and screen readers get
// labels and live regions.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import { createPermalink, openPage, waitForChat, waitForState } from './helpers.mjs';

/** Presses Tab until the element matching `selector` has focus; returns the presses needed. */
async function tabTo(page, selector, limit = 25) {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return presses;
  }
  throw new Error(`${selector} not reached with ${limit} presses of Tab`);
}

describe('the prebuilt UI by keyboard', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('starts a meeting and chats without a mouse', async () => {
    const link = await createPermalink(server);
    const host = await openPage(browser);
    await host.goto(link.hostUrl);
    await waitForState(host, 'lobby');
    // The lobby puts focus on the name field; type into it and move on.
    await host.keyboard.type('Ann');
    const presses = await tabTo(host, '#lobby-submit');
    console.log(`# Start meeting reached with ${presses} presses of Tab`);
    await host.keyboard.press('Enter');
    await waitForState(host, 'meeting');

    await tabTo(host, '#chat-input');
    await host.keyboard.type('typed, not clicked');
    await host.keyboard.press('Enter');
    await waitForChat(host, 'typed, not clicked');

    const labels = await host.evaluate(() => ({
      unlabelled: [...document.querySelectorAll('button')].filter((b) => !b.getAttribute('aria-label') && !b.textContent.trim()).length,
      chatLive: document.querySelector('.chat-log')?.getAttribute('aria-live'),
      status: document.querySelector('#status')?.getAttribute('aria-live'),
    }));
    assert.deepEqual(labels, { unlabelled: 0, chatLive: 'polite', status: 'polite' });
    assert.deepEqual(host.errors, []);
    await host.context().close();
  });

  it('a host ends the meeting from the keyboard', async () => {
    const link = await createPermalink(server);
    const host = await openPage(browser);
    await host.goto(link.hostUrl);
    await waitForState(host, 'lobby');
    await host.keyboard.type('Ann');
    await host.keyboard.press('Enter');
    await waitForState(host, 'meeting');
    await tabTo(host, '#ctl-leave');
    await host.keyboard.press('Enter');
    // The dialog takes focus; its end button is reachable with Tab.
    await tabTo(host, '#dialog-end', 5);
    await host.keyboard.press('Enter');
    await waitForState(host, 'ended');
    await host.context().close();
  });
});
