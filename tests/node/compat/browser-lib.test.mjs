// The unmodified browser library `eyeson` 1.9.6 (npm) in Debian's Chromium, driven by
// playwright-core, against the real server: the REST side of its permalink flow.
//
// How the library is loaded: the package ships a self-contained ES module build
// (`dist/eyeson-esm.js`, its package.json "module" entry; no bare imports, all dependencies
// bundled) next to a UMD build (`dist/eyeson.js`, which would set `window.eyeson.default`).
// A tiny node:http server on its own 127.0.0.1 port serves a test page plus the package's
// files straight from node_modules; the page does
// `import eyeson from '/node_modules/eyeson/dist/eyeson-esm.js'`. The page's origin differs from
// the API's, so every library request is cross-origin: this also proves CORS.
//
// Library behaviour used (read from package/src of 1.9.6):
//   - eyeson.send({type:'request_permalink_meeting_info', api, token}) ->
//     RequestPermalinkMeetingInfoEvent: GET <api>/permalink/<token>; emits
//     {type:'permalink_meeting_info', room} (and re-polls every 5 s while room.started_at === null)
//     or {type:'error', content:'Request permalink meeting info failed' | 'Permalink is already expired'}.
//   - eyeson.connectPermalink(userToken) (uses eyeson.config.api): emits
//     {type:'connection', connectionStatus:'fetch_room'}, POST <api>/permalink/<userToken> with an
//     empty FormData, then {type:'permalink_ready', content:<room response>} or
//     connectionStatus 'access_denied'; then like connect(access_key): GET /rooms/<access_key>,
//     connectionStatus 'received_room', then ActionCable at links.websocket (out of scope here).
//   - eyeson.send({type:'request_guest_user', api, token, name, email?, locale?}) ->
//     RequestGuestUserEvent: multipart POST <api>/guests/<token>; emits {type:'guest_user', token}
//     or {type:'error', content:'Request guest user failed', locked}.
//   - eyeson.send({type:'terminate_meeting'}) -> ComApi.terminateMeeting: DELETE /rooms/<access_key>.
// After permalink_ready the library opens ActionCable/SEPP connections our server may not speak
// yet; this test ignores everything after the REST events it needs (and console/page errors).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium } from '../lib/browser.mjs';

import { startServer } from '../lib/server.mjs';
import { apiFetch } from '../lib/api.mjs';
import { ISO_MS_Z, TOKEN, checkRoomResponse } from '../lib/contract.mjs';

const TIMEOUT = 20_000;
const require = createRequire(import.meta.url);
const EYESON_DIR = path.dirname(require.resolve('eyeson/package.json'));
const EYESON_VERSION = require('eyeson/package.json').version;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>eyeson ${EYESON_VERSION} compat page</title>
<script type="module">
  import eyeson from '/node_modules/eyeson/dist/eyeson-esm.js';
  window.__events = [];
  eyeson.onEvent((event) => {
    let copy;
    try { copy = JSON.parse(JSON.stringify(event)); } catch { copy = { type: event && event.type, unserializable: true }; }
    window.__events.push(copy);
  });
  window.eyeson = eyeson;
  window.__ready = true;
</script>
`;

/** Serves the test page and files of the installed `eyeson` package, nothing else. */
function startPageServer() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    const prefix = '/node_modules/eyeson/';
    if (url.pathname.startsWith(prefix)) {
      const file = path.join(EYESON_DIR, path.normalize(url.pathname.slice(prefix.length)));
      if (file.startsWith(EYESON_DIR + path.sep)) {
        try {
          const data = await readFile(file);
          const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.map') || file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
          res.writeHead(200, { 'Content-Type': type });
          res.end(data);
          return;
        } catch { /* fall through to 404 */ }
      }
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

let srv;
let pages;
let browser;
let context;
const requestLog = []; // every request the pages make to the API
const consoleLog = [];

before(async () => {
  srv = await startServer();
  pages = await startPageServer();
  browser = await launchChromium();
  context = await browser.newContext({ permissions: ['camera', 'microphone'] });
}, { timeout: TIMEOUT });

after(async () => {
  // COMPAT_TRACE=1 prints every API request the pages made (headers and bodies included).
  if (process.env.COMPAT_TRACE) console.log(JSON.stringify(requestLog, null, 2));
  try { await context?.close(); } catch { /* ignore */ }
  try { await browser?.close(); } catch { /* ignore */ }
  await new Promise((r) => (pages ? pages.server.close(() => r()) : r()));
  pages?.server.closeAllConnections?.();
  await srv?.stop();
});

/** Opens a page with the library loaded; records its API traffic. */
async function openPage(label) {
  const page = await context.newPage();
  page.on('console', (m) => consoleLog.push(`[${label}] ${m.type()}: ${m.text()}`.slice(0, 500)));
  page.on('pageerror', (e) => consoleLog.push(`[${label}] pageerror: ${e.message}`.slice(0, 500)));
  page.on('requestfinished', async (req) => {
    if (!req.url().startsWith(srv.apiUrl)) return;
    const res = await req.response().catch(() => null);
    requestLog.push({
      page: label, method: req.method(), url: req.url(), headers: await req.allHeaders().catch(() => req.headers()),
      postData: req.postData(), status: res?.status() ?? null,
    });
  });
  page.on('requestfailed', (req) => {
    if (!req.url().startsWith(srv.apiUrl)) return;
    requestLog.push({ page: label, method: req.method(), url: req.url(), failed: req.failure()?.errorText ?? 'failed' });
  });
  await page.goto(`${pages.url}/`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 10_000 });
  await page.evaluate((api) => { window.eyeson.config.api = api; }, srv.apiUrl);
  return page;
}

const events = (page) => page.evaluate(() => window.__events);

/** Waits until the request log holds a request matching `match` (responses are logged async). */
async function findRequest(match, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = requestLog.findLast(match);
    if (hit || Date.now() > deadline) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function trace() {
  const reqs = requestLog
    .map((r) => `  ${r.page} ${r.method} ${r.url} -> ${r.failed ?? r.status}${r.postData ? ` body=${JSON.stringify(r.postData).slice(0, 300)}` : ''}`)
    .join('\n');
  return `\nAPI requests from the pages:\n${reqs || '  (none)'}\nconsole (last 15):\n  ${consoleLog.slice(-15).join('\n  ')}`;
}

/**
 * Polls the page's recorded events from Node (page.waitForFunction cannot await) until
 * `match` accepts one that is not among the first `from` events.
 */
async function waitForEvent(page, what, match, { from = 0, timeoutMs = 12_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await events(page);
    const hit = seen.slice(from).find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no ${what} event within ${timeoutMs} ms; events: ${JSON.stringify(seen).slice(0, 2000)}${trace()}`);
}

describe(`eyeson ${EYESON_VERSION} permalink flow in Chromium`, { timeout: 60_000 }, () => {
  let permalink;
  let guestPage;
  let hostPage;
  let hostAccessKey;

  before(async () => {
    const res = await apiFetch(srv, '/permalink', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Browser Room', user: { name: 'Hana Host', id: 'hana' }, options: { widescreen: true } }),
    });
    assert.equal(res.status, 201, `POST /permalink: ${res.status} ${res.text}`);
    permalink = res.json.permalink;
    guestPage = await openPage('guest');
    hostPage = await openPage('host');
  }, { timeout: TIMEOUT });

  it('the ES module build loaded unmodified from node_modules', { timeout: TIMEOUT }, async () => {
    const version = await guestPage.evaluate(() => window.eyeson.config.version);
    assert.equal(version, '1.9.6');
    assert.equal(await guestPage.evaluate(() => typeof window.eyeson.connectPermalink), 'function');
  });

  it('request_permalink_meeting_info before the start: permalink_meeting_info with started_at null', { timeout: TIMEOUT }, async () => {
    await guestPage.evaluate(({ api, token }) => {
      window.eyeson.send({ type: 'request_permalink_meeting_info', api, token });
    }, { api: srv.apiUrl, token: permalink.guest_token });
    const ev = await waitForEvent(guestPage, 'permalink_meeting_info or error', (e) => e.type === 'permalink_meeting_info' || e.type === 'error');
    assert.equal(ev.type, 'permalink_meeting_info', `got ${JSON.stringify(ev)}${trace()}`);
    assert.equal(ev.room.started_at, null, 'room.started_at === null before the start');
    assert.equal(ev.room.id, permalink.id, 'room.id is the permalink id (D12)');
  });

  it('request_guest_user before the start fails as the library expects (D14 409)', { timeout: TIMEOUT }, async () => {
    const from = (await events(guestPage)).length;
    await guestPage.evaluate(({ api, token }) => {
      window.eyeson.send({ type: 'request_guest_user', api, token, name: 'Early Guest' });
    }, { api: srv.apiUrl, token: permalink.guest_token });
    const ev = await waitForEvent(guestPage, 'guest_user or error', (e) => e.type === 'guest_user' || e.type === 'error', { from });
    assert.equal(ev.type, 'error', `a guest cannot join before the start: ${JSON.stringify(ev)}`);
    assert.equal(ev.content, 'Request guest user failed');
    assert.ok(!ev.locked, 'not reported as locked (409 is not 423)');
    const post = await findRequest((r) => r.page === 'guest' && r.method === 'POST' && r.url === `${srv.apiUrl}/guests/${permalink.guest_token}`);
    assert.equal(post?.status, 409, `D14: 409 before the start${trace()}`);
  });

  it('connectPermalink(user_token) as host: permalink_ready with the room response', { timeout: TIMEOUT }, async () => {
    await hostPage.evaluate((token) => { window.eyeson.connectPermalink(token); }, permalink.user_token);
    const ev = await waitForEvent(hostPage, 'permalink_ready or access_denied',
      (e) => e.type === 'permalink_ready' || (e.type === 'connection' && e.connectionStatus === 'access_denied'));
    assert.equal(ev.type, 'permalink_ready', `got ${JSON.stringify(ev)}${trace()}`);
    const content = ev.content;
    assert.match(content.access_key, TOKEN, 'content.access_key: 24 alphanumerics');
    assert.equal(content.room.id, permalink.id, 'content.room.id is the permalink id (D12)');
    assert.match(content.room.started_at, ISO_MS_Z, 'content.room.started_at is set');
    hostAccessKey = content.access_key;
    checkRoomResponse(content, srv, {
      roomId: permalink.id, roomName: 'Browser Room', userName: 'Hana Host', userId: 'hana', guest: false,
      permalinkGuestToken: permalink.guest_token,
    });
    const check = await apiFetch(srv, `/rooms/${hostAccessKey}`, { auth: false });
    assert.equal(check.status, 200, `GET /rooms/<access_key>: ${check.status} ${check.text}`);
    assert.equal(check.json.room.id, permalink.id);

    // The library's own request, as sent by Chromium: an EMPTY multipart body, no key.
    const start = await findRequest((r) => r.method === 'POST' && r.url === `${srv.apiUrl}/permalink/${permalink.user_token}`);
    assert.ok(start, `the library sent POST /permalink/<user_token>${trace()}`);
    assert.match(start.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    assert.match(start.postData ?? '', /^-+WebKitFormBoundary[A-Za-z0-9]+--\r\n$/, 'empty multipart body');
    assert.equal(start.headers.authorization, undefined, 'no Authorization header');
    assert.equal(start.status, 201, 'D13: 201');
  });

  it('after permalink_ready the library fetches the room (GET /rooms/<access_key>): received_room', { timeout: TIMEOUT }, async () => {
    const ev = await waitForEvent(hostPage, 'received_room or access_denied',
      (e) => e.type === 'connection' && (e.connectionStatus === 'received_room' || e.connectionStatus === 'access_denied'));
    assert.equal(ev.connectionStatus, 'received_room', `${JSON.stringify(ev)}${trace()}`);
    // Anything after this (ActionCable at links.websocket, SEPP) is out of scope here.
  });

  it('the waiting guest\'s 5 s re-poll sees the started meeting', { timeout: TIMEOUT }, async () => {
    const ev = await waitForEvent(guestPage, 'permalink_meeting_info with started_at',
      (e) => e.type === 'permalink_meeting_info' && e.room && e.room.started_at !== null, { timeoutMs: 12_000 });
    assert.match(ev.room.started_at, ISO_MS_Z);
    const errors = (await events(guestPage)).filter((e) => e.type === 'error' && e.content !== 'Request guest user failed');
    assert.deepEqual(errors, [], 'no other error events on the guest page');
    const infoCalls = requestLog.filter((r) => r.page === 'guest' && r.method === 'GET' && r.url === `${srv.apiUrl}/permalink/${permalink.guest_token}`);
    assert.ok(infoCalls.length >= 2 && infoCalls.every((r) => r.status === 200), `meeting info polled with 200s${trace()}`);
  });

  it('request_guest_user by guest token: guest_user with a valid access key', { timeout: TIMEOUT }, async () => {
    const from = (await events(guestPage)).length;
    await guestPage.evaluate(({ api, token }) => {
      window.eyeson.send({ type: 'request_guest_user', api, token, name: 'Gus Guest', locale: 'de' });
    }, { api: srv.apiUrl, token: permalink.guest_token });
    const ev = await waitForEvent(guestPage, 'guest_user or error', (e) => e.type === 'guest_user' || e.type === 'error', { from });
    assert.equal(ev.type, 'guest_user', `got ${JSON.stringify(ev)}${trace()}`);
    assert.match(ev.token, TOKEN);
    assert.notEqual(ev.token, hostAccessKey);
    const check = await apiFetch(srv, `/rooms/${ev.token}`, { auth: false });
    assert.equal(check.status, 200, `GET /rooms/<guest token>: ${check.status} ${check.text}`);
    assert.equal(check.json.room.id, permalink.id, 'the guest is in the permalink meeting');
    assert.equal(check.json.user.guest, true);
    assert.equal(check.json.user.name, 'Gus Guest');

    // The library's multipart body: name, email (the text "undefined" when none is given),
    // custom_fields[locale].
    const post = await findRequest((r) => r.method === 'POST' && r.url === `${srv.apiUrl}/guests/${permalink.guest_token}` && r.status === 201);
    assert.ok(post, `the library's guest POST was logged${trace()}`);
    const body = post.postData ?? '';
    assert.match(post.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    for (const [name, value] of [['name', 'Gus Guest'], ['email', 'undefined'], ['custom_fields[locale]', 'de']]) {
      assert.ok(body.includes(`name="${name}"\r\n\r\n${value}\r\n`), `multipart field ${name}=${value} in ${JSON.stringify(body)}`);
    }
  });

  it('terminate_meeting from the host page ends the meeting (DELETE with CORS preflight)', { timeout: TIMEOUT }, async () => {
    assert.ok(hostAccessKey, 'the host connected');
    await hostPage.evaluate(() => window.eyeson.send({ type: 'terminate_meeting' }));
    const del = await findRequest((r) => r.method === 'DELETE' && r.url === `${srv.apiUrl}/rooms/${hostAccessKey}`);
    assert.ok(del, `the library sent DELETE /rooms/<access_key>${trace()}`);
    assert.ok(!del.failed, `DELETE was not blocked (CORS preflight): ${del.failed}${trace()}`);
    assert.equal(del.status, 204, 'decisions.md: 204');
    const check = await apiFetch(srv, `/rooms/${hostAccessKey}`, { auth: false });
    assert.equal(check.status, 410, `D9: the ended meeting's access key answers 410, got ${check.status} ${check.text}`);
  });
});
