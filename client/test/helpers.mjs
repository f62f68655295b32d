// Builds a client wired to fakes only.

import { Anteroom } from '../anteroom.js';
import { FakeClock, FakePeerConnection, fakeEventSourceClass, fakeFetch, fakeWebSocketClass } from './fakes.mjs';

export const API = 'http://api.test';

export function makeClient({ routes = {}, rtc = false, mediaDevices, random = () => 0.5 } = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const EventSource = fakeEventSourceClass();
  const fetch = fakeFetch(routes);
  FakePeerConnection.all = [];
  const client = new Anteroom({
    api: API,
    fetch,
    WebSocket,
    EventSource,
    RTCPeerConnection: rtc ? FakePeerConnection : null,
    mediaDevices,
    timers: clock.timers,
    now: clock.now,
    random,
  });
  return { client, clock, WebSocket, EventSource, fetch };
}

/** A room response as the server gives it, trimmed to what the client reads. */
export function roomResponse(overrides = {}) {
  return {
    access_key: 'AccessKey0123456789abcde',
    ready: true,
    locked: false,
    room: { id: 'r1', name: 'Weekly', guest_token: 'G' },
    user: { id: 'u1', name: 'Ann', guest: false },
    links: { self: `${API}/rooms/AccessKey0123456789abcde` },
    options: { show_names: true, exit_url: null, custom_fields: {} },
    signaling: { type: 'anteroom', options: { endpoint: 'ws://api.test/realtime', stun_servers: [], turn_servers: [] } },
    ...overrides,
  };
}

export function welcome({ resumed = false, participants = [], locked = false } = {}) {
  return {
    type: 'welcome',
    session: { participant_id: 'p-self', user_id: 'u1', name: 'Ann', guest: false, resumed },
    meeting: { id: 'm1', room_id: 'r1', name: 'Weekly', started_at: '2026-01-01T00:00:00.000Z', locked, options: { show_names: true } },
    participants,
  };
}

export function participant(id, extra = {}) {
  return {
    participant_id: id,
    user_id: `u-${id}`,
    name: `Name ${id}`,
    avatar: null,
    guest: true,
    audio_muted: false,
    video_muted: false,
    screen: false,
    ...extra,
  };
}
