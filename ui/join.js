// Into the meeting: joins with a room response and devices, keeps the
// session for a reload (session.js), tells other tabs (presence.js), and
// hands the end to the caller.

import { runMeeting } from './meeting-view.js';
import { applyOptions, setExitUrl } from './options.js';
import { sharePresence } from './presence.js';
import { clearSession, saveSession } from './session.js';

/**
 * @param {import('/app/client/anteroom.js').Anteroom} client
 * @param {object} o
 * @param {object} o.room - a room response
 * @param {{audio: unknown, video: unknown, muted: {audio: boolean}, deviceIds?: {audio?: string|null, video?: string|null}}} o.media
 * @param {string} o.token - the link's token, the key of the stored session
 * @param {(closed: {reason: string, ended: object|null, byMe?: boolean}) => void} o.onClosed
 */
export async function joinMeeting(client, { room, media, token, onClosed }) {
  applyOptions(room.options, room.room?.name);
  const meeting = client.meeting(room, { audio: media.audio, video: media.video, muted: media.muted });
  const ids = media.deviceIds ?? {};
  // What to ask for again after a reload: what the user chose, not only what
  // is open this instant (the camera may still be opening).
  const wanted = {
    audio: Boolean(media.audio), video: Boolean(media.video), audioMuted: Boolean(media.muted?.audio),
    audioDeviceId: ids.audio ?? null, videoDeviceId: ids.video ?? null,
  };
  const session = () => ({
    accessKey: meeting.accessKey,
    participantId: meeting.session?.participant_id ?? null,
    name: meeting.session?.name ?? room.user?.name ?? null,
    media: { ...wanted },
  });
  const save = () => saveSession(token, session());
  meeting.on('local_track', ({ kind, track }) => {
    if (kind === 'screen') return;
    const key = kind === 'camera' ? 'video' : 'audio';
    wanted[key] = Boolean(track);
    const deviceId = track?.getSettings?.().deviceId;
    if (deviceId) wanted[`${key}DeviceId`] = deviceId;
    save();
  });
  meeting.on('mute', ({ audio }) => {
    if (meeting.localTracks.audio) wanted.audioMuted = audio;
    save();
  });
  // Stored before connecting, so that a reload during the join resumes too.
  save();

  let presence = null;
  const finish = (closed) => {
    // A replaced tab keeps its session: "Use here instead" takes it back.
    const replaced = closed.reason === 'replaced';
    presence?.left({ announce: !replaced });
    if (!replaced) clearSession(token);
    onClosed(closed);
  };
  try {
    await meeting.join();
  } catch (err) {
    finish(meeting.closed ?? { reason: err.code, ended: null });
    return;
  }
  save();
  presence = sharePresence(token, session);
  setExitUrl(meeting.options.exit_url);
  const cameraSpec = wanted.videoDeviceId ? { deviceId: wanted.videoDeviceId } : true;
  runMeeting(meeting, { onClosed: finish, cameraSpec });
}
