// The two links of a permalink: the host's, which starts the meeting, and
// the guests', which waits in the lobby until a host has started it.

import { isExpired } from '/app/client/anteroom.js';
import { setState } from './dom.js';
import { enterFromLobby, followOtherTab, resumeStored, showLobby } from './flow-common.js';
import { t } from './i18n.js';
import { createLobby, savedName } from './lobby.js';
import { applyOptions, currentExitUrl } from './options.js';
import { joinClaim } from './presence.js';
import { showFailure } from './screens.js';

const reload = () => location.reload();

/**
 * @param {import('./flow-common.js').FlowContext} ctx
 * @param {{autoStart?: boolean}} [o] - start at once with the saved name ("Start again")
 */
export async function hostFlow(ctx, { autoStart = false } = {}) {
  const { client, token } = ctx;
  if (await resumeStored(ctx)) return;
  let info;
  try {
    info = await client.meetingInfo(token);
  } catch (err) {
    showFailure(err, { retry: reload });
    return;
  }
  applyOptions(info.options, info.room.name);
  if (isExpired(info, Date.now())) {
    showFailure({ code: 'expired' }, { exitUrl: currentExitUrl() });
    return;
  }
  // Follows the meeting so the button says Start or Join as it should.
  const watcher = client.watchPermalink(token);
  const lobby = createLobby({
    client, meetingName: info.room.name, name: savedName(), guest: false,
    action: info.room.started_at ? t('joinMeeting') : t('startMeeting'),
    onSubmit: async () => {
      lobby.setBusy(true);
      watcher.close();
      try {
        const room = await others.room(() => client.startPermalink(token, { name: lobby.name }));
        others.stop();
        await enterFromLobby(ctx, lobby, room);
      } catch (err) {
        others.stop();
        lobby.setBusy(false);
        lobby.close();
        showFailure(err, { exitUrl: currentExitUrl(), retry: reload });
      }
    },
  });
  const others = followOtherTab(ctx, lobby);
  watcher.on('info', (next) => {
    lobby.setRunning(Boolean(next.room.started_at));
    lobby.setAction(next.room.started_at ? t('joinMeeting') : t('startMeeting'));
  });
  watcher.on('gone', () => {
    others.stop();
    lobby.close();
    showFailure({ code: 'gone' }, { exitUrl: currentExitUrl() });
  });
  showLobby(lobby, 'lobby');
  if (autoStart && lobby.name) lobby.submit();
}

/** @param {import('./flow-common.js').FlowContext} ctx */
export async function guestPermalinkFlow(ctx) {
  const { client, token } = ctx;
  if (await resumeStored(ctx)) return;
  const watcher = client.watchPermalink(token);
  const claim = joinClaim(token);
  let lobby = null;
  let others = null;
  let waited = false;
  let joining = false;
  let live = null;

  /** `auto`: taken in at the start, which only one tab of this browser may be. */
  async function join({ auto = false } = {}) {
    if (joining) return;
    joining = true;
    lobby.setBusy(true);
    if (!(await claim.take()) && auto) {
      joining = false;
      lobby.setBusy(false);
      otherTabJoins();
      return;
    }
    try {
      const name = lobby.name || t('defaultGuestName');
      const room = await others.room(() => client.registerGuest(token, { name, locale: lobby.locale }));
      watcher.close();
      others.stop();
      const onClosed = (closed) => {
        claim.release();
        ctx.onClosed(closed);
      };
      await enterFromLobby({ ...ctx, onClosed }, lobby, room);
    } catch (err) {
      joining = false;
      claim.release();
      lobby.setBusy(false);
      // The start was pushed before the server could take guests: keep waiting.
      if (err.code === 'not_started') return;
      stop(err);
    }
  }

  // Another tab of this browser goes in: this one offers "Join here" instead,
  // and asks again once that tab lets go (it left, or was closed).
  function otherTabJoins() {
    waited = false;
    lobby.setWaiting(false);
    lobby.setRunning(true);
    lobby.setElsewhere(true);
    setState('lobby');
    claim.watch(() => {
      if (!joining) others.ask();
    });
  }

  function stop(err) {
    watcher.close();
    claim.release();
    others?.stop();
    lobby?.close();
    showFailure(err, { exitUrl: currentExitUrl(), retry: reload });
  }

  watcher.on('info', (info) => {
    if (joining) return;
    const running = Boolean(info.room.started_at);
    if (!lobby) {
      applyOptions(info.options, info.room.name);
      // Nobody could come in: say so now, not after a wait for the host.
      if (info.options?.guest_token_available === false) {
        stop({ code: 'guests_disabled' });
        return;
      }
      lobby = createLobby({ client, meetingName: info.room.name, name: savedName(), guest: true, action: t('joinMeeting'), onSubmit: () => join() });
      lobby.locale = info.options?.custom_fields?.locale;
      others = followOtherTab(ctx, lobby);
      showLobby(lobby, running ? 'lobby' : 'waiting');
      if (live) lobby.setWaitingLive(t(live));
    }
    lobby.setWaiting(!running);
    if (!running) {
      waited = true;
      setState('waiting');
      return;
    }
    // Whoever waited for the host is taken in without another click.
    if (waited) join({ auto: true });
    else {
      lobby.setRunning(true);
      setState('lobby');
    }
  });
  watcher.on('connection', ({ state }) => {
    live = state === 'open' ? 'waitingLive' : 'waitingReconnecting';
    lobby?.setWaitingLive(t(live));
  });
  watcher.on('gone', () => stop({ code: 'gone' }));
  watcher.on('expired', () => stop({ code: 'expired' }));
}
