import { test } from 'node:test';
import assert from 'node:assert/strict';

import { FakePeerConnection, fakeTrack, serverOffer, settle } from './fakes.mjs';
import { makeClient, participant, roomResponse, welcome } from './helpers.mjs';

function fakeMediaDevices() {
  const opened = [];
  return {
    opened,
    async getUserMedia(constraints) {
      opened.push(constraints);
      const tracks = [];
      if (constraints.audio) tracks.push(fakeTrack('audio'));
      if (constraints.video) tracks.push(fakeTrack('video'));
      return { getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'), getVideoTracks: () => tracks.filter((t) => t.kind === 'video') };
    },
    async getDisplayMedia() {
      const track = Object.assign(fakeTrack('video'), { listeners: {}, addEventListener(type, fn) { this.listeners[type] = fn; } });
      return { getVideoTracks: () => [track] };
    },
    async enumerateDevices() {
      return [{ kind: 'audioinput', deviceId: 'm1', label: 'Mic' }, { kind: 'videoinput', deviceId: 'c1', label: 'Cam' }];
    },
  };
}

async function joined(options = {}, welcomeArgs = {}) {
  const mediaDevices = fakeMediaDevices();
  const env = makeClient({ rtc: true, mediaDevices });
  const meeting = env.client.meeting(roomResponse(), options);
  const join = meeting.join();
  const ws = env.WebSocket.all[0];
  ws.serverOpen();
  ws.serverSend(welcome(welcomeArgs));
  await join;
  await settle();
  return { ...env, meeting, ws, mediaDevices };
}

test('the welcome fills the participant list', async () => {
  const { meeting } = await joined({}, { participants: [participant('bea')] });
  assert.deepEqual([...meeting.participants.keys()], ['bea']);
  assert.equal(meeting.session.participant_id, 'p-self');
  assert.equal(meeting.isGuest, false);
});

test('joins, updates and departures keep the list', async () => {
  const { meeting, ws } = await joined({}, { participants: [participant('bea')] });
  const seen = [];
  for (const type of ['participant_joined', 'participant_updated', 'participant_left']) meeting.on(type, (p) => seen.push(type));
  ws.serverSend({ type: 'participant_joined', participant: participant('cem') });
  ws.serverSend({ type: 'participant_updated', participant: participant('cem', { audio_muted: true }) });
  ws.serverSend({ type: 'participant_left', participant_id: 'bea', reason: 'kicked' });
  assert.deepEqual(seen, ['participant_joined', 'participant_updated', 'participant_left']);
  assert.deepEqual([...meeting.participants.keys()], ['cem']);
  assert.equal(meeting.participants.get('cem').audio_muted, true);
});

test('chat and custom messages go out and come in', async () => {
  const { meeting, ws } = await joined();
  const got = [];
  meeting.on('chat', (m) => got.push(['chat', m.content, m.name]));
  meeting.on('custom', (m) => got.push(['custom', m.content]));
  assert.equal(meeting.sendChat('hello'), true);
  meeting.sendCustom({ wave: true });
  assert.deepEqual(ws.sent.slice(-2), [{ type: 'chat', content: 'hello' }, { type: 'custom', content: '{"wave":true}' }]);
  ws.serverSend({ type: 'chat', message: { content: 'hi', name: 'Bea', participant_id: 'bea' } });
  ws.serverSend({ type: 'custom', message: { content: 'x' } });
  assert.deepEqual(got, [['chat', 'hi', 'Bea'], ['custom', 'x']]);
});

test('host controls send their messages', async () => {
  const { meeting, ws } = await joined();
  meeting.kick('u-bea');
  meeting.lock();
  meeting.setLayer('bea', 'l');
  meeting.end();
  assert.deepEqual(ws.sent.slice(-4), [
    { type: 'kick', user_id: 'u-bea' },
    { type: 'lock' },
    { type: 'layer', participant_id: 'bea', layer: 'l' },
    { type: 'end' },
  ]);
});

test('locked sets the flag and tells the UI', async () => {
  const { meeting, ws } = await joined();
  let locked = false;
  meeting.on('locked', () => (locked = true));
  ws.serverSend({ type: 'locked' });
  assert.equal(locked, true);
  assert.equal(meeting.locked, true);
});

test('joining with devices publishes them and says nothing is muted', async () => {
  const { meeting, ws, mediaDevices } = await joined({ audio: true, video: { deviceId: { exact: 'c1' } } });
  assert.equal(mediaDevices.opened.length, 2);
  assert.deepEqual(mediaDevices.opened[1].video.deviceId, { exact: 'c1' });
  assert.ok(meeting.localTracks.audio && meeting.localTracks.camera);
  assert.deepEqual(ws.sent.filter((m) => m.type === 'mute').at(-1), { type: 'mute', audio: false, video: false });
  const [audio, camera] = meeting.peerConnection.getTransceivers();
  assert.equal(audio.direction, 'sendonly');
  assert.equal(camera.sender.track, meeting.localTracks.camera);
});

test('muting disables the track and tells the server', async () => {
  const { meeting, ws } = await joined({ audio: fakeTrack('audio') });
  meeting.mute({ audio: true });
  assert.equal(meeting.localTracks.audio.enabled, false);
  assert.deepEqual(ws.sent.at(-1), { type: 'mute', audio: true, video: true });
  meeting.mute({ audio: false });
  assert.deepEqual(ws.sent.at(-1), { type: 'mute', audio: false, video: true });
});

test('turning the camera off stops it and stops sending', async () => {
  const { meeting, ws } = await joined({ video: true });
  const camera = meeting.localTracks.camera;
  await meeting.unpublishCamera();
  assert.equal(camera.stopped, true);
  assert.equal(meeting.peerConnection.getTransceivers()[1].direction, 'inactive');
  assert.equal(ws.sent.filter((m) => m.type === 'mute').at(-1).video, true);
  await meeting.publishCamera(true);
  assert.equal(meeting.peerConnection.getTransceivers()[1].direction, 'sendonly');
});

test('screen sharing ends when the browser stops it', async () => {
  const { meeting } = await joined();
  const track = await meeting.shareScreen();
  assert.equal(meeting.localTracks.screen, track);
  assert.equal(track.contentHint, undefined, 'fake tracks have no contentHint');
  track.listeners.ended();
  await settle();
  assert.equal(meeting.localTracks.screen, null);
  assert.equal(meeting.peerConnection.getTransceivers()[2].direction, 'inactive');
});

test('remote tracks arrive through server offers', async () => {
  const { meeting, ws } = await joined();
  const tracks = [];
  meeting.on('track', (t) => tracks.push([t.participantId, t.kind]));
  ws.serverSend({ type: 'sdp', description: { type: 'answer', sdp: 'a' } });
  ws.serverSend({ type: 'sdp', description: serverOffer([{ mid: '5', kind: 'video' }]), tracks: [{ mid: '5', participant_id: 'bea', kind: 'camera' }] });
  await settle();
  assert.deepEqual(tracks, [['bea', 'camera']]);
  assert.equal(ws.sent.filter((m) => m.type === 'sdp').at(-1).description.type, 'answer');
});

test('a welcome that is not resumed starts the media over', async () => {
  const { meeting, ws, clock, WebSocket } = await joined({ audio: true });
  const first = meeting.peerConnection;
  ws.serverClose(1006);
  await clock.advance(500);
  WebSocket.all[1].serverOpen();
  WebSocket.all[1].serverSend(welcome({ resumed: false }));
  await settle();
  assert.notEqual(meeting.peerConnection, first);
  assert.equal(first.closed, true);
  assert.equal(meeting.peerConnection.getTransceivers()[0].sender.track, meeting.localTracks.audio);
});

test('a resumed welcome keeps the peer connection', async () => {
  const { meeting, ws, clock, WebSocket } = await joined();
  const first = meeting.peerConnection;
  ws.serverClose(1006);
  await clock.advance(500);
  WebSocket.all[1].serverOpen();
  WebSocket.all[1].serverSend(welcome({ resumed: true }));
  await settle();
  assert.equal(meeting.peerConnection, first);
  assert.equal(FakePeerConnection.all.length, 1);
});

test('closing stops local tracks and the peer connection', async () => {
  const { meeting, ws } = await joined({ audio: true, video: true });
  const { audio, camera } = meeting.localTracks;
  ws.serverSend({ type: 'closed', reason: 'kicked' });
  assert.equal(audio.stopped && camera.stopped, true);
  assert.equal(meeting.peerConnection, null);
  assert.equal(meeting.state, 'closed');
});

test('server refusals are reported as errors, not thrown', async () => {
  const { meeting, ws } = await joined();
  const errors = [];
  meeting.on('error', (e) => errors.push(e));
  ws.serverSend({ type: 'error', error: 'kick is not available' });
  assert.deepEqual(errors, [{ source: 'server', message: 'kick is not available' }]);
});

test('devices are listed by kind', async () => {
  const { client } = makeClient({ mediaDevices: fakeMediaDevices() });
  const devices = await client.devices();
  assert.deepEqual(devices.videoinput, [{ kind: 'videoinput', deviceId: 'c1', label: 'Cam' }]);
});

test('news about this participant itself does not add it to the others', async () => {
  const { meeting, ws } = await joined({}, { participants: [participant('p-self'), participant('bea')] });
  assert.deepEqual([...meeting.participants.keys()], ['bea']);
  ws.serverSend({ type: 'participant_updated', participant: participant('p-self', { audio_muted: true }) });
  assert.deepEqual([...meeting.participants.keys()], ['bea']);
});
