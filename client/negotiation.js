// One RTCPeerConnection to the server, negotiated by the perfect negotiation
// pattern with the client as the polite side (docs/realtime.md, "Media
// negotiation"): on a collision it rolls its own offer back, answers the
// server's, and offers again afterwards.
//
// Every step that touches the connection's descriptions runs in one queue,
// so a server offer never interleaves with an offer of our own half-made.

import { Emitter } from './emitter.js';

/** Simulcast layers of the camera: `h` full size, `l` half (docs/realtime.md). */
export const CAMERA_ENCODINGS = [{ rid: 'h' }, { rid: 'l', scaleResolutionDownBy: 2 }];

const RECEIVING = new Set(['recvonly', 'sendrecv']);

/**
 * Events: `track` and `track_removed` (`{mid, participantId, kind, track}`),
 * `connection` (the peer connection's `connectionState`), `error`.
 */
export class Negotiator extends Emitter {
  #send;
  #pc;
  #queue = Promise.resolve();
  #wantOffer = false;
  #closed = false;
  #own = {}; // kind -> transceiver for what we send
  // Directions of our own transceivers as last agreed (answered offer of ours,
  // or our answer), and as in our offer now out. They keep a re-offer from
  // repeating one the server already answered differently.
  #agreed = new Map();
  #pending = null;
  #announced = new Map(); // mid -> {participant_id, kind} from the server's last offer
  #remote = new Map(); // mid -> the remote track as last emitted

  /**
   * @param {object} env - `{RTCPeerConnection}`
   * @param {{send: (message: object) => void, participantId?: string, iceServers?: object[]}} options
   */
  constructor(env, { send, participantId = null, iceServers = [] }) {
    super();
    this.#send = send;
    this.participantId = participantId;
    this.#pc = new env.RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers });
    this.#pc.onnegotiationneeded = () => {
      this.#wantOffer = true;
      this.#enqueue(() => this.#offerIfNeeded());
    };
    this.#pc.onconnectionstatechange = () => {
      const state = this.#pc.connectionState;
      this.emit('connection', state);
      if (state === 'failed') this.#pc.restartIce?.();
    };
    // Remote tracks are matched through the server's `tracks` list once its
    // offer is applied; `track` events only tell us to look again.
    this.#pc.ontrack = () => this.#reconcile();
    // The order is fixed so the server always sees audio, then the camera.
    this.#own.audio = this.#pc.addTransceiver('audio', { direction: 'inactive' });
    this.#own.camera = this.#pc.addTransceiver('video', {
      direction: 'inactive',
      sendEncodings: CAMERA_ENCODINGS,
    });
  }

  get pc() {
    return this.#pc;
  }

  get signalingState() {
    return this.#pc.signalingState;
  }

  /** The remote tracks now known, each `{mid, participantId, kind, track}`. */
  get remoteTracks() {
    return [...this.#remote.values()];
  }

  /**
   * Sends `track` as `kind` (`audio`, `camera` or `screen`), or stops sending
   * that kind when `track` is null. Changing direction renegotiates.
   */
  setTrack(kind, track, streams = []) {
    return this.#enqueue(async () => {
      if (this.#closed) return;
      let transceiver = this.#own[kind];
      if (!transceiver) {
        if (!track) return;
        // The screen's m-line is added on first share and reused after.
        this.#own[kind] = this.#pc.addTransceiver(track, { direction: 'sendonly', streams });
        return;
      }
      await transceiver.sender.replaceTrack(track);
      const direction = track ? 'sendonly' : 'inactive';
      if (transceiver.direction !== direction) transceiver.direction = direction;
      // Not only `negotiationneeded`: browsers drop it in some orders of
      // offers and answers. Queued, so changes made together go in one offer;
      // if not stable then, the negotiation's end looks again.
      this.#enqueue(() => this.#offerIfNeeded());
    });
  }

  /** Handles one `sdp` message of the server. */
  handle(message) {
    return this.#enqueue(() => this.#onDescription(message));
  }

  /**
   * After the signaling connection came back: an offer of ours may have been
   * lost with it, so take it back and offer again.
   */
  resync() {
    return this.#enqueue(async () => {
      if (this.#pc.signalingState === 'have-local-offer') {
        await this.#pc.setLocalDescription({ type: 'rollback' });
      }
      this.#wantOffer = true;
      await this.#offerIfNeeded();
    });
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const removed of this.#remote.values()) this.emit('track_removed', removed);
    this.#remote.clear();
    this.#pc.close();
  }

  #enqueue(step) {
    const run = this.#queue.then(step).catch((err) => {
      if (!this.#closed) this.emit('error', err);
    });
    this.#queue = run;
    return run;
  }

  async #offerIfNeeded() {
    if (this.#closed) return;
    // Not stable: a negotiation is under way; its end comes back here.
    if (this.#pc.signalingState !== 'stable') return;
    if (!this.#wantOffer && !this.#ownOutOfDate()) return;
    this.#wantOffer = false;
    const directions = new Map(Object.values(this.#own).map((t) => [t, t.direction]));
    await this.#pc.setLocalDescription();
    const description = this.#pc.localDescription;
    if (description?.type !== 'offer') return;
    this.#pending = directions;
    this.#send({
      type: 'sdp',
      description: { type: description.type, sdp: description.sdp },
      tracks: this.#ownTracks(),
    });
  }

  async #onDescription(message) {
    const description = message?.description;
    if (this.#closed || !description || typeof description.sdp !== 'string') return;
    const pc = this.#pc;

    if (description.type === 'answer') {
      // An answer to an offer we already rolled back is stale.
      if (pc.signalingState !== 'have-local-offer') return;
      await pc.setRemoteDescription(description);
      if (this.#pending) this.#agreed = this.#pending;
      this.#pending = null;
      await this.#offerIfNeeded();
      return;
    }
    if (description.type !== 'offer') return;

    // Polite: on a collision our own offer gives way and is made again later.
    if (pc.signalingState === 'have-local-offer') {
      await pc.setLocalDescription({ type: 'rollback' });
      this.#pending = null;
      this.#wantOffer = true;
    }
    this.#announced = new Map(
      (Array.isArray(message.tracks) ? message.tracks : []).map((t) => [String(t.mid), t]),
    );
    await pc.setRemoteDescription(description);
    await pc.setLocalDescription();
    const answer = pc.localDescription;
    this.#send({ type: 'sdp', description: { type: answer.type, sdp: answer.sdp } });
    for (const t of Object.values(this.#own)) {
      if (t.mid !== null && t.currentDirection) this.#agreed.set(t, t.currentDirection);
    }
    this.#reconcile();
    await this.#offerIfNeeded();
  }

  // Whether what we want to send differs from what the last negotiation
  // settled, so another offer is due even if no `negotiationneeded` came.
  // A direction already offered and answered otherwise is not offered again.
  #ownOutOfDate() {
    for (const t of Object.values(this.#own)) {
      if (t.stopped || t.currentDirection === 'stopped') continue;
      if (t.mid === null) {
        if (t.direction !== 'inactive') return true;
        continue;
      }
      const current = t.currentDirection ?? 'inactive';
      if (current !== t.direction && this.#agreed.get(t) !== t.direction) return true;
    }
    return false;
  }

  #ownTracks() {
    const tracks = [];
    for (const [kind, transceiver] of Object.entries(this.#own)) {
      if (transceiver.mid !== null && transceiver.direction === 'sendonly') {
        tracks.push({ mid: transceiver.mid, participant_id: this.participantId, kind });
      }
    }
    return tracks;
  }

  // Brings the emitted remote tracks in line with the server's `tracks` list
  // and what the transceivers actually receive.
  #reconcile() {
    if (this.#closed) return;
    const own = new Set(Object.values(this.#own));
    const now = new Map();
    for (const transceiver of this.#pc.getTransceivers()) {
      if (own.has(transceiver) || transceiver.mid === null) continue;
      const announced = this.#announced.get(transceiver.mid);
      const direction = transceiver.currentDirection ?? transceiver.direction;
      if (!announced || !RECEIVING.has(direction) || !transceiver.receiver?.track) continue;
      now.set(transceiver.mid, {
        mid: transceiver.mid,
        participantId: announced.participant_id,
        kind: announced.kind,
        track: transceiver.receiver.track,
      });
    }
    for (const [mid, before] of this.#remote) {
      const after = now.get(mid);
      if (!after || !sameTrack(before, after)) this.emit('track_removed', before);
    }
    for (const [mid, after] of now) {
      const before = this.#remote.get(mid);
      if (!before || !sameTrack(before, after)) this.emit('track', after);
    }
    this.#remote = now;
  }
}

function sameTrack(a, b) {
  return a.participantId === b.participantId && a.kind === b.kind && a.track === b.track;
}
