// Shared steps of the media tests: pages that join a room through the JS client
// (`/app/client/anteroom.js`), and their inbound media counted from
// `getStats()`.
//
// The pages are a plain document of the server's own origin, so the client
// library and the API are same-origin and nothing of the prebuilt UI is
// involved. Chromium flags and the stats pitfalls are
// those of shared/notes/webrtc-on-these-machines.md: `inbound-rtp` entries
// exist only after a track's first packet, and stats are polled from Node
// (waitForFunction does not await async predicates).

import assert from 'node:assert/strict';

import { apiFetch } from '../lib/api.mjs';

export const WAIT = 20_000;

/** Makes (or joins) the room `id` as a new user; returns the room response. */
export async function enter(server, id, name) {
  const res = await apiFetch(server, '/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, user: { name } }),
  });
  assert.equal(res.status, 201, `POST /rooms: ${res.status} ${res.text}`);
  return res.json;
}

/** A blank page on the server's origin that has joined with camera and microphone. */
export async function joinedPage(browser, server, room) {
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
export function mediaStats(page) {
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
export async function pollUntil(probe, done, what, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return { value: last, at: Date.now() };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** The peer connection's selected ICE candidate pair, with both candidates. */
export function selectedPair(page) {
  return page.evaluate(async () => {
    const stats = await window.__meeting.peerConnection.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    const transport = [...byId.values()].find((s) => s.type === 'transport');
    const pair = byId.get(transport?.selectedCandidatePairId);
    if (!pair) return null;
    const candidate = (id) => {
      const c = byId.get(id);
      return c && { protocol: c.protocol, address: c.address, port: c.port, type: c.candidateType, tcpType: c.tcpType };
    };
    const local = [...byId.values()].filter((s) => s.type === 'local-candidate').map((c) => c.protocol);
    return { state: pair.state, local: candidate(pair.localCandidateId), remote: candidate(pair.remoteCandidateId), localProtocols: [...new Set(local)] };
  });
}
