// Steps every link's flow shares: going back into a stored session, showing
// the lobby, noticing another tab in the same meeting, and entering.

import { setState, show } from './dom.js';
import { joinMeeting } from './join.js';
import { watchPresence } from './presence.js';
import { clearSession, loadSession, mediaOptions } from './session.js';

/**
 * @typedef {object} FlowContext
 * @property {import('/app/client/anteroom.js').Anteroom} client
 * @property {string} token - the link's token
 * @property {(closed: object) => void} onClosed - shows the end screen
 */

/**
 * Goes back into the meeting this tab was in before a reload, as the same
 * participant. False when nothing is stored or it no longer works.
 * @param {FlowContext} ctx
 */
export async function resumeStored(ctx) {
  const stored = loadSession(ctx.token);
  if (!stored) return false;
  let room;
  try {
    room = await ctx.client.room(stored.accessKey);
  } catch (err) {
    // Ended (410) or unknown: start from the link's own screen. A failure to
    // reach the server keeps the session for the next try.
    if (err.code !== 'network' && err.code !== 'server') clearSession(ctx.token);
    return false;
  }
  const media = stored.media ?? {};
  await joinMeeting(ctx.client, {
    room,
    media: { ...mediaOptions(media), deviceIds: { audio: media.audioDeviceId, video: media.videoDeviceId } },
    token: ctx.token,
    onClosed: ctx.onClosed,
  });
  return true;
}

export function showLobby(lobby, state) {
  setState(state);
  show(lobby.view);
  lobby.start();
  lobby.focus();
}

/**
 * Listens for another tab of this browser in the meeting of the same link;
 * the lobby then offers to move the meeting here rather than join twice.
 */
export function followOtherTab(ctx, lobby) {
  let other = null;
  let stop = () => {};
  const ask = () => {
    stop();
    other = null;
    lobby.setElsewhere(false);
    stop = watchPresence(ctx.token, (session) => {
      other = session;
      lobby.setElsewhere(Boolean(session));
    });
  };
  ask();
  return {
    stop: () => stop(),
    /** Asks again which tab is in the meeting (one may have closed without a word). */
    ask,
    /** The room to join: the other tab's (it gets "replaced"), else `register()`'s. */
    room(register) {
      if (!other) return register();
      return ctx.client.room(other.accessKey).catch(() => register());
    },
  };
}

/** From the lobby into the meeting with the lobby's devices. */
export function enterFromLobby(ctx, lobby, room) {
  const media = lobby.takeMedia();
  lobby.close();
  return joinMeeting(ctx.client, { room, media, token: ctx.token, onClosed: ctx.onClosed });
}
