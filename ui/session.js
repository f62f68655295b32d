// This tab's meeting session, kept in sessionStorage under the link's token,
// so that reloading the tab goes straight back into the meeting. The access
// key is all the server needs: it resumes a participant whose connection
// dropped less than 10 seconds ago, so the others see no one leave or come.
// sessionStorage, not localStorage: it belongs to this tab and dies with it.

const PREFIX = 'anteroom:session:';

/**
 * @typedef {object} StoredSession
 * @property {string} accessKey
 * @property {string} [participantId]
 * @property {string} [name]
 * @property {{audio: boolean, video: boolean, audioMuted: boolean, audioDeviceId: string|null, videoDeviceId: string|null}} media
 */

/** @returns {StoredSession|null} */
export function loadSession(token) {
  try {
    const session = JSON.parse(sessionStorage.getItem(PREFIX + token) ?? 'null');
    return typeof session?.accessKey === 'string' && session.accessKey ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(token, session) {
  try {
    sessionStorage.setItem(PREFIX + token, JSON.stringify(session));
  } catch {
    // Without storage a reload only costs a new join.
  }
}

export function clearSession(token) {
  try {
    sessionStorage.removeItem(PREFIX + token);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** The join options that give back a session's devices and mute state. */
export function mediaOptions(media = {}) {
  const device = (on, deviceId) => (on ? (deviceId ? { deviceId } : true) : false);
  return {
    audio: device(media.audio !== false, media.audioDeviceId),
    video: device(media.video !== false, media.videoDeviceId),
    muted: { audio: Boolean(media.audioMuted), video: false },
  };
}

/** What a joined meeting sends now, to be given back after a reload. */
export function mediaState(meeting, fallback = {}) {
  const { audio, camera } = meeting.localTracks;
  const id = (track, kind) => track?.getSettings?.().deviceId || fallback[kind] || null;
  return {
    audio: Boolean(audio),
    video: Boolean(camera),
    audioMuted: meeting.muted.audio,
    audioDeviceId: id(audio, 'audio'),
    videoDeviceId: id(camera, 'video'),
  };
}
