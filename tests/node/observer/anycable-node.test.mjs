// The meeting observer with the unmodified `@anycable/core` in Node, connected the way the
// official Node SDK's observer connects (src/observer.js of @eyeson/node): createCable(
// `<api>/rt?room_id=<room>`, {websocketImplementation: ws, websocketOptions: {headers:
// {Authorization: <API key>}}}), then subscribeTo('RoomChannel').
//
// A real meeting drives it: POST /rooms starts it, a participant opens its realtime connection
// (`/realtime?access_key=`, docs/realtime.md) and leaves, chat goes through
// POST /rooms/<access_key>/messages, DELETE /rooms/<access_key> ends it. The observer must see
// room_update, participant_update (online true, then false) and chat, and the server must close
// the cable at shutdown. A webhook receiver on 127.0.0.1 (allowed by --webhooks-allow-private)
// checks the signature of what the same meeting sends there.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { createCable } from '@anycable/core';
import WebSocket from 'ws';

import { startServer } from '../lib/server.mjs';
import { apiFetch } from '../lib/api.mjs';

const TIMEOUT = 20_000;

let srv;
let receiver;
const hooks = [];

/** Resolves once `check()` returns something truthy; polls every 20 ms. */
async function until(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  srv = await startServer({ allowPrivateWebhooks: true });
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ raw: Buffer.concat(chunks), signature: req.headers['x-eyeson-signature'] });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
}, { timeout: TIMEOUT });

after(async () => {
  receiver?.close();
  await srv?.stop();
});

/** Opens an observer as @eyeson/node does; collects messages and how it closed. */
function observe(roomId, key = srv.apiKey) {
  const cable = createCable(`${srv.apiUrl}/rt?room_id=${roomId}`, {
    websocketImplementation: WebSocket,
    websocketOptions: { headers: { Authorization: key } },
    logLevel: 'error',
  });
  const seen = { messages: [], closed: null, connected: false };
  cable.on('close', (err) => { seen.closed = { reason: err?.reason ?? null }; });
  const channel = cable.subscribeTo('RoomChannel');
  channel.on('connect', () => { seen.connected = true; });
  channel.on('message', (message) => seen.messages.push(message));
  return { cable, seen };
}

const find = (seen, pred) => seen.messages.find(pred);

it('follows a real meeting: room_update, participant_update, chat, closed at shutdown', { timeout: TIMEOUT }, async () => {
  const registered = await apiFetch(srv, '/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${receiver.address().port}/hook`, types: 'room_update' }),
  });
  assert.equal(registered.status, 201, registered.text);

  const roomId = `observed-${Date.now()}`;
  const started = await apiFetch(srv, '/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: roomId, name: 'Observed', user: { name: 'Ann' } }),
  });
  assert.equal(started.status, 201, started.text);
  const accessKey = started.json.access_key;

  const { seen } = observe(roomId);
  const first = await until(() => find(seen, (m) => m.type === 'room_update'), 'the first room_update');
  assert.equal(seen.connected, true);
  assert.equal(first.content.id, roomId);
  assert.equal(first.content.ready, true);
  assert.equal(first.content.shutdown, false);

  // The participant's own realtime connection makes it online; `leave` makes it go at once.
  const participant = new WebSocket(`${srv.apiUrl.replace('http', 'ws')}/realtime?access_key=${accessKey}`);
  const online = await until(
    () => find(seen, (m) => m.type === 'participant_update' && m.participant.online === true),
    'participant_update online',
  );
  assert.equal(online.participant.name, 'Ann');
  assert.equal(online.participant.room_id, roomId);

  const said = await apiFetch(srv, `/rooms/${accessKey}/messages`, {
    method: 'POST',
    auth: false,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'chat', content: 'hello observer' }),
  });
  assert.equal(said.status, 201, said.text);
  const chat = await until(() => find(seen, (m) => m.type === 'chat'), 'chat');
  assert.equal(chat.content, 'hello observer');
  assert.equal(chat.user_id, started.json.user.id);

  participant.send(JSON.stringify({ type: 'leave' }));
  const offline = await until(
    () => find(seen, (m) => m.type === 'participant_update' && m.participant.online === false),
    'participant_update offline',
  );
  assert.equal(offline.participant.name, 'Ann');
  participant.terminate();

  const ended = await apiFetch(srv, `/rooms/${accessKey}`, { method: 'DELETE', auth: false });
  assert.equal(ended.status, 204, ended.text);
  const last = await until(
    () => find(seen, (m) => m.type === 'room_update' && m.content.shutdown === true),
    'room_update shutdown',
  );
  assert.equal(last.content.ready, false);
  const closed = await until(() => seen.closed, 'the server closing the cable');
  assert.equal(closed.reason, 'meeting_ended');

  // The webhook got both room_updates, signed as the SDKs check: hex HMAC-SHA256 of the raw body.
  await until(() => hooks.length >= 2, 'two webhooks');
  for (const hook of hooks) {
    const expected = createHmac('sha256', srv.apiKey).update(hook.raw).digest('hex');
    assert.equal(hook.signature, expected);
  }
  assert.deepEqual(hooks.map((h) => JSON.parse(h.raw).room.shutdown), [false, true]);
});

it('refuses a wrong key with `unauthorized`, and the client stops', { timeout: TIMEOUT }, async () => {
  const { seen } = observe('anything', 'not-a-key');
  const closed = await until(() => seen.closed, 'the refusal');
  assert.equal(closed.reason, 'unauthorized');
  assert.equal(seen.connected, false);
});
