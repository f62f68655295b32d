// The screen before the meeting: the name, the devices (preview.js), and
// Start or Join, or the waiting note for early guests.

import { h } from './dom.js';
import { t } from './i18n.js';
import { unlockAudio } from './levels.js';
import { createPreview } from './preview.js';

const NAME_KEY = 'anteroom:name';

/** The name used last in this browser, so nobody types it twice. */
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
  const preview = createPreview(client);
  let elsewhere = false;
  let busy = false;

  const nameInput = h('input', {
    id: 'lobby-name', name: 'name', type: 'text', autocomplete: 'name', maxlength: '256',
    placeholder: t('namePlaceholder'), required: nameEditable, readonly: !nameEditable,
  });
  nameInput.value = name ?? '';
  const nameError = h('p', { class: 'field-error', id: 'lobby-name-error', hidden: true, text: t('nameRequired') });
  const submit = h('button', { type: 'submit', class: 'primary wide', id: 'lobby-submit', text: action });
  const waiting = h('div', { class: 'waiting', hidden: true, role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'pulse', 'aria-hidden': 'true' }),
    h('div', {}, h('h2', { text: t('waitingTitle') }), h('p', { text: t('waitingText') }), h('p', { class: 'small', id: 'waiting-live' })));
  const runningNote = h('p', { class: 'note ok', hidden: true, text: t('meetingRunning') });
  // Said when this browser already has the meeting open in another tab.
  const elsewhereNote = h('p', { class: 'note warn', id: 'lobby-elsewhere', hidden: true, role: 'status', text: t('alsoHere') });

  const form = h('form', { class: 'card lobby-form', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    lobby.submit();
  } },
  h('p', { class: 'eyebrow', text: meetingName }),
  h('h1', { text: guest ? t('lobbyJoinTitle') : t('lobbyHostTitle') }),
  guest ? h('p', { class: 'muted-text', text: t('lobbyGuestNote') }) : null,
  h('label', { for: 'lobby-name', text: t('yourName') }), nameInput, nameError,
  preview.deviceRow,
  runningNote, elsewhereNote, waiting, submit);
  nameInput.setAttribute('aria-describedby', 'lobby-name-error');

  const view = h('div', { class: 'lobby' }, preview.view, form);

  function label() {
    if (busy) return t('joining');
    return elsewhere ? t('moveHere') : action;
  }

  const lobby = {
    view,
    start: () => preview.start(),
    get name() {
      return nameInput.value.trim();
    },
    /** True while another tab of this browser is in the meeting. */
    get elsewhere() {
      return elsewhere;
    },
    /** Checks the name and hands over to the flow, as the button does. */
    submit() {
      unlockAudio();
      if (!nameInput.value.trim() && nameEditable) {
        nameError.hidden = false;
        nameInput.setAttribute('aria-invalid', 'true');
        nameInput.focus();
        return;
      }
      onSubmit(lobby);
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
    setElsewhere(on) {
      elsewhere = on;
      elsewhereNote.hidden = !on;
      submit.textContent = label();
    },
    setBusy(on) {
      busy = on;
      submit.disabled = on;
      submit.textContent = label();
      nameInput.readOnly = on || !nameEditable;
    },
    setAction(text) {
      action = text;
      submit.textContent = label();
    },
    focus() {
      (nameEditable && !nameInput.value ? nameInput : submit).focus();
    },
    /** Hands the devices to the meeting; the lobby no longer stops them. */
    takeMedia() {
      if (lobby.name) saveName(lobby.name);
      return preview.takeMedia();
    },
    close: () => preview.close(),
  };
  return lobby;
}
