// Media over ICE-TCP: a browser that may not use UDP (as behind a firewall
// that drops it) still gets a working meeting through the server's TCP
// port. Chromium's `disable_non_proxied_udp` policy gathers no UDP
// candidates at all, so every candidate pair it can use is TCP; the test
// checks the pair actually chosen ends at the port the ready line names.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServerAndBrowser, stopServerAndBrowser } from '../lib/browser.mjs';
import { enter, joinedPage, mediaStats, pollUntil, selectedPair } from './peers.mjs';

const NO_UDP = '--webrtc-ip-handling-policy=disable_non_proxied_udp';

describe('media over ICE-TCP when the browser may not use UDP', () => {
  let server;
  let browser;

  before(async () => ({ server, browser } = await startServerAndBrowser({ args: [NO_UDP] })));
  after(() => stopServerAndBrowser({ server, browser }));

  it('two participants exchange video and audio over the server\'s TCP port', async () => {
    const tcpPort = Number(new URL(`tcp://${server.ready.tcp}`).port);
    assert.ok(tcpPort > 0, `the ready line names the TCP listener: ${JSON.stringify(server.ready)}`);

    const roomId = `tcp-${Date.now()}`;
    const started = Date.now();
    const ann = await joinedPage(browser, server, await enter(server, roomId, 'Ann'));
    const bea = await joinedPage(browser, server, await enter(server, roomId, 'Bea'));
    const joined = Date.now();

    const rising = {};
    for (const me of [ann, bea]) {
      const { value } = await pollUntil(() => mediaStats(me.page), (s) => s.video > 0 && s.audio > 0
        && s.state === 'connected', 'decoded video and received audio over TCP');
      rising[me.participantId] = { value };
    }
    // Rising, not only present: take a second look a moment later.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const me of [ann, bea]) {
      const later = await mediaStats(me.page);
      const { value } = rising[me.participantId];
      assert.ok(later.video > value.video, `video frames rising: ${value.video} -> ${later.video}`);
      assert.ok(later.audio > value.audio, `audio packets rising: ${value.audio} -> ${later.audio}`);
      assert.deepEqual(later.errors, []);
      assert.deepEqual(me.page.errors, []);
    }
    console.log(`# joins took ${joined - started} ms; media rising both ways ${Date.now() - joined} ms later`);

    for (const me of [ann, bea]) {
      const pair = await selectedPair(me.page);
      console.log(`# ${me.participantId}: selected pair ${JSON.stringify(pair)}`);
      assert.equal(pair?.state, 'succeeded');
      assert.equal(pair.local.protocol, 'tcp');
      assert.equal(pair.remote.protocol, 'tcp');
      assert.equal(pair.remote.port, tcpPort);
      assert.deepEqual(pair.localProtocols, ['tcp'], 'the browser gathered no UDP candidate');
    }

    for (const { context } of [ann, bea]) await context.close();
  });
});
