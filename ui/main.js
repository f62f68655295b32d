// The prebuilt UI's entry: reads the link, then runs one of four flows.
//
//   /app/permalink?<user_token>       host: lobby, Start meeting
//   /app/permalink?guest=<token>      guest: lobby, waiting room until the host starts
//   /app/?<access_key>                a participant's own link
//   /app/?guest=<token>               a plain room's guest link

import { Anteroom, isExpired } from '/app/client/anteroom.js';
import { setState, show } from './dom.js';
import { setLocale, t } from './i18n.js';
import { createLobby, savedName } from './lobby.js';
import { runMeeting } from './meeting-view.js';
import { endedLine, showFailure, showLoading, showNotice } from './screens.js';

const client = new Anteroom();
let exitUrl = null;

/** Which flow a URL asks for, and its token. */
export function parseRoute({ pathname, search }) {
  const permalink = /\/permalink\/?$/.test(pathname);
  const params = new URLSearchParams(search);
  const guest = params.get('guest');
  // A bare `?<token>` parses as a key with an empty value.
  const token = [...params].find(([key, value]) => value === '' && key !== 'guest')?.[0] ?? null;
  if (guest) return { flow: permalink ? 'permalink-guest' : 'room-guest', token: guest };
  if (token) return { flow: permalink ? 'permalink-host' : 'room', token };
  return { flow: 'invalid', token: null };
}

/** Takes locale, exit URL, title and colour from a meeting's options. */
function applyOptions(options, name) {
  if (!options) return;
  setLocale(options.custom_fields?.locale);
  exitUrl = options.exit_url ?? null;
  if (name) document.title = `${name} – ${t('appName')}`;
  if (/^#[0-9a-f]{6}$/i.test(options.background_color ?? '')) {
    document.documentElement.style.setProperty('--stage-bg', options.background_color);
  }
}

function showLobby(lobby, state) {
  setState(state);
  show(lobby.view);
  lobby.start();
  lobby.focus();
}

/** From the lobby into the meeting with the lobby's devices. */
async function enter(room, lobby) {
  const media = lobby.takeMedia();
  lobby.close();
  applyOptions(room.options, room.room?.name);
  const meeting = client.meeting(room, { audio: media.audio, video: media.video, muted: media.muted });
  try {
    await meeting.join();
  } catch (err) {
    onClosed(meeting.closed ?? { reason: err.code, ended: null });
    return;
  }
  exitUrl = meeting.options.exit_url ?? exitUrl;
  runMeeting(meeting, { onClosed, cameraSpec: media.video ? { deviceId: media.video.getSettings?.().deviceId } : true });
}

function onClosed({ reason, ended }) {
  const again = [{ label: t('rejoin'), onClick: () => location.reload() }];
  switch (reason) {
    case 'ended':
      showNotice({ state: 'ended', title: t('endedTitle'), lines: [endedLine(ended)], exitUrl, redirect: true });
      break;
    case 'left':
      if (exitUrl) {
        setState('left');
        location.assign(exitUrl);
      } else showNotice({ state: 'left', title: t('leftTitle'), actions: again });
      break;
    case 'kicked':
      showNotice({ state: 'kicked', title: t('kickedTitle'), lines: [t('kickedText')], exitUrl, actions: again, tone: 'warn' });
      break;
    case 'removed':
      showNotice({ state: 'removed', title: t('removedTitle'), lines: [t('removedText')], exitUrl, tone: 'warn' });
      break;
    case 'replaced':
      showNotice({ state: 'replaced', title: t('replacedTitle'), lines: [t('replacedText')],
        actions: [{ label: t('useHere'), onClick: () => location.reload() }] });
      break;
    default:
      showFailure({ code: reason === 'not_found' ? 'invalid' : reason }, { exitUrl });
  }
}

async function hostFlow(token) {
  let info;
  try {
    info = await client.meetingInfo(token);
  } catch (err) {
    showFailure(err, { retry: () => location.reload() });
    return;
  }
  applyOptions(info.options, info.room.name);
  if (isExpired(info, Date.now())) {
    showFailure({ code: 'expired' }, { exitUrl });
    return;
  }
  // Follows the meeting so the button says Start or Join as it should.
  const watcher = client.watchPermalink(token);
  const lobby = createLobby({
    client, meetingName: info.room.name, name: savedName(), guest: false,
    action: info.room.started_at ? t('joinMeeting') : t('startMeeting'),
    onSubmit: async () => {
      lobby.setBusy(true);
      try {
        const room = await client.startPermalink(token, { name: lobby.name });
        watcher.close();
        await enter(room, lobby);
      } catch (err) {
        lobby.setBusy(false);
        watcher.close();
        showFailure(err, { exitUrl, retry: () => location.reload() });
      }
    },
  });
  watcher.on('info', (next) => {
    lobby.setRunning(Boolean(next.room.started_at));
    lobby.setAction(next.room.started_at ? t('joinMeeting') : t('startMeeting'));
  });
  watcher.on('gone', () => showFailure({ code: 'gone' }, { exitUrl }));
  showLobby(lobby, 'lobby');
}

function guestPermalinkFlow(token) {
  const watcher = client.watchPermalink(token);
  let lobby = null;
  let waited = false;
  let joining = false;
  let live = null;

  async function join() {
    if (joining) return;
    joining = true;
    lobby.setBusy(true);
    try {
      const name = lobby.name || t('defaultGuestName');
      const room = await client.registerGuest(token, { name, locale: lobby.locale });
      watcher.close();
      await enter(room, lobby);
    } catch (err) {
      joining = false;
      lobby.setBusy(false);
      // The start was pushed before the server could take guests: keep waiting.
      if (err.code === 'not_started') return;
      watcher.close();
      lobby.close();
      showFailure(err, { exitUrl, retry: () => location.reload() });
    }
  }

  watcher.on('info', (info) => {
    if (joining) return;
    const running = Boolean(info.room.started_at);
    if (!lobby) {
      applyOptions(info.options, info.room.name);
      lobby = createLobby({ client, meetingName: info.room.name, name: savedName(), guest: true, action: t('joinMeeting'), onSubmit: join });
      lobby.locale = info.options?.custom_fields?.locale;
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
    if (waited) join();
    else {
      lobby.setRunning(true);
      setState('lobby');
    }
  });
  watcher.on('connection', ({ state }) => {
    live = state === 'open' ? 'waitingLive' : 'waitingReconnecting';
    lobby?.setWaitingLive(t(live));
  });
  watcher.on('gone', () => {
    lobby?.close();
    showFailure({ code: 'gone' }, { exitUrl });
  });
  watcher.on('expired', () => {
    watcher.close();
    lobby?.close();
    showFailure({ code: 'expired' }, { exitUrl });
  });
}

async function roomFlow(accessKey) {
  let room;
  try {
    room = await client.room(accessKey);
  } catch (err) {
    if (err.code === 'gone') onClosed({ reason: 'ended', ended: null });
    else showFailure(err.code === 'not_found' ? { code: 'invalid' } : err, { retry: () => location.reload() });
    return;
  }
  applyOptions(room.options, room.room?.name);
  const lobby = createLobby({
    client, meetingName: room.room?.name ?? '', name: room.user?.name ?? '', nameEditable: false, guest: Boolean(room.user?.guest),
    action: t('joinMeeting'), onSubmit: () => enter(room, lobby),
  });
  showLobby(lobby, 'lobby');
}

function roomGuestFlow(token) {
  // A plain room's guest token has no info endpoint: the page learns the
  // meeting's options only on registering.
  setLocale(navigator.language);
  const lobby = createLobby({
    client, meetingName: '', name: savedName(), guest: true, action: t('joinMeeting'),
    onSubmit: async () => {
      lobby.setBusy(true);
      try {
        const room = await client.registerGuest(token, { name: lobby.name, locale: navigator.language });
        await enter(room, lobby);
      } catch (err) {
        lobby.setBusy(false);
        lobby.close();
        if (err.code === 'gone') onClosed({ reason: 'ended', ended: null });
        else showFailure(err.code === 'not_found' ? { code: 'invalid' } : err, { retry: () => location.reload() });
      }
    },
  });
  showLobby(lobby, 'lobby');
}

function main() {
  showLoading();
  const { flow, token } = parseRoute(location);
  if (flow === 'permalink-host') hostFlow(token);
  else if (flow === 'permalink-guest') guestPermalinkFlow(token);
  else if (flow === 'room') roomFlow(token);
  else if (flow === 'room-guest') roomGuestFlow(token);
  else {
    setLocale(navigator.language);
    showFailure({ code: 'invalid' });
  }
}

main();
