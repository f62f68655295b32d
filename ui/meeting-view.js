// The meeting: video grid, control bar, side panels, host controls, and the
// reconnecting state. Everything it shows comes from the client's events.

import { createLeaveDialog, createMediaControls, controlButton } from './controls.js';
import { announce, h, icon, setState, show } from './dom.js';
import { t } from './i18n.js';
import { LayerChooser } from './layers.js';
import { SpeakerDetector, unlockAudio } from './levels.js';
import { createChat, createInvite, createPeople } from './panels.js';
import { Grid, Tile } from './tiles.js';

/**
 * @param {import('/app/client/anteroom.js').Meeting} meeting - joined
 * @param {{onClosed: (closed: {reason: string, ended: object|null, byMe: boolean}) => void, cameraSpec?: unknown}} o
 */
export function runMeeting(meeting, { onClosed, cameraSpec = true }) {
  const options = meeting.options;
  const custom = options.custom_fields ?? {};
  const showNames = options.show_names !== false;
  const isHost = !meeting.isGuest;
  const guestLink = options.guest_token_available ? meeting.room.links?.guest_join : null;
  const selfId = () => meeting.session?.participant_id;
  const audioSink = h('div', { class: 'audio-sink', 'aria-hidden': 'true' });
  const audioEls = new Map();
  const grid = new Grid();
  const speakers = new SpeakerDetector((key) => {
    for (const tile of grid.tiles.values()) tile.setSpeaking(!tile.screen && tile.key === key);
  });

  // Small tiles get the small simulcast layer: less to send and decode.
  const layers = new LayerChooser((id, layer) => meeting.setLayer(id, layer));

  const self = grid.add(new Tile({ key: 'self', name: meeting.session.name, self: true, showName: showNames }));

  // Panels: one open at a time, beside the grid.
  const chat = createChat({ onSend: (text) => meeting.sendChat(text), onClose: () => openPanel(null), selfId });
  let actedAt = -Infinity;
  const act = (fn) => (...args) => {
    actedAt = performance.now();
    return fn(...args);
  };
  const people = createPeople({ onKick: act((person) => meeting.kick(person.user_id)), onClose: () => openPanel(null) });
  const invite = guestLink ? createInvite({ link: guestLink, onClose: () => openPanel(null), onCopied: () => announce(t('copied')) }) : null;
  const panels = { chat: custom.hide_chat ? null : chat, people, invite };
  const side = h('aside', { class: 'side', hidden: true }, ...Object.values(panels).filter(Boolean).map((p) => p.view));
  const panelButtons = {};

  function openPanel(name) {
    for (const [key, p] of Object.entries(panels)) {
      if (!p) continue;
      p.view.hidden = key !== name;
      panelButtons[key]?.setAttribute('aria-expanded', String(key === name));
    }
    side.hidden = name === null;
    if (name) panels[name].onOpen?.();
    if (name === 'chat') chat.input.focus();
  }

  // Controls.
  const media = createMediaControls(meeting, cameraSpec);
  for (const [name, label] of [['chat', t('chat')], ['people', t('people')], ['invite', t('invite')]]) {
    if (!panels[name]) continue;
    panelButtons[name] = controlButton(name, label, () => openPanel(side.hidden || panels[name].view.hidden ? name : null), { 'aria-expanded': 'false', 'aria-controls': `${name}-panel` });
  }
  const lockButton = isHost && options.lock_available ? controlButton('lock', t('lockMeeting'), act(() => meeting.lock())) : null;
  const leaveButton = h('button', { type: 'button', class: 'control danger wide-control', id: 'ctl-leave', 'aria-label': t('leave'), onclick: () => (isHost ? dialog.showModal() : meeting.leave()) },
    icon('leave'), h('span', { text: t('leave') }));
  // Remembered so the end screen can say "You ended the meeting".
  let endedHere = false;
  const dialog = createLeaveDialog({
    onLeave: () => meeting.leave(),
    onEnd: act(() => {
      endedHere = true;
      meeting.end();
    }),
  });

  const countEl = h('span', { class: 'count' });
  const lockedBadge = h('span', { class: 'badge-pill', hidden: true }, icon('lock'), h('span', { text: t('meetingLocked') }));
  const banner = h('div', { class: 'banner', role: 'status', hidden: true, text: t('reconnecting') });
  // A guest let in from the waiting room may not have touched the page yet,
  // and browsers hold back sound until they do.
  const soundButton = h('button', { type: 'button', class: 'primary sound-button', hidden: true, text: t('enableSound'), onclick: () => {
    unlockAudio();
    for (const el of audioSink.querySelectorAll('audio')) el.play().catch(() => {});
    soundButton.hidden = true;
  } });
  const bar = h('nav', { class: 'controls', 'aria-label': t('controls') },
    h('div', { class: 'control-group' }, ...media.buttons),
    h('div', { class: 'control-group' }, ...Object.values(panelButtons), lockButton),
    h('div', { class: 'control-group' }, leaveButton));
  const view = h('div', { class: 'meeting' },
    h('header', { class: 'topbar' },
      h('div', { class: 'title' }, h('h1', { text: meeting.meeting?.name ?? meeting.room.room?.name ?? '' }), countEl),
      lockedBadge, soundButton),
    banner,
    h('div', { class: 'body' }, h('main', { class: 'main', 'aria-label': t('videoGrid') }, grid.el), side),
    bar, dialog, audioSink);

  function renderControls() {
    media.render();
    if (lockButton) {
      lockButton.disabled = meeting.locked;
      lockButton.setAttribute('aria-label', meeting.locked ? t('meetingLocked') : t('lockMeeting'));
    }
    lockedBadge.hidden = !meeting.locked;
    self.setState({ audioMuted: meeting.muted.audio, videoMuted: !meeting.localTracks.camera });
  }

  function renderPeople() {
    const others = [...meeting.participants.values()];
    countEl.textContent = t('participantsCount', { count: others.length + 1 });
    const me = { name: meeting.session.name, guest: meeting.isGuest, audio_muted: meeting.muted.audio };
    people.update(me, others, isHost && options.kick_available);
    for (const p of others) {
      const tile = grid.get(p.participant_id) ?? grid.add(new Tile({ key: p.participant_id, name: p.name, showName: showNames }));
      tile.setName(p.name);
      tile.setState({ audioMuted: p.audio_muted, videoMuted: p.video_muted });
      grid.get(`${p.participant_id}:screen`)?.setName(p.name);
    }
    for (const key of [...grid.tiles.keys()]) {
      const id = key.replace(/:screen$/, '');
      if (key === 'self' || id === 'self' || meeting.participants.has(id)) continue;
      grid.remove(key);
      layers.unwatch(id);
    }
  }

  function onTrack({ mid, participantId, kind, track }) {
    const p = meeting.participants.get(participantId);
    if (kind === 'audio') {
      const el = h('audio', { autoplay: true });
      el.srcObject = new MediaStream([track]);
      audioSink.append(el);
      audioEls.set(mid, el);
      el.play().catch(() => {
        soundButton.hidden = false;
      });
      speakers.add(participantId, track);
    } else if (kind === 'camera') {
      const tile = grid.get(participantId) ?? grid.add(new Tile({ key: participantId, name: p?.name ?? '', showName: showNames }));
      tile.setTrack(track);
      layers.watch(participantId, tile.el);
    } else if (kind === 'screen') {
      const key = `${participantId}:screen`;
      (grid.get(key) ?? grid.add(new Tile({ key, name: p?.name ?? '', screen: true }))).setTrack(track);
    }
  }

  function onTrackRemoved({ mid, participantId, kind }) {
    if (kind === 'audio') {
      audioEls.get(mid)?.remove();
      audioEls.delete(mid);
      speakers.remove(participantId);
    } else if (kind === 'camera') {
      grid.get(participantId)?.setTrack(null);
      layers.unwatch(participantId);
    }
    else if (kind === 'screen') grid.remove(`${participantId}:screen`);
  }

  function onLocalTrack({ kind, track }) {
    if (kind === 'camera') self.setTrack(track);
    if (kind === 'audio') {
      if (track) speakers.add('self', track);
      else speakers.remove('self');
    }
    if (kind === 'screen') {
      if (track) grid.add(new Tile({ key: 'self:screen', name: meeting.session.name, screen: true, self: true })).setTrack(track);
      else grid.remove('self:screen');
    }
    renderControls();
  }

  const offs = [
    meeting.on('participants', renderPeople),
    meeting.on('participant_joined', (p) => announce(t('someoneJoined', { name: p.name }))),
    meeting.on('participant_left', ({ participant }) => announce(t('someoneLeft', { name: participant.name }))),
    meeting.on('chat', (message) => chat.add(message)),
    meeting.on('track', onTrack),
    meeting.on('track_removed', onTrackRemoved),
    meeting.on('local_track', onLocalTrack),
    meeting.on('mute', renderControls),
    meeting.on('locked', () => {
      renderControls();
      announce(t('lockedNotice'));
    }),
    meeting.on('error', ({ source, message }) => {
      // Only refusals of something this user just asked for are worth saying.
      if (source === 'server' && performance.now() - actedAt < 3000) announce(t('actionRefused', { reason: message }));
    }),
    meeting.on('state', ({ state }) => {
      if (state === 'reconnecting') {
        banner.hidden = false;
        setState('reconnecting');
      } else if (state === 'connected') {
        banner.hidden = true;
        setState('meeting');
        announce(t('reconnected'));
      }
    }),
    // A new connection may be a new participant to the server, which then
    // knows nothing of the layers asked for before.
    meeting.on('welcome', () => layers.resend()),
    meeting.on('closed', (closed) => {
      for (const off of offs) off();
      speakers.close();
      layers.close();
      if (dialog.open) dialog.close();
      onClosed({ ...closed, byMe: endedHere && closed.reason === 'ended' });
    }),
  ];
  const onKey = (event) => {
    if (event.key === 'Escape' && !side.hidden && !dialog.open) openPanel(null);
  };
  document.addEventListener('keydown', onKey);
  offs.push(() => document.removeEventListener('keydown', onKey));

  for (const [kind, track] of Object.entries(meeting.localTracks)) if (track) onLocalTrack({ kind, track });
  for (const track of meeting.remoteTracks) onTrack(track);
  renderPeople();
  renderControls();
  show(view);
  document.title = `${meeting.meeting?.name ?? ''} – ${t('appName')}`;
  setState(meeting.state === 'reconnecting' ? 'reconnecting' : 'meeting');
  // Wide screens start with the chat open, so it is one Tab away.
  if (panels.chat && matchMedia('(min-width: 900px)').matches) openPanel('chat');
  announce(t('joinedAnnounce'));
  media.buttons[0].focus();
}
