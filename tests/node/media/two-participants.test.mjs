// Media through the embedded SFU, end to end: two participants of one room,
// each a Chromium page with the fake camera and microphone, join through the
// JS client and the realtime WebSocket; each must decode the other's video
// (`framesDecoded` rising) and receive its audio. The shared steps and the
// stats pitfalls are in peers.mjs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import { WAIT, enter, joinedPage, mediaStats, pollUntil } from './peers.mjs';

const WINDOW_MS = 2_500;

describe('media through the embedded SFU', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser()));
  after(() => stopServerAndBrowser({ server, browser }));

  it('two participants decode each other\'s video and receive each other\'s audio', async () => {
    assert.ok(server.udp, 'the ready line names the UDP socket');
    const roomId = `media-${Date.now()}`;
    const ann = await joinedPage(browser, server, await enter(server, roomId, 'Ann'));
    const bea = await joinedPage(browser, server, await enter(server, roomId, 'Bea'));
    const pages = [[ann, bea], [bea, ann]];

    // The second joiner's first picture of the first (who publishes by now).
    const firstFrame = await pollUntil(() => mediaStats(bea.page), (s) => s.video > 0, 'a decoded frame', WAIT);
    console.log(`# second joiner: join() called -> first decoded frame: ${firstFrame.at - bea.startedAt} ms (50 ms poll)`);

    // Both kinds arrive at both, labelled with the other's participant id.
    for (const [me, other] of pages) {
      await pollUntil(() => mediaStats(me.page), (s) => s.video !== null && s.audio !== null
        && s.remote.some((t) => t.participantId === other.participantId && t.kind === 'camera')
        && s.remote.some((t) => t.participantId === other.participantId && t.kind === 'audio'),
      'inbound video and audio from the other participant');
    }

    const before = await Promise.all(pages.map(([me]) => mediaStats(me.page)));
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const after = await Promise.all(pages.map(([me]) => mediaStats(me.page)));
    for (const [i, [me]] of pages.entries()) {
      const frames = after[i].video - before[i].video;
      const packets = after[i].audio - before[i].audio;
      console.log(`# ${me.participantId}: +${frames} frames decoded, +${packets} audio packets in ${WINDOW_MS} ms; pc ${after[i].state}`);
      // The fake camera runs at 20 fps and Opus sends 50 packets/s; ask for
      // well under half of that, for a busy 2-core runner.
      assert.ok(frames >= 15, `video decoded: +${frames}`);
      assert.ok(packets >= 40, `audio received: +${packets}`);
      assert.equal(after[i].state, 'connected');
      assert.deepEqual(after[i].errors, []);
      assert.deepEqual(me.page.errors, []);
    }

    for (const { context } of [ann, bea]) await context.close();
  });
});
