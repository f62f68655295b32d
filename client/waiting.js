// Waiting for a permalink's meeting: the server pushes the meeting info over
// server-sent events (docs/realtime.md, "The waiting page"), so a guest is
// let in as soon as the host starts, not at the next poll.

import { reconnectDelay } from './backoff.js';
import { Emitter } from './emitter.js';
import { AnteroomError } from './errors.js';

const CLOSED = 2;
// setTimeout takes at most a signed 32-bit delay; expiries further out are
// re-armed when that timer fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** True when the permalink can no longer be started and no meeting runs. */
export function isExpired(info, now) {
  const expiresAt = info?.permalink?.expires_at;
  if (!expiresAt || info.room?.started_at) return false;
  return Date.parse(expiresAt) <= now;
}

/**
 * Follows one permalink's meeting info. Events: `info`, `started`, `ended`,
 * `expired` (each with the info), `gone` (deleted or unknown token), and
 * `connection` (`{state: 'open' | 'reconnecting'}`).
 */
export class PermalinkWatcher extends Emitter {
  #env;
  #token;
  #source = null;
  #info = null;
  #closed = false;
  #attempt = 0;
  #retryTimer = null;
  #expiryTimer = null;

  /**
   * @param {object} env - `{api, EventSource, timers, now, random}` from the client
   * @param {string} token - a guest or host token
   */
  constructor(env, token) {
    super();
    this.#env = env;
    this.#token = token;
  }

  /** The last info received, or null. */
  get info() {
    return this.#info;
  }

  get closed() {
    return this.#closed;
  }

  start() {
    if (!this.#source && !this.#closed) this.#open();
    return this;
  }

  close() {
    this.#closed = true;
    this.#source?.close();
    this.#source = null;
    this.#env.timers.clearTimeout(this.#retryTimer);
    this.#env.timers.clearTimeout(this.#expiryTimer);
  }

  #open() {
    const source = new this.#env.EventSource(this.#env.api.eventsUrl(this.#token));
    this.#source = source;
    source.addEventListener('open', () => {
      this.#attempt = 0;
      this.emit('connection', { state: 'open' });
    });
    source.addEventListener('info', (event) => this.#onInfo(event.data));
    source.addEventListener('gone', () => this.#gone());
    source.addEventListener('error', () => {
      if (this.#closed || source !== this.#source) return;
      this.emit('connection', { state: 'reconnecting' });
      // While CONNECTING the browser retries by itself. CLOSED means it gave
      // up: an error status (404 for a deleted link) or a network failure,
      // which look the same from here, so ask the REST API which it was.
      if (source.readyState === CLOSED) {
        this.#source = null;
        this.#probe();
      }
    });
  }

  #onInfo(data) {
    let info;
    try {
      info = JSON.parse(data);
    } catch {
      return;
    }
    const wasStarted = Boolean(this.#info?.room?.started_at);
    const isStarted = Boolean(info?.room?.started_at);
    this.#info = info;
    this.emit('info', info);
    if (isStarted && !wasStarted) this.emit('started', info);
    if (!isStarted && wasStarted) this.emit('ended', info);
    this.#armExpiry();
  }

  // Emits `expired` now or when `expires_at` passes, unless a meeting runs.
  #armExpiry() {
    this.#env.timers.clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
    const info = this.#info;
    const expiresAt = Date.parse(info?.permalink?.expires_at ?? '');
    if (Number.isNaN(expiresAt) || info.room?.started_at) return;
    const wait = expiresAt - this.#env.now();
    if (wait <= 0) {
      this.emit('expired', info);
      return;
    }
    this.#expiryTimer = this.#env.timers.setTimeout(
      () => this.#armExpiry(),
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  #gone() {
    if (this.#closed) return;
    this.close();
    this.emit('gone', this.#info);
  }

  async #probe() {
    try {
      const info = await this.#env.api.meetingInfo(this.#token);
      if (this.#closed) return;
      this.#onInfo(JSON.stringify(info));
    } catch (err) {
      if (this.#closed) return;
      if (err instanceof AnteroomError && err.code === 'not_found') {
        this.#gone();
        return;
      }
    }
    const delay = reconnectDelay(this.#attempt++, this.#env.random);
    this.#retryTimer = this.#env.timers.setTimeout(() => {
      if (!this.#closed) this.#open();
    }, delay);
  }
}

/**
 * Resolves with the meeting info once the permalink's meeting runs (at once
 * if it already does). Rejects with an AnteroomError `gone` when the link is
 * deleted or unknown, `expired` when it can no longer be started, or with the
 * signal's reason when aborted.
 */
export function waitForMeeting(env, token, { signal, onInfo } = {}) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const watcher = new PermalinkWatcher(env, token);
    const finish = (settle, value) => {
      watcher.close();
      signal?.removeEventListener('abort', onAbort);
      settle(value);
    };
    const onAbort = () => finish(reject, signal.reason);
    signal?.addEventListener('abort', onAbort);
    if (onInfo) watcher.on('info', onInfo);
    watcher.on('started', (info) => finish(resolve, info));
    watcher.on('gone', () =>
      finish(reject, new AnteroomError('gone', 'the link was deleted or does not exist', { status: 404 })),
    );
    watcher.on('expired', (info) =>
      finish(reject, new AnteroomError('expired', 'the link has expired', { body: info })),
    );
    watcher.start();
  });
}
