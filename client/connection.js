// The participant's realtime WebSocket (docs/realtime.md): JSON frames, a
// keep-alive ping, and reconnecting with backoff under the same access key,
// which the server resumes as the same participant. A `closed` message from
// the server is final: after it nothing reconnects.

import { reconnectDelay } from './backoff.js';
import { Emitter } from './emitter.js';

const OPEN = 1;
export const PING_INTERVAL_MS = 15_000;
// The server answers every ping; three missed answers mean the connection is
// dead even if the browser has not noticed yet.
export const SILENCE_LIMIT_MS = 45_000;

/** Close codes that come with a final `closed` message. */
const FINAL_CODES = { 4001: 'kicked', 4002: 'removed', 4003: 'replaced', 4004: 'ended' };

/**
 * Events: `message` (every server message except `pong`), `state`
 * (`{state, attempt?, delay?}` with state `connecting`, `open`,
 * `reconnecting`), `closed` (`{reason, ended, code}`, once, final).
 */
export class RealtimeConnection extends Emitter {
  #env;
  #url;
  #probe;
  #socket = null;
  #opened = false;
  #final = false;
  #attempt = 0;
  #timer = null;
  #keepAlive = null;
  #lastReceived = 0;

  /**
   * @param {object} env - `{WebSocket, timers, now, random}`
   * @param {string} url - the endpoint with `?access_key=`
   * @param {() => Promise<{reason: string} | null>} [probe] - asked after an
   *   attempt that never opened: browsers hide the refusal's status (404
   *   unknown key, 410 ended), so the caller looks it up over REST
   */
  constructor(env, url, probe = async () => null) {
    super();
    this.#env = env;
    this.#url = url;
    this.#probe = probe;
  }

  get state() {
    if (this.#final) return 'closed';
    if (this.#socket?.readyState === OPEN && this.#opened) return 'open';
    return this.#attempt > 0 ? 'reconnecting' : 'connecting';
  }

  connect() {
    if (!this.#socket && !this.#final) this.#open();
    return this;
  }

  /** Sends one message; false when there is no open connection to send it on. */
  send(message) {
    if (this.#final || this.#socket?.readyState !== OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes for good on the client's own account. */
  close(reason = 'left') {
    if (this.#final) return;
    const socket = this.#socket;
    this.#finish({ reason, ended: null, code: 1000 });
    try {
      socket?.close(1000);
    } catch {
      // Already closing; nothing to do.
    }
  }

  #open() {
    this.#opened = false;
    this.emit('state', { state: this.#attempt > 0 ? 'reconnecting' : 'connecting', attempt: this.#attempt });
    const socket = new this.#env.WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#opened = true;
      this.#lastReceived = this.#env.now();
      this.#startKeepAlive();
      this.emit('state', { state: 'open' });
    };
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#onClose(event.code);
    };
    // Every error is followed by a close event, which does the work.
    socket.onerror = () => {};
  }

  #onMessage(data) {
    this.#lastReceived = this.#env.now();
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || typeof message.type !== 'string' || message.type === 'pong') return;
    if (message.type === 'welcome') this.#attempt = 0;
    this.emit('message', message);
    // Final: act on it now rather than when the socket's close arrives.
    if (message.type === 'closed') {
      const socket = this.#socket;
      this.#finish({ reason: String(message.reason), ended: message.ended ?? null, code: null });
      try {
        socket?.close(1000);
      } catch {
        // The server closes it anyway.
      }
    }
  }

  async #onClose(code) {
    this.#stopKeepAlive();
    this.#socket = null;
    if (this.#final) return;
    if (FINAL_CODES[code]) {
      this.#finish({ reason: FINAL_CODES[code], ended: null, code });
      return;
    }
    if (!this.#opened) {
      const verdict = await this.#probe().catch(() => null);
      if (this.#final) return;
      if (verdict) {
        this.#finish({ reason: verdict.reason, ended: verdict.ended ?? null, code });
        return;
      }
    }
    this.#scheduleReconnect();
  }

  #scheduleReconnect() {
    const delay = reconnectDelay(this.#attempt, this.#env.random);
    this.#attempt += 1;
    this.emit('state', { state: 'reconnecting', attempt: this.#attempt, delay });
    this.#timer = this.#env.timers.setTimeout(() => {
      this.#timer = null;
      if (!this.#final) this.#open();
    }, delay);
  }

  #startKeepAlive() {
    this.#stopKeepAlive();
    this.#keepAlive = this.#env.timers.setInterval(() => {
      if (this.#env.now() - this.#lastReceived > SILENCE_LIMIT_MS) {
        this.#abandon();
        return;
      }
      this.send({ type: 'ping' });
    }, PING_INTERVAL_MS);
  }

  #stopKeepAlive() {
    if (this.#keepAlive !== null) this.#env.timers.clearInterval(this.#keepAlive);
    this.#keepAlive = null;
  }

  // A silent connection may take minutes to report its death; stop waiting
  // for it and reconnect now.
  #abandon() {
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(4000);
    } catch {
      // Closing a dead socket may throw in some engines.
    }
    this.#onClose(1006);
  }

  #finish(closed) {
    this.#final = true;
    this.#stopKeepAlive();
    this.#env.timers.clearTimeout(this.#timer);
    this.#socket = null;
    this.emit('state', { state: 'closed' });
    this.emit('closed', closed);
  }
}
