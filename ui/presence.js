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
