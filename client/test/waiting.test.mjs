import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isExpired } from '../anteroom.js';
import { settle } from './fakes.mjs';
import { API, makeClient } from './helpers.mjs';

const idle = { permalink: { id: 'p', expires_at: null }, room: { id: 'p', name: 'Weekly', started_at: null, ready: false }, options: {} };
const running = { ...idle, room: { ...idle.room, started_at: '2026-01-01T10:00:00.000Z', ready: true } };

test('the promise resolves when the server pushes the start, not before', async () => {
  const { client, EventSource } = makeClient();
  let done = null;
  const infos = [];
  client.waitForMeeting('Guest', { onInfo: (i) => infos.push(i) }).then((info) => (done = info));
  const [source] = EventSource.all;
  assert.equal(source.url, `${API}/permalink/Guest/events`);
  source.fire('open');
  source.fire('info', idle);
  await settle();
  assert.equal(done, null);
  source.fire('info', running);
  await settle();
  assert.deepEqual(done, running);
  assert.equal(infos.length, 2);
  assert.equal(source.readyState, 2, 'the stream is closed once the wait is over');
});

test('a meeting that already runs resolves at the first info', async () => {
  const { client, EventSource } = makeClient();
  const wait = client.waitForMeeting('Guest');
  EventSource.all[0].fire('info', running);
  assert.deepEqual(await wait, running);
});

test('a deleted permalink rejects with gone', async () => {
  const { client, EventSource } = makeClient();
  const wait = client.waitForMeeting('Guest');
  EventSource.all[0].fire('info', idle);
  EventSource.all[0].fire('gone');
  await assert.rejects(wait, { code: 'gone' });
});

test('a stream the browser gave up on is checked over REST: 404 means gone', async () => {
  const { client, EventSource, fetch } = makeClient({
    routes: { 'GET /permalink/Guest': { status: 404, body: { error: 'unknown permalink or token' } } },
  });
  const wait = client.waitForMeeting('Guest');
  EventSource.all[0].fail(2);
  await assert.rejects(wait, { code: 'gone' });
  assert.equal(fetch.calls.length, 1);
});

test('a network failure reopens the stream after a backoff delay', async () => {
  const { client, clock, EventSource } = makeClient({ routes: {} });
  const watcher = client.watchPermalink('Guest');
  const states = [];
  watcher.on('connection', ({ state }) => states.push(state));
  EventSource.all[0].fail(2);
  await settle();
  assert.equal(EventSource.all.length, 1);
  await clock.advance(499);
  assert.equal(EventSource.all.length, 1);
  await clock.advance(1);
  assert.equal(EventSource.all.length, 2);
  EventSource.all[1].fire('open');
  assert.deepEqual(states, ['reconnecting', 'open']);
  watcher.close();
});

test('while the browser retries by itself nothing else is opened', async () => {
  const { client, clock, EventSource, fetch } = makeClient();
  const watcher = client.watchPermalink('Guest');
  EventSource.all[0].fail(0);
  await clock.advance(60_000);
  assert.equal(EventSource.all.length, 1);
  assert.equal(fetch.calls.length, 0);
  watcher.close();
});

test('the watcher tells of starts and ends', async () => {
  const { client, EventSource } = makeClient();
  const watcher = client.watchPermalink('Guest');
  const seen = [];
  for (const type of ['started', 'ended']) watcher.on(type, () => seen.push(type));
  const source = EventSource.all[0];
  source.fire('info', idle);
  source.fire('info', running);
  source.fire('info', running);
  source.fire('info', idle);
  assert.deepEqual(seen, ['started', 'ended']);
  watcher.close();
});

test('an expired permalink without a meeting rejects at once', async () => {
  const { client, clock, EventSource } = makeClient();
  const wait = client.waitForMeeting('Guest');
  const past = new Date(clock.now() - 1000).toISOString();
  EventSource.all[0].fire('info', { ...idle, permalink: { ...idle.permalink, expires_at: past } });
  await assert.rejects(wait, { code: 'expired' });
});

test('a permalink that expires while waiting rejects when it does', async () => {
  const { client, clock, EventSource } = makeClient();
  let outcome = null;
  client.waitForMeeting('Guest').catch((err) => (outcome = err.code));
  const soon = new Date(clock.now() + 60_000).toISOString();
  EventSource.all[0].fire('info', { ...idle, permalink: { ...idle.permalink, expires_at: soon } });
  await clock.advance(59_000);
  assert.equal(outcome, null);
  await clock.advance(1_000);
  assert.equal(outcome, 'expired');
});

test('an expired permalink whose meeting runs still lets guests in', () => {
  const past = '2020-01-01T00:00:00.000Z';
  assert.equal(isExpired({ ...running, permalink: { expires_at: past } }, Date.now()), false);
  assert.equal(isExpired({ ...idle, permalink: { expires_at: past } }, Date.now()), true);
});

test('aborting stops the wait and closes the stream', async () => {
  const { client, EventSource } = makeClient();
  const controller = new AbortController();
  const wait = client.waitForMeeting('Guest', { signal: controller.signal });
  controller.abort(new Error('left the page'));
  await assert.rejects(wait, /left the page/);
  assert.equal(EventSource.all[0].readyState, 2);
});
