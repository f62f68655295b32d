// Shared steps of the prebuilt UI's browser tests: pages that record their
// errors, permalinks made through the API, hosts starting and guests
// joining. Chromium itself is launched as lib/browser.mjs says.

import { apiFetch } from '../lib/api.mjs';
import { launchChromium } from '../lib/browser.mjs';

export function launch() {
  return launchChromium();
}

/** A guest opens the guest link of a running meeting and joins as `name`. */
export async function guestJoins(page, link, name = 'Bea', timeout = 25_000) {
  await page.goto(link.guestUrl);
  await waitForState(page, 'lobby', timeout);
  await page.fill('#lobby-name', name);
  await page.click('#lobby-submit');
  await waitForState(page, 'meeting', timeout);
}

/** A page in its own context (its own storage), recording page errors and CSP reports. */
export async function openPage(browser, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/.test(msg.text())) page.errors.push(msg.text());
  });
  return page;
}

/** Waits until `<body data-state>` is `state` (or one of `state` when a list). */
export async function waitForState(page, state, timeout = 10_000) {
  const wanted = Array.isArray(state) ? state : [state];
  await page.waitForFunction((list) => list.includes(document.body.dataset.state), wanted, { timeout, polling: 'raf' });
}

export function bodyState(page) {
  return page.evaluate(() => document.body.dataset.state);
}

/** Makes a permalink; returns its tokens and links. */
export async function createPermalink(server, { name = 'Weekly sync', host = 'Ann', options = {}, expiresAt } = {}) {
  const body = { name, user: { name: host }, options };
  if (expiresAt) body.expires_at = expiresAt;
  const res = await apiFetch(server, '/permalink', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /permalink: ${res.status} ${res.text}`);
  const { permalink } = res.json;
  return {
    id: permalink.id,
    userToken: permalink.user_token,
    guestToken: permalink.guest_token,
    hostUrl: `${server.appUrl}/permalink?${permalink.user_token}`,
    guestUrl: `${server.appUrl}/permalink?guest=${permalink.guest_token}`,
    response: res.json,
  };
}

/** Median and 95th percentile of a list of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: pick(0.5), p95: pick(0.95), min: sorted[0], max: sorted.at(-1) };
}

/** Answers every request to the exit URL's host with a small page, so leaving can be followed. */
export async function catchExit(page, exitUrl) {
  const { origin } = new URL(exitUrl);
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>bye</title><p>bye</p>' }));
}

/**
 * Host opens the host link and starts; resolves with the wall-clock time (ms,
 * from the browser's clock) at which the start call's answer arrived.
 */
export async function hostStarts(host, link, name = 'Ann') {
  await host.goto(link.hostUrl);
  await waitForState(host, 'lobby');
  await host.fill('#lobby-name', name);
  const answered = host.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/permalink/${link.userToken}`));
  await host.click('#lobby-submit');
  const response = await answered;
  if (response.status() !== 201) throw new Error(`start answered ${response.status()}`);
  await waitForState(host, 'meeting');
  // The meeting-info GET has the same URL; the start is the last one.
  return host.evaluate((token) => {
    const entries = performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/permalink/${token}`));
    return performance.timeOrigin + entries.at(-1).responseEnd;
  }, link.userToken);
}

/**
 * Notes in the page, by the browser's clock, when `<body data-state>` first
 * becomes `state`; `readStateTime` reads it. Test instrumentation only.
 */
export async function stampState(page, state) {
  await page.evaluate((wanted) => {
    const body = document.body;
    const observer = new MutationObserver(() => {
      if (body.dataset.state === wanted) {
        body.dataset.testStampedAt = String(performance.timeOrigin + performance.now());
        observer.disconnect();
      }
    });
    observer.observe(body, { attributes: true, attributeFilter: ['data-state'] });
  }, state);
}

export async function readStateTime(page) {
  return Number(await page.evaluate(() => document.body.dataset.testStampedAt));
}

/** Sends a chat message from `page` through its chat field. */
export async function sendChat(page, text) {
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
}

/** Waits until `page`'s chat shows a message with `text`. */
export async function waitForChat(page, text, timeout = 5000) {
  await page.waitForFunction((wanted) => [...document.querySelectorAll('.chat-text')].some((el) => el.textContent === wanted), text, { timeout });
}

/**
 * A page like `openPage`'s whose peer connections are kept in
 * `window.__testPcs`, so Node can read their stats. Test instrumentation only.
 */
export async function openTrackedPage(browser, options) {
  const page = await openPage(browser, options);
  await page.context().addInitScript(() => {
    const Original = window.RTCPeerConnection;
    window.__testPcs = [];
    window.RTCPeerConnection = class extends Original {
      constructor(...args) {
        super(...args);
        window.__testPcs.push(this);
      }
    };
  });
  return page;
}

/**
 * Inbound RTP of the page's open peer connections, summed by kind:
 * `{video: {streams, framesDecoded}, audio: {streams, packetsReceived}}`.
 * An inbound-rtp entry exists only after its first packet.
 */
export function inbound(page) {
  return page.evaluate(async () => {
    const out = { video: { streams: 0, framesDecoded: 0 }, audio: { streams: 0, packetsReceived: 0 } };
    for (const pc of window.__testPcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          out.video.streams += 1;
          out.video.framesDecoded += s.framesDecoded ?? 0;
        } else if (s.kind === 'audio') {
          out.audio.streams += 1;
          out.audio.packetsReceived += s.packetsReceived ?? 0;
        }
      });
    }
    return out;
  });
}

/** Polls `probe` from Node every `every` ms until it returns a truthy value. */
export async function pollUntil(probe, { timeout = 25_000, every = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/**
 * Waits until the page has inbound video and audio and its decoded frames
 * rise by `by` after both kinds exist; then until audio packets rise too.
 */
export async function waitForMediaBothKinds(page, { timeout = 25_000, by = 5, videoStreams = 1 } = {}) {
  const base = await pollUntil(async () => {
    const s = await inbound(page);
    return s.video.streams >= videoStreams && s.audio.streams >= 1 ? s : null;
  }, { timeout, what: 'inbound video and audio' });
  await pollUntil(async () => {
    const s = await inbound(page);
    return s.video.framesDecoded > base.video.framesDecoded + by && s.audio.packetsReceived > base.audio.packetsReceived;
  }, { timeout, what: 'rising framesDecoded and audio packets' });
}

/**
 * Makes every getUserMedia call of the page's context take `ms` longer, so a
 * test can click before the lobby's preview devices are open. Test
 * instrumentation only.
 */
export async function slowMedia(page, ms) {
  await page.context().addInitScript((delay) => {
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      return original(constraints);
    };
  }, ms);
}

/** The live tracks the page's own tile shows: `{video}` kinds present on the self tile. */
export function selfVideoLive(page) {
  return page.evaluate(() => {
    const track = document.querySelector('.tile.self video')?.srcObject?.getVideoTracks?.()[0];
    return Boolean(track && track.readyState === 'live');
  });
}

/**
 * Records every `<body data-state>` a page's documents go through in
 * `window.__testStates` (per document, so a reload starts a new list).
 * Test instrumentation only.
 */
export async function recordStates(page) {
  await page.context().addInitScript(() => {
    window.__testStates = [];
    new MutationObserver(() => {
      const state = document.body?.dataset.state;
      if (state && window.__testStates.at(-1) !== state) window.__testStates.push(state);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
  });
}

export function statesSeen(page) {
  return page.evaluate(() => window.__testStates ?? []);
}

/**
 * Records on `page` every text its participant count shows from now on, in
 * `window.__testCounts`. Test instrumentation only.
 */
export async function recordCounts(page) {
  await page.evaluate(() => {
    const el = document.querySelector('.count');
    window.__testCounts = [el.textContent];
    new MutationObserver(() => window.__testCounts.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
}

export function countsSeen(page) {
  return page.evaluate(() => window.__testCounts);
}

/** The names on the remote camera tiles of `page`. */
export function remoteNames(page) {
  return page.evaluate(() => [...document.querySelectorAll('.tile:not(.self):not(.screen) .tile-name')].map((el) => el.textContent));
}

/** Requests `page` makes from now on whose method and URL match. */
export function watchRequests(page, method, pattern) {
  const seen = [];
  page.on('request', (request) => {
    if (request.method() === method && pattern.test(request.url())) seen.push(request.url());
  });
  return seen;
}

/** Waits until the page's decoded video frames rise by `by` from now. */
export async function framesRise(page, { by = 5, timeout = 25_000 } = {}) {
  const base = (await inbound(page)).video.framesDecoded;
  await pollUntil(async () => (await inbound(page)).video.framesDecoded > base + by, { timeout, what: 'rising decoded frames' });
}

/**
 * Records every `layer` message the page sends on its realtime connection
 * in `window.__testLayers`. Test instrumentation only.
 */
export async function recordLayers(page) {
  await page.context().addInitScript(() => {
    window.__testLayers = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      try {
        const message = JSON.parse(data);
        if (message.type === 'layer') window.__testLayers.push(message);
      } catch {
        // Not JSON: not ours to record.
      }
      return send.call(this, data);
    };
  });
}

export function layersSent(page) {
  return page.evaluate(() => window.__testLayers.map(({ participant_id: id, layer }) => ({ id, layer })));
}

/** Width and height of the largest inbound video frame the page decodes now. */
export function inboundFrameSize(page) {
  return page.evaluate(async () => {
    let best = { width: 0, height: 0 };
    for (const pc of window.__testPcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.frameWidth ?? 0) > best.width) best = { width: s.frameWidth, height: s.frameHeight };
      });
    }
    return best;
  });
}
