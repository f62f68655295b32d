// Hand-written fakes of the browser objects the library reaches: a clock
// with timers, WebSocket, EventSource, fetch and RTCPeerConnection. The peer
// connection models only what the negotiation logic depends on: signaling
// states, mids, directions, rollback and `negotiationneeded`.

/** Timers on a virtual clock; `advance(ms)` runs what falls due, in order. */
export class FakeClock {
  time = 1_000_000;
  #seq = 0;
  #due = new Map();

  timers = {
    setTimeout: (fn, ms = 0) => this.#add(fn, ms, null),
    clearTimeout: (id) => this.#due.delete(id),
    setInterval: (fn, ms) => this.#add(fn, ms, ms),
    clearInterval: (id) => this.#due.delete(id),
  };

  now = () => this.time;

  #add(fn, ms, every) {
    const id = ++this.#seq;
    this.#due.set(id, { fn, at: this.time + ms, every });
    return id;
  }

  /** Delays of the timers now pending, soonest first. */
  pending() {
    return [...this.#due.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [id, t] of this.#due) if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t];
      if (!next) break;
      const [id, t] = next;
      this.time = t.at;
      if (t.every) t.at += t.every;
      else this.#due.delete(id);
      t.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A WebSocket class whose instances the test drives; `FakeWebSocket.all` lists them. */
export function fakeWebSocketClass() {
  class FakeWebSocket {
    static all = [];
    readyState = 0;
    sent = [];
    closedWith = null;
    constructor(url) {
      this.url = url;
      FakeWebSocket.all.push(this);
    }
    send(data) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(JSON.parse(data));
    }
    close(code) {
      this.closedWith = code ?? 1000;
      this.readyState = 3;
    }
    // Test side:
    serverOpen() {
      this.readyState = 1;
      this.onopen?.({});
    }
    serverSend(message) {
      this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
    }
    serverClose(code = 1006) {
      this.readyState = 3;
      this.onclose?.({ code });
    }
    get types() {
      return this.sent.map((m) => m.type);
    }
  }
  return FakeWebSocket;
}

/** An EventSource class; `FakeEventSource.all` lists the instances. */
export function fakeEventSourceClass() {
  class FakeEventSource {
    static all = [];
    readyState = 0;
    #listeners = new Map();
    constructor(url) {
      this.url = url;
      FakeEventSource.all.push(this);
    }
    addEventListener(type, fn) {
      if (!this.#listeners.has(type)) this.#listeners.set(type, []);
      this.#listeners.get(type).push(fn);
    }
    close() {
      this.readyState = 2;
    }
    // Test side:
    fire(type, data) {
      if (type === 'open') this.readyState = 1;
      for (const fn of this.#listeners.get(type) ?? []) fn({ type, data: data === undefined ? undefined : JSON.stringify(data) });
    }
    fail(readyState) {
      this.readyState = readyState;
      this.fire('error');
    }
  }
  return FakeEventSource;
}

/** A fetch answering from `routes` (`'METHOD /path' -> {status, body}` or a function). */
export function fakeFetch(routes) {
  const calls = [];
  const fn = async (url, init = {}) => {
    const { pathname } = new URL(url);
    const key = `${init.method ?? 'GET'} ${pathname}`;
    calls.push({ key, url, init, body: init.body ? JSON.parse(init.body) : undefined });
    let answer = routes[key];
    if (typeof answer === 'function') answer = answer();
    if (!answer) throw new TypeError('fetch failed');
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return { ok: answer.status < 300, status: answer.status, text: async () => text };
  };
  fn.calls = calls;
  return fn;
}

export function fakeTrack(kind) {
  return {
    kind,
    enabled: true,
    stopped: false,
    stop() {
      this.stopped = true;
    },
  };
}

/** A server offer's SDP in this fake's format: the receiving m-lines. */
export function serverOffer(mlines) {
  return { type: 'offer', sdp: JSON.stringify(mlines) };
}

export class FakePeerConnection {
  static all = [];
  signalingState = 'stable';
  connectionState = 'new';
  localDescription = null;
  remoteDescription = null;
  closed = false;
  /** Test side: when true, `negotiationneeded` is never fired (as browsers sometimes drop it). */
  dropNegotiationNeeded = false;
  log = [];
  #transceivers = [];
  #nextMid = 0;
  #needed = false;
  #scheduled = false;
  #inRemoteOffer = null;

  constructor(config) {
    this.config = config;
    FakePeerConnection.all.push(this);
  }

  addTransceiver(trackOrKind, init = {}) {
    const pc = this;
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    let direction = init.direction ?? 'sendrecv';
    const t = {
      mid: null,
      kind: track ? track.kind : trackOrKind,
      init,
      currentDirection: null,
      sender: { track, replaceTrack: async (next) => void (t.sender.track = next) },
      receiver: { track: { kind: track ? track.kind : trackOrKind, id: `r${pc.#transceivers.length}` } },
      get direction() {
        return direction;
      },
      set direction(value) {
        direction = value;
        pc.#markNeeded();
      },
    };
    this.#transceivers.push(t);
    this.#markNeeded();
    return t;
  }

  getTransceivers() {
    return [...this.#transceivers];
  }

  async setLocalDescription(description) {
    this.log.push(`setLocal:${description?.type ?? (this.signalingState === 'stable' ? 'offer' : 'answer')}`);
    if (description?.type === 'rollback') {
      if (this.signalingState !== 'have-local-offer') throw new Error('nothing to roll back');
      this.signalingState = 'stable';
      this.localDescription = null;
      this.#needed = true;
      return;
    }
    if (this.signalingState === 'stable') {
      for (const t of this.#transceivers) if (t.mid === null) t.mid = String(this.#nextMid++);
      const lines = this.#transceivers.map((t) => ({ mid: t.mid, kind: t.kind, direction: t.direction, rids: t.init.sendEncodings?.map((e) => e.rid) }));
      for (const t of this.#transceivers) t.localOffered = t.direction;
      this.localDescription = { type: 'offer', sdp: JSON.stringify(lines) };
      this.signalingState = 'have-local-offer';
      this.#needed = false;
      return;
    }
    if (this.signalingState === 'have-remote-offer') {
      this.localDescription = { type: 'answer', sdp: 'answer' };
      this.#toStable();
      return;
    }
    throw new Error(`cannot set a local description in ${this.signalingState}`);
  }

  async setRemoteDescription(description) {
    this.log.push(`setRemote:${description.type}`);
    if (description.type === 'offer') {
      if (this.signalingState !== 'stable') throw new Error('offer while not stable');
      this.remoteDescription = description;
      this.signalingState = 'have-remote-offer';
      this.#inRemoteOffer = new Set();
      for (const line of JSON.parse(description.sdp)) {
        let t = this.#transceivers.find((x) => x.mid === line.mid);
        if (!t) {
          t = this.addTransceiver(line.kind, { direction: 'recvonly' });
          t.mid = line.mid;
          this.#nextMid = Math.max(this.#nextMid, Number(line.mid) + 1);
        }
        t.offered = line.direction ?? 'sendonly';
        this.#inRemoteOffer.add(t);
        this.ontrack?.({ transceiver: t, track: t.receiver.track });
      }
      this.#needed = false;
      return;
    }
    if (description.type === 'answer') {
      if (this.signalingState !== 'have-local-offer') throw new Error('answer while not expecting one');
      this.remoteDescription = description;
      this.#toStable();
      return;
    }
    throw new Error(`unknown description ${description.type}`);
  }

  restartIce() {
    this.log.push('restartIce');
    this.#markNeeded();
  }

  close() {
    this.closed = true;
    this.signalingState = 'closed';
  }

  // Test side:
  setConnectionState(state) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  #toStable() {
    this.signalingState = 'stable';
    // After our answer, the m-lines of the server's offer take its directions;
    // after the server's answer, ours take what our offer said.
    const answered = this.#inRemoteOffer;
    this.#inRemoteOffer = null;
    for (const t of this.#transceivers) {
      if (answered) {
        if (answered.has(t)) t.currentDirection = t.offered === 'inactive' ? 'inactive' : 'recvonly';
      } else if (t.offered) t.currentDirection = t.offered === 'inactive' ? 'inactive' : 'recvonly';
      else t.currentDirection = t.localOffered ?? t.direction;
    }
    if (this.#needed) this.#fireSoon();
  }

  #markNeeded() {
    this.#needed = true;
    if (this.signalingState === 'stable') this.#fireSoon();
  }

  #fireSoon() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.dropNegotiationNeeded) return;
      if (this.#needed && this.signalingState === 'stable' && !this.closed) this.onnegotiationneeded?.();
    });
  }
}
