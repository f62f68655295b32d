// The screen before the meeting: name, camera preview, microphone meter,
// device pickers, and Start or Join, or the waiting note for early guests.

import { h, icon } from './dom.js';
import { t } from './i18n.js';
import { LevelMeter, unlockAudio } from './levels.js';

const NAME_KEY = 'anteroom:name';

export function savedName() {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function saveName(name) {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Storage may be off; the name is only a convenience for next time.
  }
}

/**
 * @param {object} o
 * @param {import('/app/client/anteroom.js').Anteroom} o.client
 * @param {string} o.meetingName
 * @param {string} o.name - prefilled name
 * @param {boolean} o.nameEditable
 * @param {boolean} o.guest
 * @param {string} o.action - the button's label
 * @param {(lobby) => void} o.onSubmit
 */
export function createLobby({ client, meetingName, name, nameEditable = true, guest = false, action, onSubmit }) {
  const local = { audio: null, video: null };
  const enabled = { audio: true, video: true };
  let meter = null;
  let meterTimer = null;
  let handedOver = false;

  const video = h('video', { class: 'preview-video', autoplay: true, playsinline: true, muted: true, 'aria-label': t('cameraPreview') });
  video.muted = true;
  const previewOff = h('div', { class: 'preview-off', text: t('previewOff'), hidden: true });
  const levelBar = h('div', { class: 'level-bar' });
  const levelMeter = h('div', { class: 'level', role: 'meter', 'aria-label': t('micLevel'), 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, levelBar);
  const micButton = h('button', { type: 'button', class: 'round', 'aria-pressed': 'false', onclick: () => toggle('audio') });
  const camButton = h('button', { type: 'button', class: 'round', 'aria-pressed': 'false', onclick: () => toggle('video') });
  const mediaNote = h('p', { class: 'note warn', hidden: true, role: 'status', text: t('mediaUnavailable') });

  const nameInput = h('input', {
    id: 'lobby-name', name: 'name', type: 'text', autocomplete: 'name', maxlength: '256',
    placeholder: t('namePlaceholder'), required: nameEditable, readonly: !nameEditable,
  });
  nameInput.value = name ?? '';
  const nameError = h('p', { class: 'field-error', id: 'lobby-name-error', hidden: true, text: t('nameRequired') });
  const camSelect = h('select', { id: 'lobby-camera', onchange: () => reopen('video') });
  const micSelect = h('select', { id: 'lobby-mic', onchange: () => reopen('audio') });
  const submit = h('button', { type: 'submit', class: 'primary wide', id: 'lobby-submit', text: action });
  const waiting = h('div', { class: 'waiting', hidden: true, role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'pulse', 'aria-hidden': 'true' }),
    h('div', {}, h('h2', { text: t('waitingTitle') }), h('p', { text: t('waitingText') }), h('p', { class: 'small', id: 'waiting-live' })));
  const runningNote = h('p', { class: 'note ok', hidden: true, text: t('meetingRunning') });

  const form = h('form', { class: 'card lobby-form', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    unlockAudio();
    if (!nameInput.value.trim() && nameEditable) {
      nameError.hidden = false;
      nameInput.setAttribute('aria-invalid', 'true');
      nameInput.focus();
      return;
    }
    onSubmit(lobby);
  } },
  h('p', { class: 'eyebrow', text: meetingName }),
  h('h1', { text: guest ? t('lobbyJoinTitle') : t('lobbyHostTitle') }),
  guest ? h('p', { class: 'muted-text', text: t('lobbyGuestNote') }) : null,
  h('label', { for: 'lobby-name', text: t('yourName') }), nameInput, nameError,
  h('div', { class: 'device-row' },
    h('div', {}, h('label', { for: 'lobby-camera', text: t('camera') }), camSelect),
    h('div', {}, h('label', { for: 'lobby-mic', text: t('microphone') }), micSelect)),
  runningNote, waiting, submit);
  nameInput.setAttribute('aria-describedby', 'lobby-name-error');

  const view = h('div', { class: 'lobby' },
    h('section', { class: 'card preview' },
      h('div', { class: 'preview-frame' }, video, previewOff,
        h('div', { class: 'preview-controls' }, micButton, camButton)),
      levelMeter, mediaNote),
    form);

  function render() {
    micButton.replaceChildren(icon(enabled.audio ? 'mic' : 'micOff'));
    micButton.setAttribute('aria-label', enabled.audio ? t('muteMic') : t('unmuteMic'));
    micButton.setAttribute('aria-pressed', String(!enabled.audio));
    micButton.classList.toggle('off', !enabled.audio);
    camButton.replaceChildren(icon(enabled.video ? 'camera' : 'cameraOff'));
    camButton.setAttribute('aria-label', enabled.video ? t('cameraOffAction') : t('cameraOnAction'));
    camButton.setAttribute('aria-pressed', String(!enabled.video));
    camButton.classList.toggle('off', !enabled.video);
    previewOff.hidden = Boolean(enabled.video && local.video);
    if (local.audio) local.audio.enabled = enabled.audio;
  }

  async function open(kind, deviceId) {
    const constraints = kind === 'audio'
      ? { audio: true, video: false, audioDeviceId: deviceId }
      : { audio: false, video: true, videoDeviceId: deviceId };
    try {
      const stream = await client.openMedia(constraints);
      const [track] = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
      setTrack(kind, track ?? null);
      return true;
    } catch {
      setTrack(kind, null);
      return false;
    }
  }

  function setTrack(kind, track) {
    if (handedOver) {
      track?.stop();
      return;
    }
    local[kind]?.stop();
    local[kind] = track;
    if (kind === 'video') video.srcObject = track ? new MediaStream([track]) : null;
    if (kind === 'audio') watchLevel(track);
    render();
  }

  function watchLevel(track) {
    meter?.close();
    meter = null;
    clearInterval(meterTimer);
    if (!track) return;
    try {
      meter = new LevelMeter(track);
    } catch {
      return;
    }
    meterTimer = setInterval(() => {
      const level = enabled.audio ? meter.level() : 0;
      levelBar.style.setProperty('--level', level.toFixed(3));
      levelMeter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
    }, 80);
  }

  async function reopen(kind) {
    const select = kind === 'audio' ? micSelect : camSelect;
    if (kind === 'video' && !enabled.video) return;
    await open(kind, select.value || undefined);
  }

  function toggle(kind) {
    enabled[kind] = !enabled[kind];
    // The camera is closed, not just hidden, so its light goes off.
    if (kind === 'video') {
      if (enabled.video) reopen('video');
      else setTrack('video', null);
    }
    render();
  }

  async function fillDevices() {
    const devices = await client.devices().catch(() => ({ audioinput: [], videoinput: [] }));
    const fill = (select, list, track) => {
      const current = track?.getSettings?.().deviceId;
      select.replaceChildren(...list.map((d, i) => h('option', { value: d.deviceId, text: d.label || `${select === camSelect ? t('camera') : t('microphone')} ${i + 1}` })));
      if (!list.length) select.append(h('option', { value: '', text: t('noDevice') }));
      if (current) select.value = current;
    };
    fill(camSelect, devices.videoinput, local.video);
    fill(micSelect, devices.audioinput, local.audio);
  }

  const lobby = {
    view,
    async start() {
      render();
      const [audioOk, videoOk] = await Promise.all([open('audio'), open('video')]);
      mediaNote.hidden = audioOk && videoOk;
      await fillDevices();
    },
    get name() {
      return nameInput.value.trim();
    },
    /** Shows the waiting note instead of the button, or takes it away. */
    setWaiting(on) {
      waiting.hidden = !on;
      submit.hidden = on;
      runningNote.hidden = true;
    },
    setWaitingLive(text) {
      view.querySelector('#waiting-live').textContent = text;
    },
    setRunning(on) {
      runningNote.hidden = !on;
    },
    setBusy(on) {
      submit.disabled = on;
      submit.textContent = on ? t('joining') : action;
      nameInput.readOnly = on || !nameEditable;
    },
    setAction(label) {
      action = label;
      submit.textContent = label;
    },
    focus() {
      (nameEditable && !nameInput.value ? nameInput : submit).focus();
    },
    /** Hands the tracks to the meeting; the lobby no longer stops them. */
    takeMedia() {
      if (lobby.name) saveName(lobby.name);
      handedOver = true;
      watchLevel(null);
      video.srcObject = null;
      return {
        audio: local.audio,
        video: enabled.video ? local.video : null,
        muted: { audio: !enabled.audio, video: false },
      };
    },
    close() {
      watchLevel(null);
      if (!handedOver) {
        local.audio?.stop();
        local.video?.stop();
      }
    },
  };
  return lobby;
}
