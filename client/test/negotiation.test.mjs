import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CAMERA_ENCODINGS, Negotiator } from '../anteroom.js';
import { FakePeerConnection, fakeTrack, serverOffer, settle } from './fakes.mjs';

function setup() {
  const sent = [];
  const negotiator = new Negotiator({ RTCPeerConnection: FakePeerConnection }, { send: (m) => sent.push(m), participantId: 'me' });
  const events = [];
  negotiator.on('track', (t) => events.push(['track', t.mid, t.participantId, t.kind]));
  negotiator.on('track_removed', (t) => events.push(['removed', t.mid, t.participantId, t.kind]));
  negotiator.on('error', (e) => events.push(['error', e.message]));
  return { negotiator, pc: negotiator.pc, sent, events };
}

const offers = (sent) => sent.filter((m) => m.description.type === 'offer');
const answer = { type: 'answer', sdp: 'server answer' };

test('audio and camera transceivers come first, the camera in simulcast h and l', async () => {
  const { pc } = setup();
  const [audio, camera] = pc.getTransceivers();
  assert.equal(audio.kind, 'audio');
  assert.equal(camera.kind, 'video');
  assert.deepEqual(camera.init.sendEncodings, [{ rid: 'h' }, { rid: 'l', scaleResolutionDownBy: 2 }]);
  assert.deepEqual(CAMERA_ENCODINGS.map((e) => e.rid), ['h', 'l']);
});

test('publishing offers what is sent, with the kinds of its mids', async () => {
  const { negotiator, pc, sent } = setup();
  await settle();
  negotiator.handle({ type: 'sdp', description: answer });
  await settle();
  negotiator.setTrack('audio', fakeTrack('audio'));
  await negotiator.setTrack('camera', fakeTrack('video'));
  await settle();
  const last = offers(sent).at(-1);
  assert.deepEqual(last.tracks, [
    { mid: '0', participant_id: 'me', kind: 'audio' },
    { mid: '1', participant_id: 'me', kind: 'camera' },
  ]);
  assert.equal(pc.signalingState, 'have-local-offer');
});

test('a server offer is answered and its tracks mapped to participants', async () => {
  const { negotiator, pc, sent, events } = setup();
  await settle();
  await negotiator.handle({ type: 'sdp', description: answer });
  await negotiator.handle({
    type: 'sdp',
    description: serverOffer([{ mid: '2', kind: 'audio' }, { mid: '3', kind: 'video' }]),
    tracks: [{ mid: '2', participant_id: 'bea', kind: 'audio' }, { mid: '3', participant_id: 'bea', kind: 'camera' }],
  });
  assert.equal(pc.signalingState, 'stable');
  assert.equal(sent.at(-1).description.type, 'answer');
  assert.deepEqual(events, [['track', '2', 'bea', 'audio'], ['track', '3', 'bea', 'camera']]);
  assert.equal(negotiator.remoteTracks.length, 2);
});

test('a track that leaves the list is removed; a reused mid is re-announced', async () => {
  const { negotiator, events } = setup();
  await settle();
  await negotiator.handle({ type: 'sdp', description: answer });
  const lines = [{ mid: '2', kind: 'video' }, { mid: '3', kind: 'video' }];
  await negotiator.handle({ type: 'sdp', description: serverOffer(lines), tracks: [
    { mid: '2', participant_id: 'bea', kind: 'camera' }, { mid: '3', participant_id: 'cem', kind: 'camera' },
  ] });
  events.length = 0;
  await negotiator.handle({ type: 'sdp', description: serverOffer(lines), tracks: [{ mid: '2', participant_id: 'dan', kind: 'screen' }] });
  assert.deepEqual(events, [
    ['removed', '2', 'bea', 'camera'],
    ['removed', '3', 'cem', 'camera'],
    ['track', '2', 'dan', 'screen'],
  ]);
});

test('collision: the polite client rolls back, answers, then offers again', async () => {
  const { negotiator, pc, sent, events } = setup();
  await settle();
  assert.equal(offers(sent).length, 1, 'the initial offer went out');
  assert.equal(pc.signalingState, 'have-local-offer');
  await negotiator.handle({
    type: 'sdp',
    description: serverOffer([{ mid: '2', kind: 'audio' }]),
    tracks: [{ mid: '2', participant_id: 'bea', kind: 'audio' }],
  });
  await settle();
  assert.deepEqual(pc.log.slice(0, 5), ['setLocal:offer', 'setLocal:rollback', 'setRemote:offer', 'setLocal:answer', 'setLocal:offer']);
  assert.deepEqual(sent.map((m) => m.description.type), ['offer', 'answer', 'offer']);
  assert.equal(pc.signalingState, 'have-local-offer');
  assert.deepEqual(events, [['track', '2', 'bea', 'audio']]);
});

test('an answer to a rolled-back offer is ignored', async () => {
  const { negotiator, pc, sent, events } = setup();
  await settle();
  await negotiator.handle({ type: 'sdp', description: serverOffer([]), tracks: [] });
  await settle();
  await negotiator.handle({ type: 'sdp', description: answer });
  assert.equal(pc.signalingState, 'stable');
  await negotiator.handle({ type: 'sdp', description: answer });
  assert.equal(pc.signalingState, 'stable');
  assert.equal(events.filter((e) => e[0] === 'error').length, 0);
  assert.equal(offers(sent).length, 2);
});

test('changes made while an offer is out are offered after its answer', async () => {
  const { negotiator, sent } = setup();
  await settle();
  await negotiator.setTrack('audio', fakeTrack('audio'));
  await settle();
  assert.equal(offers(sent).length, 1);
  await negotiator.handle({ type: 'sdp', description: answer });
  await settle();
  assert.equal(offers(sent).length, 2);
  assert.deepEqual(offers(sent)[1].tracks.map((t) => t.kind), ['audio']);
});

test('screen sharing adds one transceiver and reuses it', async () => {
  const { negotiator, pc } = setup();
  await settle();
  await negotiator.handle({ type: 'sdp', description: answer });
  await negotiator.setTrack('screen', fakeTrack('video'));
  assert.equal(pc.getTransceivers().length, 3);
  await negotiator.setTrack('screen', null);
  assert.equal(pc.getTransceivers()[2].direction, 'inactive');
  await negotiator.setTrack('screen', fakeTrack('video'));
  assert.equal(pc.getTransceivers().length, 3);
  assert.equal(pc.getTransceivers()[2].direction, 'sendonly');
});

test('resync rolls back an offer that may have been lost and offers again', async () => {
  const { negotiator, pc, sent } = setup();
  await settle();
  await negotiator.resync();
  await settle();
  assert.ok(pc.log.includes('setLocal:rollback'));
  assert.equal(offers(sent).length, 2);
});

test('a failed connection restarts ICE', async () => {
  const { pc } = setup();
  pc.setConnectionState('failed');
  assert.ok(pc.log.includes('restartIce'));
});

test('closing removes every remote track', async () => {
  const { negotiator, events } = setup();
  await settle();
  await negotiator.handle({ type: 'sdp', description: answer });
  await negotiator.handle({ type: 'sdp', description: serverOffer([{ mid: '2', kind: 'audio' }]), tracks: [{ mid: '2', participant_id: 'bea', kind: 'audio' }] });
  negotiator.close();
  assert.deepEqual(events.at(-1), ['removed', '2', 'bea', 'audio']);
});

test('a camera turned on around a server offer is offered even without negotiationneeded', async () => {
  // Seen in browsers about one run in ten: the first offer goes out with the
  // camera still inactive, the server answers it and sends its own offer, the
  // client answers, the camera becomes sendonly, and `negotiationneeded`
  // never comes. Nothing would offer the camera again.
  const { negotiator, pc, sent } = setup();
  await settle();
  assert.equal(offers(sent).length, 1);
  assert.equal(JSON.parse(offers(sent)[0].description.sdp)[1].direction, 'inactive');
  pc.dropNegotiationNeeded = true;
  await negotiator.handle({ type: 'sdp', description: answer });
  await negotiator.handle({
    type: 'sdp',
    description: serverOffer([{ mid: '2', kind: 'audio' }, { mid: '3', kind: 'video' }]),
    tracks: [{ mid: '2', participant_id: 'bea', kind: 'audio' }, { mid: '3', participant_id: 'bea', kind: 'camera' }],
  });
  assert.equal(sent.at(-1).description.type, 'answer');
  await negotiator.setTrack('camera', fakeTrack('video'));
  await settle();
  const last = offers(sent).at(-1);
  assert.ok(offers(sent).length >= 2, 'offered again');
  assert.equal(JSON.parse(last.description.sdp)[1].direction, 'sendonly');
  assert.deepEqual(last.tracks.map((t) => t.kind), ['camera']);
  assert.equal(pc.signalingState, 'have-local-offer');
  // Once answered, no more offers: the directions are settled.
  await negotiator.handle({ type: 'sdp', description: answer });
  await settle();
  assert.equal(offers(sent).at(-1), last);
});

test('a camera set while an offer is out is offered after the answer, without negotiationneeded', async () => {
  const { negotiator, pc, sent } = setup();
  await settle();
  pc.dropNegotiationNeeded = true;
  await negotiator.setTrack('camera', fakeTrack('video'));
  assert.equal(pc.signalingState, 'have-local-offer');
  await negotiator.handle({ type: 'sdp', description: answer });
  await settle();
  const last = offers(sent).at(-1);
  assert.equal(offers(sent).length, 2);
  assert.equal(JSON.parse(last.description.sdp)[1].direction, 'sendonly');
});

test('a direction the server answered otherwise is not offered again and again', async () => {
  const { negotiator, pc, sent } = setup();
  await settle();
  await negotiator.handle({ type: 'sdp', description: answer });
  await negotiator.setTrack('camera', fakeTrack('video'));
  await settle();
  assert.equal(offers(sent).length, 2);
  // The server's offer puts our camera's m-line inactive; our answer cannot send.
  await negotiator.handle({ type: 'sdp', description: answer });
  await negotiator.handle({ type: 'sdp', description: serverOffer([{ mid: '1', kind: 'video', direction: 'inactive' }]), tracks: [] });
  await settle();
  const n = offers(sent).length;
  assert.equal(n, 3, 'offers the camera once more after the answer lost it');
  await negotiator.handle({ type: 'sdp', description: answer });
  await settle();
  assert.equal(offers(sent).length, n);
  assert.equal(pc.signalingState, 'stable');
});
