// Media through the embedded SFU, end to end: two participants of one room,
// each a Chromium page with the fake camera and microphone, join through the
// JS client (`/app/client/anteroom.js`) and the realtime WebSocket; each must
// decode the other's video (`framesDecoded` rising) and receive its audio.
//
// The pages are a plain document of the server's own origin, so the client
// library and the API are same-origin and nothing of the prebuilt UI is
// involved. Chromium flags and the stats pitfalls are
// those of shared/notes/webrtc-on-these-machines.md: `inbound-rtp` entries
// exist only after a track's first packet, so the baseline is taken once
// both kinds exist, and stats are polled from Node (waitForFunction does
// not await async predicates).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { startServer } from '../lib/server.mjs';
import { apiFetch } from '../lib/api.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
];
const WAIT = 20_000;
const WINDOW_MS = 2_500;

/** Makes (or joins) the room `id` as a new user; returns the room response. */
async function enter(server, id, name) {
  const res = await apiFetch(server, '/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, user: { name } }),
  });
  assert.equal(res.status, 201, `POST /rooms: ${res.status} ${res.text}`);
  return res.json;
}

/** A blank page on the server's origin that has joined with camera and microphone. */
async function joinedPage(browser, server, room) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(String(err)));
  // Any document the server itself serves will do. One answered by
  // Playwright has no address, counts as public, and Chromium's local
  // network access checks then block its WebSocket to localhost.
  await page.goto(`${server.apiUrl}/openapi.json`);
  const startedAt = Date.now();
  await page.evaluate(async (accessKey) => {
    const { Anteroom } = await import('/app/client/anteroom.js');
    const meeting = await new Anteroom().join(accessKey, { audio: true, video: true });
    window.__meeting = meeting;
    window.__errors = [];
    meeting.on('error', (e) => window.__errors.push(e.message));
  }, room.access_key);
  return { page, context, startedAt, participantId: await page.evaluate(() => window.__meeting.session.participant_id) };
}

/** Decoded video frames and received audio packets over all inbound-rtp; null until a kind exists. */
function mediaStats(page) {
  return page.evaluate(async () => {
    const meeting = window.__meeting;
    const pc = meeting.peerConnection;
    const out = { video: null, audio: null, state: pc?.connectionState ?? null, errors: window.__errors };
    out.remote = meeting.remoteTracks.map((t) => ({ participantId: t.participantId, kind: t.kind }));
    if (!pc) return out;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') out.video = (out.video ?? 0) + (s.framesDecoded ?? 0);
      if (s.kind === 'audio') out.audio = (out.audio ?? 0) + (s.packetsReceived ?? 0);
    });
    return out;
  });
}

/** Polls `probe` until `done(value)`; returns the value and when it held (ms since epoch). */
async function pollUntil(probe, done, what, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return { value: last, at: Date.now() };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describe('media through the embedded SFU', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

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
