// Tabs of this browser tell each other which meetings they are in, over a
// BroadcastChannel (same origin only). A second tab of the same link learns
// it from the first and can move the meeting over (the server's one session
// per access key, D11) instead of joining as a duplicate of the same person.

const CHANNEL = 'anteroom:presence';

function channel() {
  try {
    return new BroadcastChannel(CHANNEL);
  } catch {
    return null; // No BroadcastChannel: each tab stands alone.
  }
}

/**
 * While in the meeting of `token`, answers other tabs that ask; returns
 * `{left()}`: stops answering, and says the meeting is over here.
 */
export function sharePresence(token, getSession) {
  const ch = channel();
  if (!ch) return { left() {} };
  ch.onmessage = ({ data }) => {
    if (data?.type === 'who' && data.token === token) ch.postMessage({ type: 'here', token, session: getSession() });
  };
  ch.postMessage({ type: 'here', token, session: getSession() });
  return {
    /** `announce`: false when another tab took over and is still there. */
    left({ announce = true } = {}) {
      if (announce) ch.postMessage({ type: 'gone', token });
      ch.close();
    },
  };
}

/**
 * Watches for another tab in the meeting of `token`: calls `onChange(session
 * | null)` when one answers or says it left; returns a function to stop.
 */
export function watchPresence(token, onChange) {
  const ch = channel();
  if (!ch) return () => {};
  ch.onmessage = ({ data }) => {
    if (data?.token !== token) return;
    if (data.type === 'here' && typeof data.session?.accessKey === 'string') onChange(data.session);
    if (data.type === 'gone') onChange(null);
  };
  ch.postMessage({ type: 'who', token });
  return () => ch.close();
}

/**
 * The right to go into the meeting of `token` by itself, held by one tab of
 * this browser at a time (Web Locks): of several tabs waiting on the same
 * guest link, only the one that gets it joins at the start. A lock dies with
 * its tab, so a closed winner frees it for the others. Without Web Locks
 * every tab may join, as before.
 */
export function joinClaim(token) {
  const locks = globalThis.navigator?.locks;
  const name = `anteroom:join:${token}`;
  let release = null;
  let queued = null;
  const request = (options, onGranted) => new Promise((resolve) => {
    locks.request(name, options, (lock) => {
      if (!lock) return resolve(false);
      resolve(true);
      return onGranted();
    }).catch(() => resolve(false));
  });
  return {
    /** Takes the claim when no other tab holds it; true when this tab has it. */
    take() {
      queued?.abort();
      queued = null;
      if (!locks || release) return Promise.resolve(true);
      return request({ ifAvailable: true }, () => new Promise((done) => {
        release = () => {
          release = null;
          done();
        };
      }));
    },
    /** Calls `onFree` once the tab holding the claim lets go of it (left or closed). */
    watch(onFree) {
      if (!locks || queued) return;
      queued = new AbortController();
      request({ signal: queued.signal }, () => {
        queued = null;
        onFree();
      });
    },
    release() {
      queued?.abort();
      queued = null;
      release?.();
    },
  };
}
