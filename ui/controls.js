// The meeting's own-media buttons (microphone, camera, screen) and the
// host's leave-or-end dialog.

import { announce, h, icon } from './dom.js';
import { t } from './i18n.js';
import { unlockAudio } from './levels.js';

/** A round control button with an icon, labelled for screen readers. */
export function controlButton(name, label, onClick, extra = {}) {
  return h('button', { type: 'button', class: 'control', id: `ctl-${name}`, 'aria-label': label, title: label, onclick: onClick, ...extra }, icon(name));
}

function label(button, text) {
  button.setAttribute('aria-label', text);
  button.title = text;
}

/**
 * @param {import('/app/client/anteroom.js').Meeting} meeting
 * @param {unknown} cameraSpec - what turning the camera back on opens
 */
export function createMediaControls(meeting, cameraSpec) {
  const mic = controlButton('mic', t('muteMic'), () => toggleMic());
  const camera = controlButton('camera', t('cameraOffAction'), () => toggleCamera());
  const screen = navigator.mediaDevices?.getDisplayMedia
    ? controlButton('screen', t('shareScreen'), () => toggleScreen(), { 'aria-pressed': 'false' })
    : null;

  async function toggleMic() {
    unlockAudio();
    if (!meeting.localTracks.audio) {
      await meeting.publishAudio(true).catch(() => announce(t('deviceFailed')));
      return;
    }
    meeting.mute({ audio: !meeting.muted.audio });
  }

  async function toggleCamera() {
    if (meeting.localTracks.camera) await meeting.unpublishCamera();
    else await meeting.publishCamera(cameraSpec).catch(() => announce(t('deviceFailed')));
  }

  async function toggleScreen() {
    if (meeting.localTracks.screen) {
      await meeting.stopScreen();
      return;
    }
    try {
      await meeting.shareScreen();
    } catch (err) {
      // Cancelling the browser's picker is not a failure worth a message.
      if (err?.name !== 'NotAllowedError') announce(t('shareFailed'));
    }
  }

  return {
    buttons: [mic, camera, screen].filter(Boolean),
    render() {
      const muted = meeting.muted.audio;
      const tracks = meeting.localTracks;
      mic.replaceChildren(icon(muted ? 'micOff' : 'mic'));
      label(mic, muted ? t('unmuteMic') : t('muteMic'));
      mic.classList.toggle('off', muted);
      mic.setAttribute('aria-pressed', String(muted));
      camera.replaceChildren(icon(tracks.camera ? 'camera' : 'cameraOff'));
      label(camera, tracks.camera ? t('cameraOffAction') : t('cameraOnAction'));
      camera.classList.toggle('off', !tracks.camera);
      camera.setAttribute('aria-pressed', String(!tracks.camera));
      if (screen) {
        screen.setAttribute('aria-pressed', String(Boolean(tracks.screen)));
        label(screen, tracks.screen ? t('stopSharing') : t('shareScreen'));
        screen.classList.toggle('active', Boolean(tracks.screen));
      }
    },
  };
}

/** Hosts choose between leaving and ending for everyone. */
export function createLeaveDialog({ onLeave, onEnd }) {
  const dialog = h('dialog', { class: 'card dialog', 'aria-labelledby': 'leave-title' },
    h('h2', { id: 'leave-title', text: t('leaveTitle') }),
    h('p', { class: 'muted-text', text: t('leaveText') }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'dialog-cancel', text: t('cancel'), onclick: () => dialog.close() }),
      h('button', { type: 'button', class: 'secondary', id: 'dialog-leave', text: t('leave'), onclick: () => { dialog.close(); onLeave(); } }),
      h('button', { type: 'button', class: 'danger', id: 'dialog-end', text: t('endForAll'), onclick: () => { dialog.close(); onEnd(); } })));
  return dialog;
}
