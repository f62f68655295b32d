// The meeting observer with the unmodified `@rails/actioncable` (what the official browser
// library uses) in Debian's Chromium, driven by playwright-core.
//
// A browser cannot set headers on a WebSocket, so the API key travels as a sub-protocol entry
// next to `actioncable-v1-json`: consumer.addSubProtocol('anteroom-api-key.<key>') (Rails 7.1+).
// The page also opens the participant's `links.websocket` (`/rt?access_key=`) with a second
// consumer and performs `user_joins`, as the `eyeson` library does before it joins: that is
// what makes the participant online here. The page comes from its own 127.0.0.1 origin, so the
// WebSockets are cross-origin.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { startServer } from '../lib/server.mjs';
import { apiFetch } from '../lib/api.mjs';

const TIMEOUT = 30_000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

const require = createRequire(import.meta.url);
const ACTIONCABLE = path.join(
  path.dirname(require.resolve('@rails/actioncable/package.json')),
  'app/assets/javascripts/actioncable.esm.js',
);

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>@rails/actioncable observer page</title>
<script type="module">
  import { createConsumer } from '/actioncable.esm.js';
  window.__logs = {};
  // One consumer per name; its channel's callbacks are recorded.
  window.__open = (name, url, subprotocol, action) => {
    const log = { received: [], connected: 0, disconnected: [] };
    window.__logs[name] = log;
    const consumer = createConsumer(url);
    if (subprotocol) consumer.addSubProtocol(subprotocol);
    const subscription = consumer.subscriptions.create({ channel: 'RoomChannel' }, {
      connected() { log.connected += 1; if (action) this.perform(action); },
      disconnected(details) { log.disconnected.push(details); },
      received(message) { log.received.push(message); },
    });
    log.isOpen = () => consumer.connection.isOpen();
    log.monitorRunning = () => consumer.connection.monitor.isRunning();
    window['__consumer_' + name] = consumer;
    return true;
  };
  window.__ready = true;
</script>
`;

function startPageServer() {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url === '/actioncable.esm.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(await readFile(ACTIONCABLE));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

let srv;
let pages;
let browser;
let page;

before(async () => {
  srv = await startServer();
  pages = await startPageServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  page = await (await browser.newContext()).newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => window.__ready === true);
}, { timeout: TIMEOUT });

after(async () => {
  try { await browser?.close(); } catch { /* already gone */ }
  pages?.server.close();
  await srv?.stop();
});

/** Polls the page until `fn(arg)` gives something truthy (page.waitForFunction, sync predicate). */
async function inPage(fn, arg, what) {
  try {
    return await (await page.waitForFunction(fn, arg, { timeout: 10_000, polling: 50 })).jsonValue();
  } catch (err) {
    const logs = await page.evaluate(() => JSON.stringify(window.__logs));
    throw new Error(`timed out waiting for ${what}; logs: ${logs}\n${err.message}`);
  }
}

it('observes a real meeting from Chromium and is closed at shutdown', { timeout: TIMEOUT }, async () => {
  const roomId = `browser-${Date.now()}`;
  const started = await apiFetch(srv, '/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: roomId, name: 'Seen from a browser', user: { name: 'Bea' } }),
  });
  assert.equal(started.status, 201, started.text);
  const accessKey = started.json.access_key;
  const ws = srv.apiUrl.replace('http', 'ws');

  await page.evaluate(
    ([url, protocol]) => window.__open('observer', url, protocol),
    [`${ws}/rt?room_id=${roomId}`, `anteroom-api-key.${srv.apiKey}`],
  );
  const first = await inPage(
    () => window.__logs.observer.received.find((m) => m.type === 'room_update'),
    undefined,
    'the first room_update',
  );
  assert.equal(first.content.id, roomId);
  assert.equal(first.content.ready, true);

  // The participant's links.websocket, with the user_joins the eyeson library performs.
  assert.equal(started.json.links.websocket, `${ws}/rt?access_key=${accessKey}`);
  await page.evaluate((url) => window.__open('participant', url, null, 'user_joins'), started.json.links.websocket);
  const setup = await inPage(
    () => window.__logs.participant.received.find((m) => m.type === 'room_setup'),
    undefined,
    'room_setup',
  );
  assert.equal(setup.content.access_key, accessKey);
  const online = await inPage(
    () => window.__logs.observer.received.find((m) => m.type === 'participant_update' && m.participant.online),
    undefined,
    'participant_update online',
  );
  assert.equal(online.participant.name, 'Bea');

  const said = await apiFetch(srv, `/rooms/${accessKey}/messages`, {
    method: 'POST',
    auth: false,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'chat', content: 'hi from the API' }),
  });
  assert.equal(said.status, 201, said.text);
  const chat = await inPage(
    () => window.__logs.observer.received.find((m) => m.type === 'chat'),
    undefined,
    'chat',
  );
  assert.equal(chat.content, 'hi from the API');

  await page.evaluate(() => window.__consumer_participant.disconnect());
  const offline = await inPage(
    () => window.__logs.observer.received.find((m) => m.type === 'participant_update' && m.participant.online === false),
    undefined,
    'participant_update offline',
  );
  assert.equal(offline.participant.name, 'Bea');

  const ended = await apiFetch(srv, `/rooms/${accessKey}`, { method: 'DELETE', auth: false });
  assert.equal(ended.status, 204, ended.text);
  const last = await inPage(
    () => window.__logs.observer.received.find((m) => m.type === 'room_update' && m.content.shutdown),
    undefined,
    'room_update shutdown',
  );
  assert.equal(last.content.ready, false);
  // The server's disconnect (reconnect: false) closes the socket and stops the monitor.
  await inPage(
    () => window.__logs.observer.disconnected.length > 0 && !window.__logs.observer.isOpen(),
    undefined,
    'the server closing the observer',
  );
  const state = await page.evaluate(() => ({
    disconnected: window.__logs.observer.disconnected,
    monitor: window.__logs.observer.monitorRunning(),
  }));
  assert.deepEqual(state.disconnected.at(-1), { willAttemptReconnect: false });
  assert.equal(state.monitor, false);
});

it('refuses a wrong key, and the browser client stops reconnecting', { timeout: TIMEOUT }, async () => {
  const ws = srv.apiUrl.replace('http', 'ws');
  await page.evaluate((url) => window.__open('intruder', url, 'anteroom-api-key.wrong'), `${ws}/rt?room_id=any`);
  await inPage(() => !window.__logs.intruder.monitorRunning(), undefined, 'the monitor to stop');
  const log = await page.evaluate(() => ({ connected: window.__logs.intruder.connected, open: window.__logs.intruder.isOpen() }));
  assert.deepEqual(log, { connected: 0, open: false });
});
