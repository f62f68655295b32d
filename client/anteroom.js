// The anteroom browser client: permalinks, waiting rooms, guests, and the
// meeting itself over the realtime protocol of docs/realtime.md.
//
//   import { Anteroom } from '/app/client/anteroom.js';
//   const client = new Anteroom();
//   await client.waitForMeeting(guestToken);
//   const room = await client.registerGuest(guestToken, { name: 'Bea' });
//   const meeting = await client.join(room, { audio: true, video: true });
//
// Everything the library reaches outside itself (fetch, WebSocket,
// EventSource, RTCPeerConnection, media devices, timers, the clock) can be
// passed in, so it runs under Node's test runner with fakes.

import { AnteroomError } from './errors.js';
import { RestApi } from './http.js';
import { listDevices, mediaConstraints } from './media.js';
import { Meeting } from './meeting.js';
import { PermalinkWatcher, waitForMeeting } from './waiting.js';

export { reconnectDelay } from './backoff.js';
export { RealtimeConnection } from './connection.js';
export { Emitter } from './emitter.js';
export { CAMERA_ENCODINGS, Negotiator } from './negotiation.js';
export { isExpired } from './waiting.js';
export { AnteroomError, Meeting, PermalinkWatcher, listDevices, mediaConstraints };

export class Anteroom {
  /**
   * @param {object} [options]
   * @param {string} [options.api] - the API's base URL; default: this page's origin
   */
  constructor(options = {}) {
    const g = globalThis;
    const api = options.api ?? g.location?.origin;
    if (!api) throw new AnteroomError('bad_request', 'no API base URL given');
    // Browsers insist on fetch being called with its own `this`.
    const fetchFn = options.fetch ?? g.fetch?.bind(g);
    this.env = {
      api: new RestApi(api, fetchFn),
      WebSocket: options.WebSocket ?? g.WebSocket,
      EventSource: options.EventSource ?? g.EventSource,
      RTCPeerConnection: options.RTCPeerConnection === undefined ? g.RTCPeerConnection : options.RTCPeerConnection,
      mediaDevices: options.mediaDevices ?? g.navigator?.mediaDevices,
      timers: options.timers ?? {
        setTimeout: g.setTimeout.bind(g),
        clearTimeout: g.clearTimeout.bind(g),
        setInterval: g.setInterval.bind(g),
        clearInterval: g.clearInterval.bind(g),
      },
      now: options.now ?? (() => Date.now()),
      random: options.random ?? Math.random,
    };
  }

  /** The API's base URL. */
  get api() {
    return this.env.api.base;
  }

  /** Starts the permalink's meeting (or joins the running one) as a host. */
  startPermalink(userToken, { name } = {}) {
    return this.env.api.startPermalink(userToken, { name });
  }

  /** The meeting info of a host or guest token (D15). */
  meetingInfo(token) {
    return this.env.api.meetingInfo(token);
  }

  /** Follows a permalink's meeting info by push; see PermalinkWatcher's events. */
  watchPermalink(token) {
    return new PermalinkWatcher(this.env, token).start();
  }

  /** Resolves with the meeting info once the permalink's meeting runs. */
  waitForMeeting(token, options = {}) {
    return waitForMeeting(this.env, token, options);
  }

  /** Registers a guest; resolves with the guest's room response. */
  registerGuest(guestToken, details) {
    return this.env.api.registerGuest(guestToken, details);
  }

  /** The room response of an access key. */
  room(accessKey) {
    return this.env.api.room(accessKey);
  }

  /** A meeting not yet connected, to attach listeners before `join()`. */
  meeting(room, options = {}) {
    return new Meeting(this.env, room, options);
  }

  /**
   * Joins with a room response or an access key; resolves at the welcome.
   * `options.audio` / `options.video`: a track, `true`, constraints, or false.
   */
  async join(roomOrAccessKey, options = {}) {
    const room = typeof roomOrAccessKey === 'string' ? await this.room(roomOrAccessKey) : roomOrAccessKey;
    return this.meeting(room, options).join();
  }

  /** The media devices by kind. */
  devices() {
    return listDevices(this.env.mediaDevices);
  }

  /** Opens camera and microphone for the chosen devices. */
  openMedia(choice = {}) {
    return this.env.mediaDevices.getUserMedia(mediaConstraints(choice));
  }
}
