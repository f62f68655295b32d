import { test } from 'node:test';
import assert from 'node:assert/strict';

import { AnteroomError } from '../anteroom.js';
import { API, makeClient, roomResponse } from './helpers.mjs';

test('starting a permalink posts to its user token and returns the room response', async () => {
  const room = roomResponse();
  const { client, fetch } = makeClient({ routes: { 'POST /permalink/UserTok': { status: 201, body: room } } });
  assert.deepEqual(await client.startPermalink('UserTok', { name: 'Ann' }), room);
  assert.equal(fetch.calls[0].url, `${API}/permalink/UserTok`);
  assert.deepEqual(fetch.calls[0].body, { user: { name: 'Ann' } });
});

test('registering a guest sends name and locale', async () => {
  const { client, fetch } = makeClient({ routes: { 'POST /guests/GuestTok': { status: 201, body: roomResponse() } } });
  await client.registerGuest('GuestTok', { name: 'Bea', locale: 'de' });
  assert.deepEqual(fetch.calls[0].body, { name: 'Bea', custom_fields: { locale: 'de' } });
});

test('failures carry a code the UI can switch on', async () => {
  const { client } = makeClient({
    routes: {
      'POST /guests/Locked': { status: 423, body: { error: 'meeting is locked' } },
      'POST /guests/Early': { status: 409, body: { error: 'meeting not started' } },
      'POST /permalink/Old': { status: 410, body: { error: 'permalink expired' } },
      'GET /rooms/Ended': { status: 410, body: { error: 'access key expired: the meeting has ended' } },
      'GET /permalink/Nope': { status: 404, body: { error: 'unknown permalink or token' } },
    },
  });
  const code = (promise) => promise.then(() => 'ok', (err) => (assert.ok(err instanceof AnteroomError), err.code));
  assert.equal(await code(client.registerGuest('Locked', { name: 'x' })), 'locked');
  assert.equal(await code(client.registerGuest('Early', { name: 'x' })), 'not_started');
  assert.equal(await code(client.startPermalink('Old')), 'expired');
  assert.equal(await code(client.room('Ended')), 'gone');
  assert.equal(await code(client.meetingInfo('Nope')), 'not_found');
  assert.equal(await code(client.meetingInfo('Unrouted')), 'network');
});

test('tokens are escaped into the path', async () => {
  const { client, fetch } = makeClient({ routes: {} });
  await client.meetingInfo('a/b?c').catch(() => {});
  assert.equal(fetch.calls[0].url, `${API}/permalink/a%2Fb%3Fc`);
});
