import { test } from 'node:test';
import assert from 'node:assert/strict';

import { settle } from './fakes.mjs';
import { makeClient, roomResponse, welcome } from './helpers.mjs';

async function joined(routes = {}) {
  const env = makeClient({ routes });
  const meeting = env.client.meeting(roomResponse());
  const states = [];
  meeting.on('state', ({ state }) => states.push(state));
  const join = meeting.join();
  const ws = env.WebSocket.all[0];
  ws.serverOpen();
  ws.serverSend(welcome());
  await join;
  return { ...env, meeting, ws, states };
}

test('connects to the endpoint with the access key', async () => {
  const { ws, meeting, states } = await joined();
  assert.equal(ws.url, 'ws://api.test/realtime?access_key=AccessKey0123456789abcde');
  assert.equal(meeting.state, 'connected');
  assert.deepEqual(states, ['connecting', 'connected']);
});

test('pings every 15 seconds', async () => {
  const { ws, clock } = await joined();
  const pings = () => ws.sent.filter((m) => m.type === 'ping').length;
  await clock.advance(14_999);
  assert.equal(pings(), 0);
  await clock.advance(1);
  assert.equal(pings(), 1);
  ws.serverSend({ type: 'pong' });
  await clock.advance(15_000);
  assert.equal(pings(), 2);
});

test('a dropped connection comes back after 0.5, 1, 2, 4, 8, 8 seconds', async () => {
  const { ws, clock, WebSocket, meeting } = await joined();
  ws.serverClose(1006);
  await settle();
  assert.equal(meeting.state, 'reconnecting');
  const expected = [500, 1000, 2000, 4000, 8000, 8000];
  for (const [i, delay] of expected.entries()) {
    assert.deepEqual(clock.pending().filter((d) => d !== 15_000 && d <= 8000), [delay], `attempt ${i}`);
    await clock.advance(delay);
    assert.equal(WebSocket.all.length, i + 2);
    const next = WebSocket.all.at(-1);
    next.serverOpen();
    next.serverClose(1006);
    await settle();
  }
});

test('the backoff starts over once a welcome arrives', async () => {
  const { ws, clock, WebSocket, meeting } = await joined();
  ws.serverClose(1006);
  await clock.advance(500);
  WebSocket.all[1].serverOpen();
  WebSocket.all[1].serverClose(1006);
  await clock.advance(1000);
  const third = WebSocket.all[2];
  third.serverOpen();
  third.serverSend(welcome({ resumed: true }));
  assert.equal(meeting.state, 'connected');
  third.serverClose(1006);
  await settle();
  await clock.advance(500);
  assert.equal(WebSocket.all.length, 4);
});

test('a resumed welcome keeps the same meeting and participant', async () => {
  const { ws, clock, WebSocket, meeting } = await joined();
  const events = [];
  meeting.on('welcome', (w) => events.push(w.resumed));
  ws.serverClose(1006);
  await clock.advance(500);
  WebSocket.all[1].serverOpen();
  WebSocket.all[1].serverSend(welcome({ resumed: true }));
  assert.deepEqual(events, [true]);
  assert.equal(WebSocket.all[1].url, ws.url, 'same access key');
  assert.ok(WebSocket.all[1].sent.some((m) => m.type === 'mute'), 'mute state is sent again');
});

for (const [reason, code] of [['kicked', 4001], ['removed', 4002], ['replaced', 4003]]) {
  test(`closed ${reason} is final: no reconnect`, async () => {
    const { ws, clock, WebSocket, meeting } = await joined();
    let closed = null;
    meeting.on('closed', (c) => (closed = c));
    ws.serverSend({ type: 'closed', reason });
    ws.serverClose(code);
    await clock.advance(60_000);
    assert.deepEqual(closed, { reason, ended: null });
    assert.equal(meeting.state, 'closed');
    assert.equal(WebSocket.all.length, 1);
  });
}

test('closed ended tells the reason and who ended it', async () => {
  const { ws, meeting } = await joined();
  let closed = null;
  meeting.on('closed', (c) => (closed = c));
  ws.serverSend({ type: 'closed', reason: 'ended', ended: { reason: 'stopped', by: 'Ann' } });
  assert.deepEqual(closed, { reason: 'ended', ended: { reason: 'stopped', by: 'Ann' } });
  assert.equal(ws.closedWith, 1000);
});

test('a final close code without its message is final too', async () => {
  const { ws, clock, WebSocket, meeting } = await joined();
  ws.serverClose(4003);
  await clock.advance(60_000);
  assert.equal(meeting.closed.reason, 'replaced');
  assert.equal(WebSocket.all.length, 1);
});

test('a refused reconnect is looked up: 410 means the meeting ended', async () => {
  const { ws, clock, WebSocket, meeting } = await joined({
    'GET /rooms/AccessKey0123456789abcde': { status: 410, body: { error: 'meeting has ended' } },
  });
  ws.serverClose(1006);
  await clock.advance(500);
  WebSocket.all[1].serverClose(1006);
  await settle();
  assert.deepEqual(meeting.closed, { reason: 'ended', ended: null });
  await clock.advance(60_000);
  assert.equal(WebSocket.all.length, 2);
});

test('a refused reconnect of a live meeting keeps trying', async () => {
  const { ws, clock, WebSocket } = await joined({
    'GET /rooms/AccessKey0123456789abcde': { status: 200, body: roomResponse() },
  });
  ws.serverClose(1006);
  await clock.advance(500);
  WebSocket.all[1].serverClose(1006);
  await settle();
  await clock.advance(1000);
  assert.equal(WebSocket.all.length, 3);
});

test('a connection silent for 45 seconds is given up and replaced', async () => {
  const { clock, WebSocket, meeting } = await joined();
  await clock.advance(45_000);
  assert.equal(WebSocket.all.length, 1);
  await clock.advance(15_000);
  assert.equal(meeting.state, 'reconnecting');
  await clock.advance(500);
  assert.equal(WebSocket.all.length, 2);
});

test('join rejects when the first connection is refused for an ended meeting', async () => {
  const env = makeClient({ routes: { 'GET /rooms/AccessKey0123456789abcde': { status: 410, body: { error: 'ended' } } } });
  const join = env.client.meeting(roomResponse()).join();
  env.WebSocket.all[0].serverClose(1006);
  await assert.rejects(join, { code: 'ended' });
});

test('leaving sends leave and ends without reconnecting', async () => {
  const { ws, clock, WebSocket, meeting } = await joined();
  const left = meeting.leave();
  assert.equal(ws.sent.at(-1).type, 'leave');
  ws.serverSend({ type: 'closed', reason: 'left' });
  await left;
  assert.equal(meeting.closed.reason, 'left');
  await clock.advance(60_000);
  assert.equal(WebSocket.all.length, 1);
});

test('leaving without an answer closes after a short wait', async () => {
  const { clock, meeting } = await joined();
  const left = meeting.leave();
  await clock.advance(1500);
  await left;
  assert.equal(meeting.closed.reason, 'left');
});

test('frames that are not JSON are ignored', async () => {
  const { ws, meeting } = await joined();
  ws.serverSend('not json');
  ws.serverSend({ no: 'type' });
  assert.equal(meeting.state, 'connected');
});
