// The links of a plain room (POST /rooms): a participant's own link, which
// is its access key, and the room's guest link.

import { enterFromLobby, followOtherTab, resumeStored, showLobby } from './flow-common.js';
import { setLocale, t } from './i18n.js';
import { createLobby, savedName } from './lobby.js';
import { applyOptions, currentExitUrl } from './options.js';
import { showFailure } from './screens.js';

const reload = () => location.reload();

/** @param {import('./flow-common.js').FlowContext} ctx - `token` is the access key */
export async function roomFlow(ctx) {
  const { client, token: accessKey } = ctx;
  if (await resumeStored(ctx)) return;
  let room;
  try {
    room = await client.room(accessKey);
  } catch (err) {
    if (err.code === 'gone') ctx.onClosed({ reason: 'ended', ended: null });
    else showFailure(err.code === 'not_found' ? { code: 'invalid' } : err, { retry: reload });
    return;
  }
  applyOptions(room.options, room.room?.name);
  const lobby = createLobby({
    client, meetingName: room.room?.name ?? '', name: room.user?.name ?? '', nameEditable: false, guest: Boolean(room.user?.guest),
    action: t('joinMeeting'),
    onSubmit: () => {
      // Another tab with this link holds the same access key: joining here
      // takes the meeting over from it either way (D11).
      others.stop();
      enterFromLobby(ctx, lobby, room);
    },
  });
  const others = followOtherTab(ctx, lobby);
  showLobby(lobby, 'lobby');
}

/** @param {import('./flow-common.js').FlowContext} ctx */
export async function roomGuestFlow(ctx) {
  const { client, token } = ctx;
  // A plain room's guest token has no info endpoint: the page learns the
  // meeting's options only on registering.
  setLocale(navigator.language);
  if (await resumeStored(ctx)) return;
  const lobby = createLobby({
    client, meetingName: '', name: savedName(), guest: true, action: t('joinMeeting'),
    onSubmit: async () => {
      lobby.setBusy(true);
      try {
        const room = await others.room(() => client.registerGuest(token, { name: lobby.name, locale: navigator.language }));
        others.stop();
        await enterFromLobby(ctx, lobby, room);
      } catch (err) {
        others.stop();
        lobby.setBusy(false);
        lobby.close();
        if (err.code === 'gone') ctx.onClosed({ reason: 'ended', ended: null });
        else showFailure(err.code === 'not_found' ? { code: 'invalid' } : err, { exitUrl: currentExitUrl(), retry: reload });
      }
    },
  });
  const others = followOtherTab(ctx, lobby);
  showLobby(lobby, 'lobby');
}
