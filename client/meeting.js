// One participant in one meeting: the realtime connection, the peer
// connection, the local tracks and what the server says about the others.

import { RealtimeConnection } from './connection.js';
import { Emitter } from './emitter.js';
import { AnteroomError } from './errors.js';
import { trackFrom } from './media.js';
import { Negotiator } from './negotiation.js';

const LEAVE_WAIT_MS = 1500;

/**
 * Events: `state` (`{state}`: connecting, connected, reconnecting, closed),
 * `welcome`, `participants` (the whole list after any change),
 * `participant_joined`, `participant_updated`, `participant_left`
 * (`{participant, reason}`), `chat`, `custom`, `locked`, `closed`
 * (`{reason, ended}`), `track`, `track_removed`, `local_track`
 * (`{kind, track}`), `mute` (`{audio, video}`), `media` (the peer
 * connection's state), `error` (`{source, message, error?}`).
 */
export class Meeting extends Emitter {
  #env;
  #room;
  #options;
  #connection = null;
  #negotiator = null;
  #joining = null;
  #tracks = { audio: null, camera: null, screen: null };
  #enabled = { audio: true, video: true };
  #sentMute = null;

  /**
   * @param {object} env - the client's environment
   * @param {object} room - a room response (access_key, signaling, ...)
   * @param {{audio?: unknown, video?: unknown, muted?: {audio?: boolean, video?: boolean}}} [options]
   */
  constructor(env, room, options = {}) {
    super();
    this.#env = env;
    this.#room = room;
    this.#options = options;
    this.#enabled = { audio: !options.muted?.audio, video: !options.muted?.video };
    this.state = 'idle';
    this.session = null;
    this.meeting = null;
    this.participants = new Map();
    this.locked = Boolean(room.locked);
    this.closed = null;
  }

  get accessKey() {
    return this.#room.access_key;
  }

  get room() {
    return this.#room;
  }

  /** The meeting's options: the welcome's once connected, else the room response's. */
  get options() {
    return this.meeting?.options ?? this.#room.options ?? {};
  }

  get isGuest() {
    return Boolean(this.session ? this.session.guest : this.#room.user?.guest);
  }

  get localTracks() {
    return { ...this.#tracks };
  }

  get remoteTracks() {
    return this.#negotiator?.remoteTracks ?? [];
  }

  /** This participant's mute states as the others see them. */
  get muted() {
    return {
      audio: !(this.#tracks.audio && this.#enabled.audio),
      video: !(this.#tracks.camera && this.#enabled.video),
    };
  }

  get peerConnection() {
    return this.#negotiator?.pc ?? null;
  }

  /** Connects; resolves with this meeting at the first `welcome`. */
  join() {
    this.#joining ??= new Promise((resolve, reject) => {
      const endpoint = this.#room.signaling?.options?.endpoint;
      if (!endpoint || !this.accessKey) {
        reject(new AnteroomError('bad_request', 'the room response names no realtime endpoint'));
        return;
      }
      this.#startMedia();
      const url = `${endpoint}${endpoint.includes('?') ? '&' : '?'}access_key=${encodeURIComponent(this.accessKey)}`;
      const connection = new RealtimeConnection(this.#env, url, () => this.#probe());
      this.#connection = connection;
      connection.on('state', ({ state }) => {
        if (state === 'connecting' || state === 'reconnecting') this.#setState(state);
      });
      connection.on('message', (message) => this.#dispatch(message));
      connection.on('closed', (closed) => {
        this.#onClosed(closed);
        reject(new AnteroomError(closed.reason, `the meeting connection closed: ${closed.reason}`));
      });
      this.once('welcome', () => resolve(this));
      connection.connect();
    });
    return this.#joining;
  }

  sendChat(content) {
    return this.#send({ type: 'chat', content: String(content) });
  }

  sendCustom(content) {
    return this.#send({ type: 'custom', content: typeof content === 'string' ? content : JSON.stringify(content) });
  }

  /** Sets mute states; a muted track stays open but sends silence or black. */
  mute({ audio, video } = {}) {
    if (typeof audio === 'boolean') this.#enabled.audio = !audio;
    if (typeof video === 'boolean') this.#enabled.video = !video;
    if (this.#tracks.audio) this.#tracks.audio.enabled = this.#enabled.audio;
    if (this.#tracks.camera) this.#tracks.camera.enabled = this.#enabled.video;
    this.#syncMute();
  }

  /** Sends the microphone: a track, `true`, or audio constraints. */
  publishAudio(spec = true) {
    return this.#publish('audio', 'audio', spec);
  }

  unpublishAudio() {
    return this.#setLocal('audio', null);
  }

  /** Sends the camera: a track, `true`, or video constraints. */
  publishCamera(spec = true) {
    return this.#publish('camera', 'video', spec);
  }

  unpublishCamera() {
    return this.#setLocal('camera', null);
  }

  /** Shares the screen (asks the browser which one); resolves with the track. */
  async shareScreen(constraints = { video: true, audio: false }) {
    const stream = await this.#env.mediaDevices.getDisplayMedia(constraints);
    const [track] = stream.getVideoTracks();
    if ('contentHint' in track) track.contentHint = 'detail';
    // The browser's own "stop sharing" button ends the track.
    track.addEventListener?.('ended', () => {
      if (this.#tracks.screen === track) this.stopScreen();
    });
    await this.#setLocal('screen', track);
    return track;
  }

  stopScreen() {
    return this.#setLocal('screen', null);
  }

  /** Asks for one simulcast layer (`h`, `l` or `auto`) of a participant's camera. */
  setLayer(participantId, layer) {
    return this.#send({ type: 'layer', participant_id: participantId, layer });
  }

  kick(userId) {
    return this.#send({ type: 'kick', user_id: userId });
  }

  lock() {
    return this.#send({ type: 'lock' });
  }

  /** Ends the meeting for everyone; the `closed` event follows with `ended`. */
  end() {
    return this.#send({ type: 'end' });
  }

  /** Leaves now; resolves once closed. */
  leave() {
    if (this.closed || !this.#connection) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.#env.timers.setTimeout(() => this.#connection.close('left'), LEAVE_WAIT_MS);
      this.once('closed', () => {
        this.#env.timers.clearTimeout(timer);
        resolve();
      });
      if (!this.#send({ type: 'leave' })) this.#connection.close('left');
    });
  }

  #send(message) {
    return this.#connection ? this.#connection.send(message) : false;
  }

  #setState(state) {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    this.emit('state', { state });
  }

  // Acquires what the join options ask for; a missing device is reported
  // and the meeting goes on without it.
  #startMedia() {
    const kinds = [
      ['audio', 'audio', this.#options.audio],
      ['camera', 'video', this.#options.video],
    ];
    for (const [kind, mediaKind, spec] of kinds) {
      if (!spec) continue;
      trackFrom(this.#env.mediaDevices, mediaKind, spec).then(
        (track) => this.#setLocal(kind, track),
        (error) => this.emit('error', { source: 'media', message: `no ${kind}: ${error.message}`, error }),
      );
    }
  }

  async #publish(kind, mediaKind, spec) {
    const track = await trackFrom(this.#env.mediaDevices, mediaKind, spec);
    await this.#setLocal(kind, track);
    return track;
  }

  async #setLocal(kind, track) {
    const old = this.#tracks[kind];
    if (old === track) return;
    if (this.closed) {
      track?.stop();
      return;
    }
    this.#tracks[kind] = track;
    if (track && kind !== 'screen') track.enabled = this.#enabled[kind === 'camera' ? 'video' : 'audio'];
    old?.stop();
    this.emit('local_track', { kind, track });
    this.#syncMute();
    await this.#negotiator?.setTrack(kind, track);
  }

  #syncMute(force = false) {
    const muted = this.muted;
    const same = this.#sentMute && this.#sentMute.audio === muted.audio && this.#sentMute.video === muted.video;
    if (same && !force) return;
    this.emit('mute', muted);
    if (this.#send({ type: 'mute', ...muted })) this.#sentMute = muted;
  }

  #dispatch(message) {
    switch (message.type) {
      case 'welcome':
        this.#onWelcome(message);
        break;
      case 'participant_joined':
      case 'participant_updated': {
        const { participant } = message;
        if (!participant?.participant_id) return;
        // Everyone hears of mute changes, this participant too: it is not one of the others.
        if (participant.participant_id === this.session?.participant_id) return;
        const merged = { ...this.participants.get(participant.participant_id), ...participant };
        this.participants.set(participant.participant_id, merged);
        this.emit(message.type, merged);
        this.emit('participants', [...this.participants.values()]);
        break;
      }
      case 'participant_left': {
        const participant = this.participants.get(message.participant_id);
        if (!participant) return;
        this.participants.delete(message.participant_id);
        this.emit('participant_left', { participant, reason: message.reason ?? 'left' });
        this.emit('participants', [...this.participants.values()]);
        break;
      }
      case 'chat':
      case 'custom':
        if (message.message) this.emit(message.type, message.message);
        break;
      case 'locked':
        this.locked = true;
        this.emit('locked', {});
        break;
      case 'sdp':
        this.#negotiator?.handle(message);
        break;
      case 'error':
        this.emit('error', { source: 'server', message: String(message.error ?? 'refused') });
        break;
      default:
        // Types this version does not know are left to newer code.
        break;
    }
  }

  #onWelcome({ session, meeting, participants }) {
    const first = this.session === null;
    this.session = session ?? {};
    this.meeting = meeting ?? null;
    this.locked = Boolean(meeting?.locked);
    const others = (participants ?? []).filter((p) => p.participant_id !== this.session.participant_id);
    this.participants = new Map(others.map((p) => [p.participant_id, p]));

    // Not resumed: the server made a new participant, whose media starts over.
    if (first || !this.session.resumed || !this.#negotiator) {
      this.#negotiator?.close();
      this.#negotiator = this.#env.RTCPeerConnection ? this.#makeNegotiator() : null;
      for (const kind of ['audio', 'camera', 'screen']) {
        if (this.#tracks[kind]) this.#negotiator?.setTrack(kind, this.#tracks[kind]);
      }
    } else {
      this.#negotiator.participantId = this.session.participant_id;
      this.#negotiator.resync();
    }
    this.#syncMute(true);
    this.#setState('connected');
    this.emit('welcome', { session: this.session, meeting: this.meeting, resumed: Boolean(this.session.resumed) });
    this.emit('participants', [...this.participants.values()]);
  }

  #makeNegotiator() {
    const stun = this.#room.signaling?.options?.stun_servers ?? [];
    const turn = this.#room.signaling?.options?.turn_servers ?? [];
    const negotiator = new Negotiator(this.#env, {
      send: (message) => this.#send(message),
      participantId: this.session?.participant_id ?? null,
      iceServers: [...(stun.length ? [{ urls: stun }] : []), ...turn],
    });
    negotiator.on('track', (track) => this.emit('track', track));
    negotiator.on('track_removed', (track) => this.emit('track_removed', track));
    negotiator.on('connection', (state) => this.emit('media', state));
    negotiator.on('error', (error) => this.emit('error', { source: 'media', message: error.message, error }));
    return negotiator;
  }

  #onClosed({ reason, ended }) {
    this.closed = { reason, ended: ended ?? null };
    this.#negotiator?.close();
    this.#negotiator = null;
    for (const kind of Object.keys(this.#tracks)) {
      this.#tracks[kind]?.stop();
      this.#tracks[kind] = null;
    }
    this.#setState('closed');
    this.emit('closed', this.closed);
  }

  async #probe() {
    try {
      await this.#env.api.room(this.accessKey);
      return null;
    } catch (err) {
      if (err.code === 'gone') return { reason: 'ended' };
      if (err.code === 'not_found') return { reason: 'not_found' };
      return null;
    }
  }
}
