// The lobby's devices: camera preview, microphone meter, device pickers and
// the two on/off buttons. On joining it hands the meeting what to send.

import { h, icon } from './dom.js';
import { t } from './i18n.js';
import { LevelMeter } from './levels.js';

/** @param {import('/app/client/anteroom.js').Anteroom} client */
export function createPreview(client) {
  const local = { audio: null, video: null };
  // Per kind: `opening` until the first attempt settles, then `open` or `failed`.
  const status = { audio: 'opening', video: 'opening' };
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
  const camSelect = h('select', { id: 'lobby-camera', onchange: () => reopen('video') });
  const micSelect = h('select', { id: 'lobby-mic', onchange: () => reopen('audio') });

  const view = h('section', { class: 'card preview' },
    h('div', { class: 'preview-frame' }, video, previewOff,
      h('div', { class: 'preview-controls' }, micButton, camButton)),
    levelMeter, mediaNote);
  const deviceRow = h('div', { class: 'device-row' },
    h('div', {}, h('label', { for: 'lobby-camera', text: t('camera') }), camSelect),
    h('div', {}, h('label', { for: 'lobby-mic', text: t('microphone') }), micSelect));

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
      status[kind] = track ? 'open' : 'failed';
    } catch {
      setTrack(kind, null);
      status[kind] = 'failed';
    }
    return status[kind] === 'open';
  }

  function setTrack(kind, track) {
    // Opened after the meeting took over: the meeting opens its own.
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

  /**
   * What the meeting sends for `kind`: the preview's open track, or, when
   * the user was quicker than the device, the device itself (the meeting
   * opens it), so an early click never joins without camera or microphone.
   */
  function spec(kind, select) {
    if (local[kind]) return local[kind];
    if (status[kind] === 'failed') return null;
    return select.value ? { deviceId: select.value } : true;
  }

  const deviceOf = (kind, select) => local[kind]?.getSettings?.().deviceId || select.value || null;

  return {
    view,
    deviceRow,
    async start() {
      render();
      const [audioOk, videoOk] = await Promise.all([open('audio'), open('video')]);
      mediaNote.hidden = audioOk && videoOk;
      await fillDevices();
    },
    /** Hands the devices to the meeting; the preview no longer stops them. */
    takeMedia() {
      const media = {
        audio: spec('audio', micSelect),
        video: enabled.video ? spec('video', camSelect) : null,
        muted: { audio: !enabled.audio, video: false },
        deviceIds: { audio: deviceOf('audio', micSelect), video: deviceOf('video', camSelect) },
      };
      handedOver = true;
      watchLevel(null);
      video.srcObject = null;
      return media;
    },
    close() {
      watchLevel(null);
      if (!handedOver) {
        local.audio?.stop();
        local.video?.stop();
      }
    },
  };
}
